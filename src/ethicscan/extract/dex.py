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

import bisect
import gc
import itertools
import struct
from array import array
from collections import defaultdict
from collections.abc import Sequence

from ethicscan.extract.common import Once, label
from ethicscan.extract.javaclass import (
    MAX_CHARS,
    MAX_LINES,
    _literal,
    _modifiers,
    java_type,
    mutf8,
)
from ethicscan.extract.units import Extracted, ExtractError, JoinedLines, Segment
from ethicscan.kinds import TextKind
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
        # Each string's data is decoded once, however many ids point at it.
        self._read = 0  # bytes of string data read
        by_offset: dict[int, str] = {}
        self.strings = []
        for off in string_offs:
            text = by_offset.get(off)
            if text is None:
                text = by_offset[off] = self._string(off)
            self.strings.append(text)
        self.string_offs = string_offs
        self._types: dict[int, str] = {}  # type index -> Java type
        self._classes: dict[int, str] = {}  # type index -> dotted class name
        self._lists: dict[int, str] = {}  # type list offset -> "int, String"
        self._simple: dict[int, str] = {}  # type index -> class name without package

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
        # String data never overlap in a DEX file; ids that point into each other's
        # data would be read over and over (each to the next NUL byte).
        self._read += end - start
        if self._read > 4 * len(self.data) + (1 << 20):
            raise ExtractError(
                SkipReason.LIMIT,
                "DEX file: its string data overlap (more than four times the file's size "
                "read); not read",
            )
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

    def java_type(self, idx: int) -> str:
        got = self._types.get(idx)
        if got is None:
            got = self._types[idx] = java_type(self.type_desc(idx))[0]
        return got

    def class_name(self, idx: int) -> str:
        got = self._classes.get(idx)
        if got is None:
            desc = self.type_desc(idx)
            got = desc[1:-1].replace("/", ".") if desc.startswith("L") else java_type(desc)[0]
            self._classes[idx] = got
        return got

    def simple_name(self, idx: int) -> str:
        """The class name without its package (``FaceAttr``), made once."""
        got = self._simple.get(idx)
        if got is None:
            got = self._simple[idx] = self.class_name(idx).rsplit(".", 1)[-1]
        return got

    def params(self, off: int, once: Once) -> str:
        """The parameter list at ``off``, written as ``int, String``: each list read
        once, each type in it shortened where it was written in full before."""
        if off == 0:
            return ""
        got = self._lists.get(off)
        if got is not None:
            return got
        if off + 4 > len(self.data):
            raise _corrupt(f"type list at {off} is outside the file")
        (n,) = struct.unpack_from("<I", self.data, off)
        if off + 4 + 2 * n > len(self.data):
            raise _corrupt(f"type list at {off} runs past the end of the file")
        idxs = struct.unpack_from(f"<{n}H", self.data, off + 4)
        got = self._lists[off] = ", ".join(once(self.java_type(i)) for i in idxs)
        return got


def extract_dex(data: bytes, name: str) -> Extracted:
    # The cycle collector is paused while a DEX file is read: its tables' rows, strings
    # and segments (hundreds of thousands in an app's DEX file) hold no cycle, and its
    # passes over them while they were made took a fifth of the reading.
    collecting = gc.isenabled()
    gc.disable()
    try:
        lines = dex_segments(DexFile(data))  # (its tables let go before the lines' join)
    except struct.error as exc:
        raise _corrupt(str(exc)) from exc
    finally:
        if collecting:
            gc.enable()
    return Extracted(lines.segments(), kind=TextKind.JAVA, skipped=lines.skipped())


class DexSegments(JoinedLines):
    """A DEX file's lines (:class:`DexLines`), joined: a declaration's segment has its
    class's or member's label, a constant's the offset of its string data."""

    __slots__ = ("_names", "_offsets", "_owners")

    def __init__(
        self,
        text: str,
        starts: Sequence[int],
        owners: list[str],
        names: list[str | None],
        offsets: Sequence[int],
    ) -> None:
        super().__init__(text, starts)
        self._owners = owners  # each declaration's class label
        self._names = names  # ... and its member's name (None: the class's own line)
        self._offsets = offsets  # each constant's (they come after the declarations)

    def __len__(self) -> int:
        return len(self._owners) + len(self._offsets)

    def _at(self, i: int) -> Segment:
        text = self.line(i)
        if i >= len(self._owners):
            return Segment(text, offset=self._offsets[i - len(self._owners)])
        owner, name = self._owners[i], self._names[i]
        return Segment(text, member=owner if name is None else label(owner, name))

    def __repr__(self) -> str:
        return f"DexSegments({len(self._owners)} declarations, {len(self._offsets)} constants)"


class DexLines:
    """A DEX file's lines as they are written, up to :data:`MAX_CHARS` characters and
    :data:`MAX_LINES` lines (what comes after is counted and reported, as
    :class:`javaclass.Lines` does): each line's text and whose it is, no
    :class:`Segment` or member label made for each (an app's DEX file has hundreds of
    thousands of lines; a segment is made for the few a finding asks for).  The lines
    are added to the lists as they are (a call a line cost a tenth of the reading),
    the declarations first; :meth:`close` applies the limits."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.owners: list[str] = []  # a declaration's class label
        self.names: list[str | None] = []  # ... its member's name, None for the class's
        self.offsets = array("q")  # a constant's string data offset
        self.dropped = 0

    def close(self) -> None:
        """The lines from the first that would take them past a limit on dropped and
        counted, as adding them one at a time under the limits drops them."""
        n = len(self.texts)
        kept = min(n, MAX_LINES)
        if sum(map(len, self.texts)) > MAX_CHARS:
            ends = list(itertools.accumulate(map(len, itertools.islice(self.texts, kept))))
            kept = bisect.bisect_right(ends, MAX_CHARS)  # (each line's end, in characters)
        if kept < n:
            self.dropped = n - kept
            declarations = len(self.owners)
            del self.texts[kept:], self.owners[kept:], self.names[kept:]
            del self.offsets[max(0, kept - declarations) :]

    def segments(self) -> DexSegments:
        texts, self.texts = self.texts, []
        # (each line's first character, and the text's length and one after the last)
        starts = array("q", itertools.accumulate(map(len, texts), _plus_one, initial=0))
        return DexSegments("\n".join(texts), starts, self.owners, self.names, self.offsets)

    def skipped(self) -> tuple[tuple[SkipReason, str], ...]:
        if not self.dropped:
            return ()
        kept = len(self.owners) + len(self.offsets)
        return (
            (
                SkipReason.LIMIT,
                f"DEX file: {self.dropped} lines after the first {kept} not read "
                f"(limits: {MAX_CHARS} characters, {MAX_LINES} lines per file)",
            ),
        )


def _plus_one(total: int, n: int) -> int:
    return total + n + 1


def dex_segments(dex: DexFile) -> DexLines:
    once = Once()
    names: set[int] = set(dex.type_ids)
    members: dict[int, list[tuple[str, str]]] = defaultdict(list)  # class -> (line, name)
    ctors: dict[int, str] = {}  # class -> the name its constructors have
    for cls, type_idx, name_idx in dex.fields:
        names.add(name_idx)
        fname = dex.string(name_idx)
        members[cls].append((f"{once(dex.java_type(type_idx))} {once(fname)};", fname))
    for cls, proto_idx, name_idx in dex.methods:
        names.add(name_idx)
        if proto_idx >= len(dex.protos):
            raise _corrupt(f"proto index {proto_idx} out of range")
        shorty, ret_idx, params_off = dex.protos[proto_idx]
        names.add(shorty)
        mname = dex.string(name_idx)
        params = once(dex.params(params_off, once))
        if mname == "<init>":
            ctor = ctors.get(cls)
            if ctor is None:
                ctor = ctors[cls] = dex.simple_name(cls).rsplit("$", 1)[-1]
            decl = f"{once(ctor)}({params})"
        elif mname == "<clinit>":
            decl = "static {}"
        else:
            decl = f"{once(dex.java_type(ret_idx))} {once(mname)}({params})"
        members[cls].append((decl, mname))
    lines = DexLines()
    add_text, add_owner, add_name = lines.texts.append, lines.owners.append, lines.names.append
    defined = {row[0]: row for row in dex.classes}
    order = list(defined)
    order += sorted(c for c in members if c not in defined)  # referenced, not defined here
    package = ""
    for cls in order:
        full = dex.class_name(cls)
        pkg, _, simple = full.rpartition(".")
        row = defined.get(cls)
        if row is not None:
            access = _modifiers(row[1])
            kind = "interface" if row[1] & 0x200 else "class"
            head = f"{access}{kind} {once(simple.replace('$', '.'))}"
            if row[2] != NO_INDEX and dex.class_name(row[2]) != "java.lang.Object":
                head += " extends " + once(dex.simple_name(row[2]))
            if row[4] != NO_INDEX:
                names.add(row[4])  # the source file name
        else:
            head = f"class {once(simple.replace('$', '.'))}  // referenced"
        cls_label = label(full)
        if pkg and pkg != package:
            add_text(f"package {once(pkg)};")
            add_owner(cls_label)
            add_name(None)
            package = pkg
        add_text(head)
        add_owner(cls_label)
        add_name(None)
        for decl, mname in members.get(cls, ()):
            add_text(decl)
            add_owner(cls_label)
            add_name(mname)
    written: set[int] = set()  # string data offsets (ids may share one)
    for idx, text in enumerate(dex.strings):
        off = dex.string_offs[idx]
        if idx in names or not text or off in written:
            continue
        written.add(off)
        add_text(_literal(text))
        lines.offsets.append(off)
    lines.close()
    return lines
