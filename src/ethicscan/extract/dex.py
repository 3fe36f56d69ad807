"""Android DEX files: classes, fields, methods and string constants.

Reads the header and the string, type, proto, field, method and class-def tables
(every index and offset checked against the file), and writes the classes back
as Java-like declarations, as :mod:`extract.javaclass` does::

    package com.acme.face;
    class FaceAttr
    int ethicCode;
    String getSkinColor(byte[], int)

Fields and methods are listed under the class that declares or references them
(``member`` = ``com.acme.face.FaceAttr.ethicCode``).  The strings that name no
type, field or method are the string constants; each is a segment with the
``offset`` of its string data.  Bytecode is not read, so constants carry no
member.  The checksum and signature are not verified.
"""

from __future__ import annotations

import json
import struct
from collections import defaultdict

from ethicscan.extract.javaclass import ACCESS, java_type, mutf8
from ethicscan.extract.units import Extracted, ExtractError, Segment
from ethicscan.model import SkipReason

HEADER_SIZE = 0x70
NO_INDEX = 0xFFFFFFFF
MAX_TABLE = 1 << 24  # entries in any one table


def _corrupt(detail: str) -> ExtractError:
    return ExtractError(SkipReason.CORRUPT, f"DEX file: {detail}")


def _uleb128(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    for _ in range(5):
        if pos >= len(data):
            raise _corrupt("string length runs past the end of the file")
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7
    raise _corrupt("ULEB128 longer than 5 bytes")


class DexFile:
    def __init__(self, data: bytes) -> None:
        if len(data) < HEADER_SIZE or not data.startswith(b"dex\n"):
            raise _corrupt(f"{len(data)} bytes, shorter than a DEX header")
        self.data = data
        (
            self.n_strings,
            strings_off,
            n_types,
            types_off,
            n_protos,
            protos_off,
            n_fields,
            fields_off,
            n_methods,
            methods_off,
            n_classes,
            classes_off,
        ) = struct.unpack_from("<12I", data, 56)
        string_offs = self._table(self.n_strings, strings_off, 4, "I", "string_ids")
        self.type_ids = self._table(n_types, types_off, 4, "I", "type_ids")
        self.protos = self._rows(n_protos, protos_off, 12, "III", "proto_ids")
        self.fields = self._rows(n_fields, fields_off, 8, "HHI", "field_ids")
        self.methods = self._rows(n_methods, methods_off, 8, "HHI", "method_ids")
        self.classes = self._rows(n_classes, classes_off, 32, "8I", "class_defs")
        self.strings = [self._string(off) for off in string_offs]
        self.string_offs = string_offs

    def _table(self, n: int, off: int, size: int, fmt: str, what: str) -> list[int]:
        return [row[0] for row in self._rows(n, off, size, fmt, what)]

    def _rows(self, n: int, off: int, size: int, fmt: str, what: str) -> list[tuple[int, ...]]:
        if n > MAX_TABLE or (n and (off < HEADER_SIZE or off + n * size > len(self.data))):
            raise _corrupt(f"{what}: {n} entries at {off} run past the end of the file")
        return list(struct.iter_unpack("<" + fmt, self.data[off : off + n * size]))

    def _string(self, off: int) -> str:
        if not HEADER_SIZE <= off < len(self.data):
            raise _corrupt(f"string data at {off} is outside the file")
        _, start = _uleb128(self.data, off)
        end = self.data.find(b"\x00", start)
        if end < 0:
            raise _corrupt(f"string at {off} has no end")
        raw = self.data[start:end]
        try:
            return mutf8(raw)
        except UnicodeDecodeError:
            return raw.decode("utf-8", "replace")

    def string(self, idx: int) -> str:
        if idx >= len(self.strings):
            raise _corrupt(f"string index {idx} out of range")
        return self.strings[idx]

    def type_desc(self, idx: int) -> str:
        if idx >= len(self.type_ids):
            raise _corrupt(f"type index {idx} out of range")
        return self.string(self.type_ids[idx])

    def class_name(self, idx: int) -> str:
        desc = self.type_desc(idx)
        return desc[1:-1].replace("/", ".") if desc.startswith("L") else java_type(desc)[0]

    def params(self, off: int) -> list[str]:
        if off == 0:
            return []
        if off + 4 > len(self.data):
            raise _corrupt(f"type list at {off} is outside the file")
        (n,) = struct.unpack_from("<I", self.data, off)
        if off + 4 + 2 * n > len(self.data):
            raise _corrupt(f"type list at {off} runs past the end of the file")
        idxs = struct.unpack_from(f"<{n}H", self.data, off + 4)
        return [java_type(self.type_desc(i))[0] for i in idxs]


def extract_dex(data: bytes, name: str) -> Extracted:
    try:
        dex = DexFile(data)
        return Extracted(tuple(dex_segments(dex)), hint="classes.java")
    except struct.error as exc:
        raise _corrupt(str(exc)) from exc


def dex_segments(dex: DexFile) -> list[Segment]:
    names: set[int] = set(dex.type_ids)
    members: dict[int, list[str]] = defaultdict(list)  # class type index -> declarations
    member_names: dict[int, list[str]] = defaultdict(list)
    for cls, type_idx, name_idx in dex.fields:
        names.add(name_idx)
        fname = dex.string(name_idx)
        members[cls].append(f"{java_type(dex.type_desc(type_idx))[0]} {fname};")
        member_names[cls].append(fname)
    for cls, proto_idx, name_idx in dex.methods:
        names.add(name_idx)
        if proto_idx >= len(dex.protos):
            raise _corrupt(f"proto index {proto_idx} out of range")
        shorty, ret_idx, params_off = dex.protos[proto_idx]
        names.add(shorty)
        mname = dex.string(name_idx)
        ret = java_type(dex.type_desc(ret_idx))[0]
        params = ", ".join(dex.params(params_off))
        cname = dex.class_name(cls).rsplit(".", 1)[-1]
        if mname == "<init>":
            decl = f"{cname.rsplit('$', 1)[-1]}({params})"
        elif mname == "<clinit>":
            decl = "static {}"
        else:
            decl = f"{ret} {mname}({params})"
        members[cls].append(decl)
        member_names[cls].append(mname)
    segs: list[Segment] = []
    defined = {row[0]: row for row in dex.classes}
    order = list(defined)
    order += sorted(c for c in members if c not in defined)  # referenced, not defined here
    package = ""
    for cls in order:
        full = dex.class_name(cls)
        pkg, _, simple = full.rpartition(".")
        row = defined.get(cls)
        if row is not None:
            access = "".join(w + " " for bit, w in ACCESS if row[1] & bit)
            kind = "interface" if row[1] & 0x200 else "class"
            head = f"{access}{kind} {simple.replace('$', '.')}"
            if row[2] != NO_INDEX:
                sup = dex.class_name(row[2])
                if sup != "java.lang.Object":
                    head += " extends " + sup.rsplit(".", 1)[-1]
            if row[4] != NO_INDEX:
                names.add(row[4])  # the source file name
        else:
            head = f"class {simple.replace('$', '.')}  // referenced"
        if pkg and pkg != package:
            segs.append(Segment(f"package {pkg};", member=full))
            package = pkg
        segs.append(Segment(head, member=full))
        for decl, mname in zip(members.get(cls, ()), member_names.get(cls, ()), strict=True):
            segs.append(Segment(decl, member=f"{full}.{mname}"))
    for idx, text in enumerate(dex.strings):
        if idx in names or not text:
            continue
        segs.append(Segment(json.dumps(text, ensure_ascii=False), offset=dex.string_offs[idx]))
    return segs
