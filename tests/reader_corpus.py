"""Hostile input for the readers of files (class files, DEX, office documents, PDFs,
archives), generated: bombs whose tables share one entry many times, and files the
readers must not drop in silence.  Nothing here is committed as a binary."""

from __future__ import annotations

import struct

# -- compiled code whose tables share entries ------------------------------------------------


def _class_utf8(text: str) -> bytes:
    raw = text.encode()
    return b"\x01" + struct.pack(">H", len(raw)) + raw


def shared_descriptor_class(methods: int = 500, params: int = 65000) -> bytes:
    """A class file whose ``methods`` methods share one descriptor of ``params``
    parameters (about 69 KB with the defaults): written out once per method, that is
    32 M parameter names."""
    pool = [
        _class_utf8("com/acme/face/Bomb"),
        b"\x07" + struct.pack(">H", 1),
        _class_utf8("java/lang/Object"),
        b"\x07" + struct.pack(">H", 3),
        _class_utf8("(" + "I" * params + ")V"),
        _class_utf8("getSkinColor"),
    ]
    names = [_class_utf8(f"m{i}") for i in range(methods - 1)]
    pool += names
    out = bytearray(b"\xca\xfe\xba\xbe" + struct.pack(">HHH", 0, 52, len(pool) + 1))
    out += b"".join(pool)
    out += struct.pack(">HHHHH", 0x21, 2, 4, 0, 0)  # public class Bomb; no interfaces, fields
    out += struct.pack(">H", methods)
    for i in range(methods):
        name = 6 if i == 0 else 7 + i - 1
        out += struct.pack(">HHHH", 0x1, name, 5, 0)
    out += struct.pack(">H", 0)
    return bytes(out)


def _dex(
    strings: list[bytes],
    string_ids: list[int],
    type_ids: list[int],
    protos: list[tuple[int, int, int]],
    fields: list[tuple[int, int, int]],
    methods: list[tuple[int, int, int]],
    classes: list[int],
    lists: list[list[int]],
) -> bytes:
    """A DEX file from its tables, sharing whatever they share: ``string_ids`` index
    ``strings`` (several ids may name one string's data), a proto's third value
    indexes ``lists`` (type lists, one of which may serve every proto), 1-based (0:
    no parameters)."""
    counts = [len(string_ids), len(type_ids), len(protos), len(fields), len(methods), len(classes)]
    sizes = [4, 4, 12, 8, 8, 32]
    offs = []
    off = 0x70
    for n, size in zip(counts, sizes, strict=True):
        offs.append(off if n else 0)
        off += n * size
    data = bytearray()
    list_offs = []
    for types in lists:
        while (off + len(data)) % 4:
            data.append(0)
        list_offs.append(off + len(data))
        data += struct.pack(f"<I{len(types)}H", len(types), *types)
    str_offs = []
    for s in strings:
        str_offs.append(off + len(data))
        data += bytes([min(len(s), 127)]) + s + b"\x00"  # (the length is not checked)
    body = struct.pack(f"<{len(string_ids)}I", *(str_offs[i] for i in string_ids))
    body += struct.pack(f"<{len(type_ids)}I", *type_ids)
    for shorty, ret, params in protos:
        body += struct.pack("<III", shorty, ret, list_offs[params - 1] if params else 0)
    body += b"".join(struct.pack("<HHI", *f) for f in fields)
    body += b"".join(struct.pack("<HHI", *m) for m in methods)
    for c in classes:
        body += struct.pack("<8I", c, 1, 0xFFFFFFFF, 0, 0xFFFFFFFF, 0, 0, 0)
    header = bytearray(b"dex\n035\x00" + bytes(24))
    header += struct.pack("<IIIIII", off + len(data), 0x70, 0x12345678, 0, 0, 0)
    for n, o in zip(counts, offs, strict=True):
        header += struct.pack("<II", n, o)
    header += struct.pack("<II", len(data), off)
    return bytes(header + body + data)


def shared_table_dex(methods: int = 4000, params: int = 30000, ids: int = 10000) -> bytes:
    """A DEX file whose ``methods`` methods share one proto whose type list names
    ``params`` parameters, and whose ``ids`` string ids all point at one 8 KB string
    (about 170 KB with the defaults; written out per use, 600 MB)."""
    strings = [b"LBomb;", b"I", b"V", b"getSkinColor", b"s" * 8000 + b" skin colour"]
    strings += [f"m{i}".encode() for i in range(methods)]
    string_ids = list(range(len(strings))) + [4] * ids
    return _dex(
        strings,
        string_ids,
        type_ids=[0, 1, 2],
        protos=[(2, 2, 1)],
        fields=[],
        methods=[(0, 0, 5 + i) for i in range(methods)],
        classes=[0],
        lists=[[1] * params],
    )
