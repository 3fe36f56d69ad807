"""Java class files: declarations and string constants, written back as Java.

A small bounds-checked reader of the class file format (JVMS chapter 4): the
constant pool, the class, its fields and methods with their descriptors, and the
``ldc`` instructions of each method's code, so that a string constant is reported
under the method that loads it.  The text handed to the classifier reads like
the Java source would::

    package com.acme.face;
    public class FaceAttr extends Object
    public int ethicCode;
    public String getSkinColor(byte[], int)
    "维族"

Each line is a segment whose ``member`` names it (``com.acme.face.FaceAttr``,
``com.acme.face.FaceAttr.ethicCode``, ``com.acme.face.FaceAttr.getSkinColor``) and,
for string constants, whose ``offset`` is where the string is in the file.
Nothing is executed or loaded.

The work and the text are bounded by the file's size, not by a product of its
counts: each descriptor is read once however many members share it, a long name or
type list (over :data:`LONG` characters) is written in full the first time and
shortened wherever else it is used (:class:`Once`), member labels are cut at
:data:`LONG` characters, and a file whose declarations would still pass
:data:`MAX_CHARS` characters or :data:`MAX_LINES` lines stops there with a
``limit`` entry.
"""

from __future__ import annotations

import struct
from json.encoder import encode_basestring

from ethicscan.extract.common import Once, label
from ethicscan.extract.units import Extracted, ExtractError, Segment
from ethicscan.kinds import TextKind
from ethicscan.model import SkipReason

MAGIC = b"\xca\xfe\xba\xbe"

# Constant pool entries by tag: size of the body after the tag byte (Utf8 is sized
# by its own length field).  Long and Double take two slots.
_SIZES = {3: 4, 4: 4, 5: 8, 6: 8, 7: 2, 8: 2, 9: 4, 10: 4, 11: 4, 12: 4, 15: 3, 16: 2}
_SIZES.update({17: 4, 18: 4, 19: 2, 20: 2})
_UTF8, _CLASS, _STRING, _LONG, _DOUBLE = 1, 7, 8, 5, 6

MAX_CHARS = 32 * 1024 * 1024  # characters of declarations and constants from one file
MAX_LINES = 1_000_000  # lines (segments) from one file

ACCESS: tuple[tuple[int, str], ...] = (
    (0x1, "public"),
    (0x2, "private"),
    (0x4, "protected"),
    (0x8, "static"),
    (0x10, "final"),
    (0x400, "abstract"),
)
_PRIMITIVE = {
    "B": "byte",
    "C": "char",
    "D": "double",
    "F": "float",
    "I": "int",
    "J": "long",
    "S": "short",
    "Z": "boolean",
    "V": "void",
}


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise _corrupt(f"truncated at byte {self.pos} (wanted {n} more)")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def u1(self) -> int:
        return self.take(1)[0]

    def u2(self) -> int:
        return int(struct.unpack(">H", self.take(2))[0])

    def u4(self) -> int:
        return int(struct.unpack(">I", self.take(4))[0])


def _corrupt(detail: str) -> ExtractError:
    return ExtractError(SkipReason.CORRUPT, f"Java class file: {detail}")


def mutf8(raw: bytes) -> str:
    """Java's modified UTF-8: NUL as C0 80, characters above U+FFFF as surrogate pairs."""
    if raw.isascii():
        return raw.decode("ascii")  # most names: no C0 80 pair, no surrogate to join
    text = raw.replace(b"\xc0\x80", b"\x00").decode("utf-8", "surrogatepass")
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


class ClassFile:
    """The parts of one class file that name things."""

    def __init__(self, data: bytes) -> None:
        r = _Reader(data)
        if r.take(4) != MAGIC:
            raise _corrupt("bad magic number")
        r.u2()  # minor version
        if r.u2() < 45:
            raise _corrupt("major version below 45")
        count = r.u2()
        self.utf8: dict[int, tuple[str, int]] = {}  # index -> (text, file offset)
        self.refs: dict[int, tuple[int, int]] = {}  # Class / String index -> (tag, utf8 index)
        self._names: dict[int, str] = {}  # Utf8 index -> dotted class name, made once
        self._pool(r, count)
        self.pool_size = count
        # Which String constants a method loads is read from its bytecode only when the
        # class has one (ldc also loads numbers and classes, which no line shows).
        self._strings = _STRING in {tag for tag, _ in self.refs.values()}
        self.access = r.u2()
        self.name = self.class_name(r.u2())
        super_index = r.u2()
        self.super = self.class_name(super_index) if super_index else ""
        self.interfaces = [self.class_name(r.u2()) for _ in range(r.u2())]
        self.fields = [self._member(r, code=False) for _ in range(r.u2())]
        self.methods = [self._member(r, code=True) for _ in range(r.u2())]

    def _pool(self, r: _Reader, count: int) -> None:
        """The constant pool's ``count - 1`` entries: Utf8 texts, Class and String
        references.  (What :meth:`_Reader.take` does, inline: a jar has hundreds of
        thousands of entries.)"""
        data, pos, end = r.data, r.pos, len(r.data)
        utf8, refs, sizes = self.utf8, self.refs, _SIZES
        i = 1
        while i < count:
            if pos >= end:
                raise _corrupt(f"truncated at byte {pos} (wanted 1 more)")
            tag = data[pos]
            pos += 1
            if tag == _UTF8:
                if pos + 2 > end:
                    raise _corrupt(f"truncated at byte {pos} (wanted 2 more)")
                n = data[pos] << 8 | data[pos + 1]
                pos += 2
                if pos + n > end:
                    raise _corrupt(f"truncated at byte {pos} (wanted {n} more)")
                raw = data[pos : pos + n]
                try:
                    utf8[i] = (mutf8(raw), pos)
                except UnicodeDecodeError:
                    utf8[i] = (raw.decode("utf-8", "replace"), pos)
                pos += n
            elif tag in sizes:
                n = sizes[tag]
                if pos + n > end:
                    raise _corrupt(f"truncated at byte {pos} (wanted {n} more)")
                if tag in (_CLASS, _STRING):
                    refs[i] = (tag, data[pos] << 8 | data[pos + 1])
                pos += n
            else:
                raise _corrupt(f"constant pool entry {i} has unknown tag {tag}")
            i += 2 if tag in (_LONG, _DOUBLE) else 1
        r.pos = pos

    def text(self, index: int) -> str:
        got = self.utf8.get(index)
        if got is None:
            raise _corrupt(f"constant {index} is not a Utf8 entry")
        return got[0]

    def class_name(self, index: int) -> str:
        ref = self.refs.get(index)
        if ref is None or ref[0] != _CLASS:
            raise _corrupt(f"constant {index} is not a Class entry")
        got = self._names.get(ref[1])  # (Class entries may share one name)
        if got is None:
            got = self._names[ref[1]] = self.text(ref[1]).replace("/", ".")
        return got

    def string(self, index: int) -> tuple[str, int] | None:
        ref = self.refs.get(index)
        if ref is None or ref[0] != _STRING:
            return None
        return self.utf8.get(ref[1])

    def _member(self, r: _Reader, code: bool) -> tuple[int, str, str, list[int]]:
        """(access, name, descriptor, indexes of the String constants it uses)."""
        access, name, desc = r.u2(), self.text(r.u2()), self.text(r.u2())
        loaded: list[int] = []
        for _ in range(r.u2()):
            attr = self.utf8.get(r.u2(), ("", 0))[0]
            body = r.take(r.u4())
            if attr == "Code" and code and len(body) >= 8 and self._strings:
                n = int.from_bytes(body[4:8], "big")
                bytecode = body[8 : 8 + n]
                if b"\x12" in bytecode or b"\x13" in bytecode:  # (else no ldc, no ldc_w)
                    loaded += _ldc_indexes(bytecode)
            elif attr == "ConstantValue" and len(body) == 2:
                loaded.append(int.from_bytes(body, "big"))
        return access, name, desc, loaded


# Lengths of the JVM instructions that are not one byte long; tableswitch (0xaa),
# lookupswitch (0xab) and wide (0xc4) are measured where they are.
_LENGTH = dict.fromkeys((0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0xA9, 0xBC), 2)
_LENGTH.update(dict.fromkeys((0x36, 0x37, 0x38, 0x39, 0x3A), 2))
_LENGTH.update(dict.fromkeys((0x11, 0x13, 0x14, 0x84, 0xBB, 0xBD, 0xC0, 0xC1, 0xC6, 0xC7), 3))
_LENGTH.update(dict.fromkeys(range(0x99, 0xA9), 3))
_LENGTH.update(dict.fromkeys(range(0xB2, 0xB9), 3))
_LENGTH.update({0xB9: 5, 0xBA: 5, 0xC5: 4, 0xC8: 5, 0xC9: 5})


def _ldc_indexes(code: bytes) -> list[int]:
    """Constant pool indexes loaded by ``ldc`` and ``ldc_w`` in ``code``; a walk
    that stops quietly at anything it cannot follow."""
    out: list[int] = []
    pc, n = 0, len(code)
    while pc < n:
        op = code[pc]
        if op == 0x12 and pc + 1 < n:
            out.append(code[pc + 1])
        elif op == 0x13 and pc + 2 < n:
            out.append(int.from_bytes(code[pc + 1 : pc + 3], "big"))
        if op in (0xAA, 0xAB):
            base = pc + 1 + (-(pc + 1) % 4)
            if base + 12 > n:
                break
            if op == 0xAA:
                low, high = struct.unpack(">ii", code[base + 4 : base + 12])
                step = 12 + 4 * (high - low + 1)
            else:
                pairs = struct.unpack(">i", code[base + 4 : base + 8])[0]
                step = 8 + 8 * pairs
            if step <= 0:
                break
            pc = base + step
        elif op == 0xC4:
            pc += 6 if pc + 1 < n and code[pc + 1] == 0x84 else 4
        else:
            pc += _LENGTH.get(op, 1)
    return out


def java_type(desc: str, i: int = 0) -> tuple[str, int]:
    """The Java spelling of the field descriptor at ``desc[i:]`` and where it ends."""
    dims = 0
    while i < len(desc) and desc[i] == "[":
        dims += 1
        i += 1
    if i >= len(desc):
        return "?" + "[]" * dims, i
    if desc[i] == "L":
        end = desc.find(";", i)
        if end < 0:
            return "?" + "[]" * dims, len(desc)
        name = desc[i + 1 : end].rsplit("/", 1)[-1].replace("$", ".")
        return name + "[]" * dims, end + 1
    return _PRIMITIVE.get(desc[i], "?") + "[]" * dims, i + 1


def method_signature(desc: str) -> tuple[str, list[str]]:
    """(return type, parameter types) of a method descriptor."""
    params: list[str] = []
    i = 1 if desc.startswith("(") else 0
    while i < len(desc) and desc[i] != ")":
        t, i = java_type(desc, i)
        params.append(t)
    ret, _ = java_type(desc, i + 1) if i < len(desc) else ("?", i)
    return ret, params


def _modifiers(access: int) -> str:
    got = _MODIFIERS.get(access)
    if got is None:  # (a few values of 16 bits, written for every member)
        got = _MODIFIERS[access] = "".join(word + " " for bit, word in ACCESS if access & bit)
    return got


_MODIFIERS: dict[int, str] = {}


class Lines:
    """The segments of one file, up to :data:`MAX_CHARS` characters and
    :data:`MAX_LINES` lines; what comes after is counted and reported."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.segments: list[Segment] = []
        self.chars = 0
        self.dropped = 0

    def add(self, seg: Segment) -> None:
        if (
            self.dropped
            or self.chars + len(seg.text) > MAX_CHARS
            or len(self.segments) >= MAX_LINES
        ):
            self.dropped += 1
            return
        self.chars += len(seg.text)
        self.segments.append(seg)

    def skipped(self) -> tuple[tuple[SkipReason, str], ...]:
        if not self.dropped:
            return ()
        return (
            (
                SkipReason.LIMIT,
                f"{self.what}: {self.dropped} lines after the first {len(self.segments)} not "
                f"read (limits: {MAX_CHARS} characters, {MAX_LINES} lines per file)",
            ),
        )


def extract_class(data: bytes, name: str) -> Extracted:
    cf = ClassFile(data)
    lines = class_segments(cf)
    return Extracted(
        tuple(lines.segments),
        kind=TextKind.JAVA,
        skipped=lines.skipped(),
    )


def class_segments(cf: ClassFile) -> Lines:
    """The class written back as declarations, one segment a line."""
    once = Once()
    pkg, _, simple = cf.name.rpartition(".")
    cls = label(cf.name)
    lines = Lines("Java class file")
    if pkg:
        lines.add(Segment(f"package {pkg};", member=cls))
    kind = "interface" if cf.access & 0x200 else "class"
    head = f"{_modifiers(cf.access & ~0x400 if kind == 'interface' else cf.access)}{kind} "
    head += simple.replace("$", ".")
    if cf.super and cf.super != "java.lang.Object":
        head += " extends " + once(cf.super.rsplit(".", 1)[-1])
    if cf.interfaces:
        # each interface once (a class file may name one many times)
        named = [once(i.rsplit(".", 1)[-1]) for i in dict.fromkeys(cf.interfaces)]
        head += " implements " + ", ".join(named)
    lines.add(Segment(head, member=cls))
    used: set[int] = set()  # offsets of the Utf8 entries written (String entries may share one)

    def strings_of(member: str, indexes: list[int]) -> None:
        for idx in indexes:
            got = cf.string(idx)
            if got is not None and got[1] not in used:
                used.add(got[1])
                lines.add(Segment(_literal(got[0]), offset=got[1], member=member))

    field_types: dict[str, str] = {}  # field descriptor -> Java type, each read once
    for access, fname, desc, consts in cf.fields:
        t = field_types.get(desc)
        if t is None:
            t = field_types[desc] = java_type(desc)[0]
        member = label(cls, fname)
        lines.add(Segment(f"{_modifiers(access)}{once(t)} {once(fname)};", member=member))
        strings_of(member, consts)
    sigs: dict[str, tuple[str, str]] = {}  # method descriptor -> (return, parameters)
    ctor = simple.rsplit("$", 1)[-1]
    for access, mname, desc, consts in cf.methods:
        sig = sigs.get(desc)
        if sig is None:
            returns, params_of = method_signature(desc)
            sig = sigs[desc] = (returns, ", ".join(params_of))
        ret, params = once(sig[0]), once(sig[1])
        if mname == "<init>":
            decl = f"{_modifiers(access)}{once(ctor)}({params})"
        elif mname == "<clinit>":
            decl = "static {}"
        else:
            decl = f"{_modifiers(access)}{ret} {once(mname)}({params})"
        member = label(cls, mname)
        lines.add(Segment(decl, member=member))
        strings_of(member, consts)
    strings_of(cls, sorted(i for i, (tag, _) in cf.refs.items() if tag == _STRING))
    return lines


def _literal(text: str) -> str:
    """``text`` as a JSON string: ``json.dumps(text, ensure_ascii=False)`` without an
    encoder made for each (a DEX file has tens of thousands of constants)."""
    return encode_basestring(text)
