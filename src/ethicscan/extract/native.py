"""Native binaries (ELF, PE, Mach-O) and any other binary data: symbols and strings.

Every binary gets the strings pass of :mod:`extract.strings`.  ELF, PE and Mach-O
files also give their symbol names (``face_get_skin_color``, an exported DLL
function, ``_ZN4Face12getSkinColorEv``), each a segment whose ``member`` is the
symbol and whose ``offset`` is where the symbol's code or data starts in the file
(none for imports).  C++ names stay mangled: the matcher's identifier boundaries
already split ``12getSkinColorEv`` into ``get``, ``Skin``, ``Color``.

A symbol table that cannot be read is reported as ``corrupt`` and the strings
are still read: strings need no structure.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from ethicscan.extract.strings import Runs, stretches_near, string_runs, string_runs_read
from ethicscan.extract.units import Extracted, Segment, StringRuns
from ethicscan.kinds import TextKind
from ethicscan.model import SkipReason

MAX_SYMBOLS = 200_000


def extract_binary(data: bytes, name: str) -> Extracted:
    return _with_strings(data, [], ())


def extract_elf(data: bytes, name: str) -> Extracted:
    return _symbols_and_strings(data, "ELF", _elf_symbols)


def extract_pe(data: bytes, name: str) -> Extracted:
    return _symbols_and_strings(data, "PE", _pe_symbols)


def extract_macho(data: bytes, name: str) -> Extracted:
    return _symbols_and_strings(data, "Mach-O", _macho_symbols)


class _NamesRepeat(Exception):
    """The symbol names read so far passed four times the file's size (symbols that
    name one long string, or strings inside each other): the symbols read so far."""

    def __init__(self, symbols: list[tuple[str, int | None]]) -> None:
        super().__init__(f"{len(symbols)} symbols")
        self.symbols = symbols


def _name_budget(data: bytes | memoryview) -> int:
    return 4 * len(data) + (1 << 20)


class Screen(Protocol):
    """What :func:`extract_screened` asks of the prefilter."""

    def reason_ends(self, data: bytes) -> list[int] | None: ...

    def stands(self, text: str) -> bool: ...


READERS: dict[str, Callable[[bytes], list[Segment]] | None] = {}
# A binary whose stretches around its reasons' places hold more than this share of it is
# not screened: its strings pass runs at once.
SCREEN_SHARE = 0.5


def extract_screened(data: bytes, kind: str, screen: Screen) -> Extracted:
    """What ``extract_elf`` (``kind`` ``"ELF"``), ``extract_pe`` (``"PE"``),
    ``extract_macho`` (``"Mach-O"``) or ``extract_binary`` (``""``) give, unless no term
    that is a reason to read stands in the binary's symbols nor in its strings near the
    places where its bytes may hold one (``screen.reason_ends``: a superset of where
    such a term of its strings ends).  Then its strings pass is not run: the result
    has no segments, ``clean`` set, and the entries skipped reading its symbols.

    Exact: a term in a binary's strings lies in one string, and whether it stands
    depends on that string alone (no key or look-alike holds a line break), so the
    strings of the stretches around those places (cut where no string crosses:
    :func:`strings.stretches_near`) hold every standing reason the whole pass would
    find; without one, the classifier finds nothing in the binary's text."""
    reader = READERS[kind]
    symbols, skipped = _read_symbols(data, kind, reader) if reader else ([], ())
    if _nothing_stands(data, symbols, screen):
        return Extracted((), kind=TextKind.STRINGS, skipped=skipped, clean=True)
    return _with_strings(data, symbols, skipped)


def _nothing_stands(data: bytes, symbols: list[Segment], screen: Screen) -> bool:
    ends = screen.reason_ends(data)
    if ends is None:
        return False
    if symbols and screen.stands("\n".join(s.text for s in symbols)):
        return False
    near = stretches_near(data, ends)
    if sum(b - a for a, b in near) > SCREEN_SHARE * len(data):
        return False  # most of it: the pass over the whole binary costs less than twice
    for a, b in near:
        runs = string_runs(data[a:b])
        if runs.cut or screen.stands(runs.text):
            return False
    return True


def _read_symbols(
    data: bytes, kind: str, reader: Callable[[bytes], list[Segment]]
) -> tuple[list[Segment], tuple[tuple[SkipReason, str], ...]]:
    """The symbols of a binary, and the entries for what of them could not be read."""
    skipped: tuple[tuple[SkipReason, str], ...] = ()
    try:
        symbols = reader(data)
    except _NamesRepeat as exc:
        symbols = _unique(exc.symbols)
        detail = (
            f"{kind} symbols after the first {len(exc.symbols)} not read (their names "
            "came to more than four times the file's size); strings were read"
        )
        skipped = ((SkipReason.LIMIT, detail),)
    except Exception as exc:  # any failure of a parser on hostile input
        symbols = []
        detail = f"{kind} symbols not read ({type(exc).__name__}: {exc}); strings were read"
        skipped = ((SkipReason.CORRUPT, detail),)
    return symbols, skipped


def _symbols_and_strings(
    data: bytes, kind: str, reader: Callable[[bytes], list[Segment]]
) -> Extracted:
    return _with_strings(data, *_read_symbols(data, kind, reader))


def extract_screened_read(held: list[bytes], kind: str, screen: Screen, path: str) -> Extracted:
    """:func:`extract_screened` of the bytes ``held`` hands over (the only reference to
    them), which are let go once the binary is screened and its symbols read: its
    strings pass reads the file at ``path`` again, a stretch at a time
    (:func:`strings.string_runs_read`), so that a binary's bytes (name2nat's pickle, 54
    MB) are not held beside its strings (22 MB of text and places)."""
    data = held.pop()
    reader = READERS[kind]
    symbols, skipped = _read_symbols(data, kind, reader) if reader else ([], ())
    if _nothing_stands(data, symbols, screen):
        return Extracted((), kind=TextKind.STRINGS, skipped=skipped, clean=True)
    size = len(data)
    del data
    with open(path, "rb") as f:
        runs = string_runs_read(f, size, skip={s.member for s in symbols})
    return _of_runs(runs, symbols, skipped)


def _with_strings(
    data: bytes, symbols: list[Segment], skipped: tuple[tuple[SkipReason, str], ...]
) -> Extracted:
    return _of_runs(string_runs(data, skip={s.member for s in symbols}), symbols, skipped)


def _of_runs(
    runs: Runs, symbols: list[Segment], skipped: tuple[tuple[SkipReason, str], ...]
) -> Extracted:
    if runs.cut:
        skipped += (
            (SkipReason.LIMIT, f"strings after {len(runs)} strings not read (strings cap)"),
        )
    return Extracted(StringRuns(tuple(symbols), runs), kind=TextKind.STRINGS, skipped=skipped)


def _unique(symbols: list[tuple[str, int | None]]) -> list[Segment]:
    seen: dict[str, int | None] = {}
    for name, off in symbols:
        if not name or len(seen) >= MAX_SYMBOLS:
            continue
        if name not in seen or (seen[name] is None and off is not None):
            seen[name] = off
    return [Segment(n, offset=o, member=n) for n, o in sorted(seen.items(), key=_by_offset)]


def _by_offset(item: tuple[str, int | None]) -> tuple[int, str]:
    return (item[1] if item[1] is not None else -1, item[0])


# -- ELF (pyelftools) -------------------------------------------------------------------
def _elf_symbols(data: bytes) -> list[Segment]:
    if data[:4] != b"\x7fELF":
        raise ValueError("no ELF header")
    # pyelftools' sections refer to their file, a cycle: closed, the stream lets go of
    # the binary's bytes when the symbols are read, not at the collector's next pass.
    with io.BytesIO(data) as stream:
        return _elf_read(data, stream)


def _elf_read(data: bytes, stream: io.BytesIO) -> list[Segment]:
    from elftools.elf.elffile import ELFFile
    from elftools.elf.sections import SymbolTableSection

    elf = ELFFile(stream)
    sections = list(elf.iter_sections())
    if FAST_ELF_SYMBOLS:
        tables = _elf_tables(data, elf, sections)
        if tables is not None:
            return _unique(_elf_rows(data, sections, elf.elfclass, tables))
    out: list[tuple[str, int | None]] = []
    read, budget = 0, _name_budget(data)
    for sec in sections:
        if not isinstance(sec, SymbolTableSection):
            continue
        for sym in sec.iter_symbols():
            read += len(sym.name)  # (each symbol's name is read anew from its table)
            if read > budget:
                raise _NamesRepeat(out)
            kind = sym["st_info"]["type"]
            if kind in ("STT_SECTION", "STT_FILE") or not sym.name:
                continue
            out.append((sym.name, _elf_offset(sections, sym["st_shndx"], sym["st_value"], data)))
            if len(out) >= MAX_SYMBOLS:
                break
    return _unique(out)


# Symbol tables whose entries are where their headers say are read with struct, a table
# at a time, as pyelftools reads them one by one (the same names, kinds and offsets);
# any other table (an odd entry size, entries past the end of the file) is read by
# pyelftools, whose error says what is wrong.
FAST_ELF_SYMBOLS = True
# struct format of a symbol, and where its name, info, section index and value are
_SYM_FORMATS = {32: ("IIIBBH", 0, 3, 5, 1), 64: ("IBBHQQ", 0, 1, 3, 4)}
_SHN_SPECIAL = frozenset({0, 0xFFF1, 0xFFF2})  # undefined, absolute, common: no offset
_STT_SKIPPED = frozenset({3, 4})  # STT_SECTION, STT_FILE


def _elf_tables(
    data: bytes, elf: Any, sections: Sequence[Any]
) -> list[tuple[list[tuple[int, ...]], int]] | None:
    """Each symbol table's rows (as struct reads them) and the offset of its string
    table, or None when one of them is not laid out as its header says."""
    from elftools.elf.sections import SymbolTableSection

    layout = struct.Struct(("<" if elf.little_endian else ">") + _SYM_FORMATS[elf.elfclass][0])
    tables = []
    for sec in sections:
        if not isinstance(sec, SymbolTableSection):
            continue
        off, size = int(sec["sh_offset"]), int(sec["sh_size"])
        if sec["sh_entsize"] != layout.size or off < 0 or off + size > len(data):
            return None
        rows = list(layout.iter_unpack(data[off : off + size]))
        tables.append((rows, int(sec.stringtable["sh_offset"])))
    return tables


def _elf_rows(
    data: bytes,
    sections: Sequence[Any],
    elfclass: int,
    tables: list[tuple[list[tuple[int, ...]], int]],
) -> list[tuple[str, int | None]]:
    """The symbols of ``tables`` as the pyelftools loop of :func:`_elf_symbols` reads
    them: a name is read from its string table's offset to the next NUL byte."""
    _, name_at, info_at, shndx_at, value_at = _SYM_FORMATS[elfclass]
    # where each section's contents start in the file, for a symbol's offset
    bases: list[int | None] = [
        None
        if sec.header["sh_type"] == "SHT_NOBITS"
        else int(sec.header["sh_offset"]) - int(sec.header["sh_addr"])
        for sec in sections
    ]
    names: dict[int, str] = {}
    out: list[tuple[str, int | None]] = []
    read, budget, n = 0, _name_budget(data), len(data)
    find = data.find
    for rows, strtab in tables:
        for row in rows:
            at = strtab + row[name_at]
            name = names.get(at)
            if name is None:
                end = find(b"\x00", at) if at < n else -1
                name = names[at] = data[at:end].decode("utf-8", "replace") if end > at else ""
            read += len(name)
            if read > budget:
                raise _NamesRepeat(out)
            if row[info_at] & 0xF in _STT_SKIPPED or not name:
                continue
            shndx = row[shndx_at]
            off = None
            if shndx not in _SHN_SPECIAL and 0 < shndx < len(sections):
                base = bases[shndx]
                if base is not None:
                    off = base + row[value_at]
                    if not 0 <= off < n:
                        off = None
            out.append((name, off))
            if len(out) >= MAX_SYMBOLS:
                break
    return out


def _elf_offset(sections: Sequence[object], shndx: object, value: int, data: bytes) -> int | None:
    if not isinstance(shndx, int) or not 0 < shndx < len(sections):
        return None  # undefined (an import), absolute or common
    sec = sections[shndx]
    header = getattr(sec, "header", None)
    if header is None or header["sh_type"] == "SHT_NOBITS":
        return None
    off = int(header["sh_offset"]) + int(value) - int(header["sh_addr"])
    return off if 0 <= off < len(data) else None


# -- PE (pefile) -----------------------------------------------------------------------
def _pe_symbols(data: bytes) -> list[Segment]:
    import pefile

    lfanew = struct.unpack_from("<I", data, 0x3C)[0] if len(data) >= 0x40 else -1
    if data[:2] != b"MZ" or lfanew <= 0 or data[lfanew : lfanew + 4] != b"PE\x00\x00":
        raise ValueError("no PE header (an MS-DOS executable, or not an executable)")
    # Given bytes, pefile holds no file or mapping: no close() (which runs gc.collect()).
    # Its sections refer to it, a cycle: it lets go of the bytes when the symbols are read.
    pe = pefile.PE(data=data, fast_load=True)
    try:
        return _pe_read(pe, pefile, len(data))
    finally:
        pe.__data__ = b""


def _pe_read(pe: Any, pefile: Any, size: int) -> list[Segment]:
    pe.parse_data_directories(
        directories=[
            pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_EXPORT"],
            pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"],
        ]
    )
    out: list[tuple[str, int | None]] = []
    export = getattr(pe, "DIRECTORY_ENTRY_EXPORT", None)
    for sym in getattr(export, "symbols", ()):
        if sym.name:
            off = pe.get_offset_from_rva(sym.address) if sym.address else None
            ok = isinstance(off, int) and 0 <= off < size
            out.append((sym.name.decode("ascii", "replace"), off if ok else None))
    for entry in getattr(pe, "DIRECTORY_ENTRY_IMPORT", ()):
        for imp in entry.imports:
            if imp.name:
                out.append((imp.name.decode("ascii", "replace"), None))
    return _unique(out)


# -- Mach-O (the symbol table, read here) ----------------------------------------------
_LC_SEGMENT, _LC_SYMTAB, _LC_SEGMENT_64 = 0x1, 0x2, 0x19
_N_STAB, _N_TYPE, _N_SECT = 0xE0, 0x0E, 0x0E


_FAT_MAGIC = b"\xca\xfe\xba\xbe"
MAX_SLICES = 16


def _macho_symbols(data: bytes) -> list[Segment]:
    if data[:4] != _FAT_MAGIC:
        return _unique(_thin_symbols(data, 0))
    # A universal binary: the symbols of each slice, with offsets in the whole file.
    (count,) = struct.unpack_from(">I", data, 4)
    if count > MAX_SLICES:
        raise ValueError(f"{count} slices in a universal binary")
    out: list[tuple[str, int | None]] = []
    for i in range(count):
        _cpu, _sub, offset, size, _align = struct.unpack_from(">iiIII", data, 8 + 20 * i)
        if offset + size > len(data):
            raise ValueError(f"slice {i} runs past the end of the file")
        # (a view, not a copy: slices may all be the whole file)
        out += _thin_symbols(memoryview(data)[offset : offset + size], offset)
    return _unique(out)


def _thin_symbols(data: bytes | memoryview, base: int) -> list[tuple[str, int | None]]:
    """The symbols of one Mach-O image at ``base`` in its file."""
    magic = bytes(data[:4])
    if magic not in (
        b"\xcf\xfa\xed\xfe",
        b"\xce\xfa\xed\xfe",
        b"\xfe\xed\xfa\xcf",
        b"\xfe\xed\xfa\xce",
    ):
        raise ValueError("no Mach-O header")
    end = "<" if magic in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe") else ">"
    is64 = magic in (b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf")
    ncmds, sizeofcmds = struct.unpack_from(end + "II", data, 16)
    pos = 32 if is64 else 28
    stop = pos + sizeofcmds
    if stop > len(data):
        raise ValueError("load commands run past the end of the file")
    segments: list[tuple[int, int, int]] = []  # (vmaddr, vmsize, fileoff)
    symtab: tuple[int, int, int, int] | None = None
    for _ in range(ncmds):
        cmd, size = struct.unpack_from(end + "II", data, pos)
        if size < 8 or pos + size > stop:
            raise ValueError(f"load command of {size} bytes at {pos}")
        if cmd == _LC_SEGMENT_64:
            vmaddr, vmsize, fileoff = struct.unpack_from(end + "QQQ", data, pos + 24)
            segments.append((vmaddr, vmsize, fileoff))
        elif cmd == _LC_SEGMENT:
            vmaddr, vmsize, fileoff = struct.unpack_from(end + "III", data, pos + 24)
            segments.append((vmaddr, vmsize, fileoff))
        elif cmd == _LC_SYMTAB:
            symtab = struct.unpack_from(end + "IIII", data, pos + 8)
        pos += size
    if symtab is None:
        return []
    symoff, nsyms, stroff, strsize = symtab
    entry = 16 if is64 else 12
    if symoff + nsyms * entry > len(data) or stroff + strsize > len(data):
        raise ValueError("symbol table runs past the end of the file")
    table = bytes(data[stroff : stroff + strsize])
    fmt = end + ("IBBHQ" if is64 else "IBBHI")
    out: list[tuple[str, int | None]] = []
    names: dict[int, str] = {}  # string index -> name: symbols may share one
    read, budget = 0, _name_budget(data)
    for i in range(min(nsyms, MAX_SYMBOLS)):
        strx, ntype, _sect, _desc, value = struct.unpack_from(fmt, data, symoff + i * entry)
        if ntype & _N_STAB or not 0 < strx < len(table):
            continue
        name = names.get(strx)
        if name is None:
            nul = table.find(b"\x00", strx)
            nul = nul if nul >= 0 else len(table)
            read += nul - strx  # (names inside each other are read again)
            if read > budget:
                raise _NamesRepeat(out)
            name = names[strx] = table[strx:nul].decode("utf-8", "replace")
        off = None
        if ntype & _N_TYPE == _N_SECT:
            for vmaddr, vmsize, fileoff in segments:
                if vmaddr <= value < vmaddr + vmsize:
                    off = fileoff + value - vmaddr
                    off = base + off if off < len(data) else None
                    break
        out.append((name, off))
    return out


READERS.update({"ELF": _elf_symbols, "PE": _pe_symbols, "Mach-O": _macho_symbols, "": None})
