"""A minimal DEX writer for tests: string, type, proto, field and method ids and
class defs (no code, no map list), enough for ethicscan's reader."""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

NO_INDEX = 0xFFFFFFFF


@dataclass
class DexClass:
    name: str  # descriptor, e.g. "Lcom/acme/face/FaceAttr;"
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, type descriptor)
    # (name, return descriptor, parameter descriptors)
    methods: list[tuple[str, str, list[str]]] = field(default_factory=list)
    superclass: str = "Ljava/lang/Object;"


def _uleb(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _shorty(desc: str) -> str:
    return "L" if desc[0] in "L[" else desc[0]


def build_dex(classes: list[DexClass], constants: Sequence[str] = ()) -> bytes:
    types = {c.name for c in classes} | {c.superclass for c in classes}
    protos: set[tuple[str, str, tuple[str, ...]]] = set()
    for c in classes:
        types |= {t for _, t in c.fields}
        for _, ret, params in c.methods:
            types |= {ret, *params}
            protos.add((_shorty(ret) + "".join(map(_shorty, params)), ret, tuple(params)))
    names = {n for c in classes for n, _ in c.fields} | {n for c in classes for n, *_ in c.methods}
    strings = sorted(types | names | {p[0] for p in protos} | set(constants))
    sidx = {s: i for i, s in enumerate(strings)}
    type_list = sorted(types, key=lambda t: sidx[t])
    tidx = {t: i for i, t in enumerate(type_list)}
    proto_list = sorted(protos, key=lambda p: (tidx[p[1]], [tidx[t] for t in p[2]]))
    pidx = {p: i for i, p in enumerate(proto_list)}
    fields = sorted((tidx[c.name], tidx[t], sidx[n]) for c in classes for n, t in c.fields)
    methods = sorted(
        (tidx[c.name], pidx[(_shorty(r) + "".join(map(_shorty, ps)), r, tuple(ps))], sidx[n])
        for c in classes
        for n, r, ps in c.methods
    )
    off = 0x70
    layout = {}
    for name, count, size in (
        ("strings", len(strings), 4),
        ("types", len(type_list), 4),
        ("protos", len(proto_list), 12),
        ("fields", len(fields), 8),
        ("methods", len(methods), 8),
        ("classes", len(classes), 32),
    ):
        layout[name] = off
        off += count * size
    data_off = off
    data = bytearray()
    param_offs = []
    for _, _, params in proto_list:
        if not params:
            param_offs.append(0)
            continue
        while (data_off + len(data)) % 4:
            data.append(0)
        param_offs.append(data_off + len(data))
        data += struct.pack("<I", len(params)) + b"".join(
            struct.pack("<H", tidx[t]) for t in params
        )
    string_offs = []
    for s in strings:
        string_offs.append(data_off + len(data))
        data += _uleb(len(s.encode("utf-16-le")) // 2) + s.encode("utf-8") + b"\x00"
    body = bytearray()
    body += b"".join(struct.pack("<I", o) for o in string_offs)
    body += b"".join(struct.pack("<I", sidx[t]) for t in type_list)
    for (shorty, ret, _), poff in zip(proto_list, param_offs, strict=True):
        body += struct.pack("<III", sidx[shorty], tidx[ret], poff)
    body += b"".join(struct.pack("<HHI", *f) for f in fields)
    body += b"".join(struct.pack("<HHI", *m) for m in methods)
    for c in classes:
        body += struct.pack("<8I", tidx[c.name], 1, tidx[c.superclass], 0, NO_INDEX, 0, 0, 0)
    size = data_off + len(data)
    header = bytearray(b"dex\n035\x00" + bytes(24))
    header += struct.pack("<IIIIIII", size, 0x70, 0x12345678, 0, 0, 0, len(strings))
    header += struct.pack("<I", layout["strings"])
    for name, n in (
        ("types", len(type_list)),
        ("protos", len(proto_list)),
        ("fields", len(fields)),
        ("methods", len(methods)),
        ("classes", len(classes)),
    ):
        header += struct.pack("<II", n, layout[name] if n else 0)
    header += struct.pack("<II", len(data), data_off)
    assert len(header) == 0x70
    out = bytearray(header + body + data)
    out[12:32] = hashlib.sha1(out[32:]).digest()
    out[8:12] = struct.pack("<I", zlib.adler32(out[12:]))
    return bytes(out)
