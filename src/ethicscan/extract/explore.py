"""From one file to the texts inside it, recursively.

A file is identified by its content (:mod:`extract.formats`).  Archives and
compressed files are opened without extracting anything to the user's disk:
members are read into memory, or spooled to the scan's private temporary
folder when large, and explored in turn; their paths are chains joined by
``!``.  Documents and binaries go to the extractor registered for their format
(:mod:`extract.registry`); text files are decoded.  Whatever cannot be read is
yielded as a :class:`Skipped` with its reason, and the rest is still read.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import itertools
import lzma
import stat
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import IO, Any, BinaryIO, cast

from ethicscan.extract import ole, zipdir
from ethicscan.extract.decode import (
    SAMPLE,
    NotText,
    decode,
    stream_encoding,
    utf16_without_bom,
)
from ethicscan.extract.formats import COMPILED, CONTAINERS, HEAD, Format, identify, inner_name
from ethicscan.extract.registry import extractor_for, reader_for
from ethicscan.extract.stream import RangeReader, ranges, unit_of
from ethicscan.extract.units import (
    RATIO_FLOOR,
    SPOOL_AT,
    Blob,
    Extracted,
    ExtractError,
    Limits,
    Scratch,
    TextUnit,
)
from ethicscan.model import Skipped, SkipReason, path_text
from ethicscan.rules.prefilter import Prefilter

CHUNK = 1024 * 1024

try:
    from zstandard import ZstdError
except ImportError:  # pragma: no cover - a declared dependency

    class ZstdError(Exception):  # type: ignore[no-redef]
        pass


# What a damaged compressed stream raises while it is read (zstandard raises its own
# ZstdError, not an OSError: a corrupt .zst used to end the scan with exit 3).
STREAM_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    EOFError,
    ValueError,
    zlib.error,
    lzma.LZMAError,
    ZstdError,
)
TAR_ERRORS: tuple[type[Exception], ...] = (tarfile.TarError, *STREAM_ERRORS)


class _Refused(Exception):
    def __init__(self, reason: SkipReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass
class Budget:
    """What one file given to the scan has used of its :class:`Limits`."""

    limits: Limits
    expanded: int = 0
    entries: int = 0

    def entry(self) -> None:
        self.entries += 1
        if self.entries > self.limits.max_entries:
            raise _Refused(
                SkipReason.LIMIT,
                f"more than {self.limits.max_entries} archive entries (--max-archive-entries)",
            )

    def grow(self, n: int) -> None:
        self.expanded += n
        if self.expanded > self.limits.max_expanded:
            raise _Refused(
                SkipReason.LIMIT,
                f"more than {self.limits.max_expanded} bytes expanded (--max-expanded)",
            )


# Binaries whose strings pass runs only where a term may stand (extract.native), and
# the kind of symbols each has.
SCREENED = {Format.ELF: "ELF", Format.PE: "PE", Format.MACHO: "Mach-O", Format.BINARY: ""}


def _screening(kind: str, prefilter: Prefilter) -> Callable[[bytes, str], Extracted]:
    def extract(data: bytes, _path: str) -> Extracted:
        from ethicscan.extract.native import extract_screened

        return extract_screened(data, kind, prefilter)

    return extract


# A binary on disk this large (a file, or a member spooled to the scan's folder) has its
# strings read from the file again once it is screened, not from its bytes held
READ_AGAIN_AT = 16 * 1024 * 1024


def _screening_read(
    kind: str, prefilter: Prefilter, held: list[bytes], fs_path: str
) -> Callable[[bytes, str], Extracted]:
    def extract(_data: bytes, _path: str) -> Extracted:
        from ethicscan.extract.native import extract_screened_read

        return extract_screened_read(held, kind, prefilter, fs_path)

    return extract


class Explorer:
    def __init__(
        self, limits: Limits, scratch: Scratch, prefilter: Prefilter | None = None
    ) -> None:
        self.limits = limits
        self.scratch = scratch
        self.prefilter = prefilter
        self.newlines = 0  # line breaks in the ranges the last stream() read

    # -- entry point ---------------------------------------------------------------------
    def explore(
        self, path: str, blob: Blob, budget: Budget, depth: int = 0
    ) -> Iterator[TextUnit | Skipped]:
        """Every text in ``blob`` (named ``path``) and every part not read."""
        head = blob.head(HEAD)
        fmt, desc = identify(path, head)
        if (
            fmt is Format.TEXT
            and (b"PK\x03\x04" in head or blob.size > self.limits.stream_above)
            and zip_at_end(blob)
        ):
            # An executable jar behind its launcher script, a zipapp behind its "#!"
            fmt, desc = Format.ZIP, "zip archive after a script"
        if fmt in CONTAINERS:
            yield from self._open(path, fmt, desc, blob, budget, depth)
            return
        if fmt is Format.TEXT and in_pieces(
            blob.size, path, self.limits, lambda: blob.head(SAMPLE)
        ):
            yield from self.stream(path, blob)
            return
        if blob.size > self.limits.max_member_size:
            yield Skipped(
                path,
                SkipReason.TOO_LARGE,
                f"{blob.size} bytes > limit {self.limits.max_member_size} (--max-file-size)",
            )
            return
        if fmt is Format.IMAGE:
            yield Skipped(path, SkipReason.BINARY, f"{desc} (pictures are not read)")
            return
        if fmt is not Format.TEXT:
            yield from self._extract(path, fmt, desc, blob, budget, depth)
            return
        data = blob.read()
        if ends_like_zip(data) and zip_at_end(blob):
            # a zip behind a script or stub longer than the head
            yield from self._open(path, Format.ZIP, "zip archive after a stub", blob, budget, depth)
            return
        if self.prefilter is not None and clean_text(data, path, self.prefilter):
            yield TextUnit(path, "")  # no term can be in it: read, nothing to classify
            return
        ext = extractor_for(Format.TEXT, path)
        try:
            decoded = decode(data)
        except NotText as exc:
            binary: str | None = str(exc)  # (outside this block: its traceback holds the bytes)
        else:
            binary = None
        if binary is not None:
            # The bytes handed over: held here, they would stay while its strings are
            # classified.
            held = Blob(len(data), data, blob.path)  # (its strings may be read again there)
            del data
            yield from self._extract(path, Format.BINARY, binary, held, budget, depth)
            return
        text = decoded.text
        if ext is None:
            # Read as it is (strict UTF-8, no byte-order mark): the bytes are the text's.
            as_is = decoded.encoding == "utf-8" and not data.startswith(codecs.BOM_UTF8)
            yield TextUnit(path, text, utf8=data if as_is else None)
            return
        out = self._extracted(ext, path, Format.TEXT, text.encode("utf-8"))
        yield from self._results(out, path, Format.TEXT, budget, depth)

    def _open(
        self, path: str, fmt: Format, desc: str, blob: Blob, budget: Budget, depth: int
    ) -> Iterator[TextUnit | Skipped]:
        """An archive or compressed file, unless it is nested too deep."""
        if depth >= self.limits.max_depth:
            yield Skipped(
                path,
                SkipReason.LIMIT,
                f"{desc} nested {depth} deep (--max-depth {self.limits.max_depth})",
            )
            return
        yield from self._container(path, fmt, desc, blob, budget, depth)

    # -- texts too large to read whole ---------------------------------------------------
    def stream(
        self, path: str, blob: Blob, only: tuple[int, int] | None = None
    ) -> Iterator[TextUnit | Skipped]:
        """The pieces of a large text (:mod:`extract.stream`), or, with ``only =
        (index, count)``, of one of its ranges, with lines counted from the
        range's start (the pipeline adds the lines of the ranges before)."""
        with blob.open() as f:
            head = f.read(SAMPLE)
            enc = stream_encoding(head)
            if enc is None:
                yield Skipped(
                    path,
                    SkipReason.TOO_LARGE,
                    f"binary data of {blob.size} bytes > limit {self.limits.max_member_size} "
                    "(--max-file-size)",
                )
                return
            encoding, bom = enc
            spans = ranges(blob.size, bom, unit_of(encoding))
            if only is not None:
                spans = [spans[only[0]]] if only[0] < len(spans) else []
            line_base = 0
            for start, end in spans:
                reader = RangeReader(f, start, end, encoding, bom)
                for p in reader.pieces():
                    raw = p.text.encode("utf-8", "surrogatepass")
                    if self.prefilter is not None and not self.prefilter.maybe(raw, plain=True):
                        yield TextUnit(path, "", piece=True)  # read; nothing to classify
                        continue
                    yield TextUnit(
                        path,
                        p.text,
                        piece=True,
                        line_base=line_base + p.line,
                        col_base=p.column,
                        keep_from=p.keep_from,
                        keep_before=p.keep_before,
                        utf8=raw,
                    )
                line_base += reader.newlines
            self.newlines = line_base

    # -- documents and binaries ----------------------------------------------------------
    def _extract(
        self,
        path: str,
        fmt: Format,
        desc: str,
        blob: Blob,
        budget: Budget,
        depth: int,
    ) -> Iterator[TextUnit | Skipped]:
        """A document or binary.  Its bytes are taken from ``blob`` (a file on disk is
        read) and let go once its text is extracted, before that is classified: a 54 MB
        binary's bytes are not held beside its strings' text."""
        reader = reader_for(fmt, path)
        if reader is None:
            yield Skipped(path, SkipReason.BINARY, desc)
            return
        data = blob.take()
        if fmt is Format.BINARY and data.startswith(ole.MAGIC) and ole.encrypted_package(data):
            yield Skipped(
                path,
                SkipReason.ENCRYPTED,
                "office document encrypted with a password (an OLE compound file holding "
                "EncryptionInfo and EncryptedPackage)",
            )
            return
        ext = reader.extract
        if reader.literal and self.prefilter is not None:
            if not self.prefilter.maybe(data):
                # Its strings are its own bytes: none of them can hold a term.
                yield TextUnit(path, "")
                return
            kind = SCREENED.get(fmt)
            if kind is not None and blob.path is not None and len(data) >= READ_AGAIN_AT:
                # its strings read from the file again, a stretch at a time: the bytes
                # handed over, let go once it is screened
                held = [data]
                del data
                ext = _screening_read(kind, self.prefilter, held, blob.path)
                out = self._extracted(ext, path, fmt, b"")
                yield from self._results(out, path, fmt, budget, depth)
                return
            if kind is not None:
                ext = _screening(kind, self.prefilter)
        out = self._extracted(ext, path, fmt, data)
        del data
        yield from self._results(out, path, fmt, budget, depth)

    def _extracted(self, ext: object, path: str, fmt: Format, data: bytes) -> Extracted | Skipped:
        """What the extractor ``ext`` reads from ``data``, or why it could not."""
        assert callable(ext)
        try:
            out = ext(data, path)
        except ExtractError as exc:
            return Skipped(path, exc.reason, exc.detail)
        except (ValueError, KeyError, IndexError, EOFError, OSError, RecursionError) as exc:
            # A malformed file that got past the extractor's own checks.
            return Skipped(path, SkipReason.CORRUPT, f"{fmt.value}: {type(exc).__name__}: {exc}")
        assert isinstance(out, Extracted)
        return out

    def _results(
        self, out: Extracted | Skipped, path: str, fmt: Format, budget: Budget, depth: int
    ) -> Iterator[TextUnit | Skipped]:
        """The texts and entries of an extractor's answer, and its embedded files'."""
        if isinstance(out, Skipped):
            yield out
            return
        if out.clean:
            yield TextUnit(path, "")  # read: no term can be in its text
        elif out.segments:
            unit = TextUnit.joined(path, out)
            yield replace(unit, compiled=True) if fmt in COMPILED else unit
        for reason, detail in out.skipped:
            yield Skipped(path, reason, detail)
        for name, member in out.members:
            try:
                budget.entry()
                budget.grow(len(member))
            except _Refused as exc:
                yield Skipped(f"{path}!{name}", exc.reason, exc.detail)
                return
            yield from self.explore(f"{path}!{name}", Blob(len(member), member), budget, depth + 1)

    # -- archives ------------------------------------------------------------------------
    def _container(
        self, path: str, fmt: Format, desc: str, blob: Blob, budget: Budget, depth: int
    ) -> Iterator[TextUnit | Skipped]:
        try:
            yield from ARCHIVES[fmt](self, path, fmt, desc, blob, budget, depth)
        except _Refused as exc:
            yield Skipped(path, exc.reason, f"{exc.detail}; the rest of {desc} was not read")

    def _zip(
        self, path: str, fmt: Format, desc: str, blob: Blob, budget: Budget, depth: int
    ) -> Iterator[TextUnit | Skipped]:
        with blob.open() as raw:
            # zipfile makes an object of every entry before the first is read: a zip
            # that lists more entries than the limit leaves is read only up to it.
            # Its entries are counted when it is opened, so a zip inside it has only
            # what is left after them (the objects of every open zip stay in memory).
            left = max(0, self.limits.max_entries - budget.entries)
            listing = zipdir.listing(raw, left)
            cut = listing is not None and listing.count > left
            f: IO[bytes] | BinaryIO = raw
            if cut and listing is not None:
                if listing.offset >= 0xFFFFFFFF or listing.kept >= 0xFFFFFFFF:
                    budget.entries = self.limits.max_entries
                    budget.entry()  # (refuses the zip: too large to cut)
                f = cast(BinaryIO, zipdir.Cut(raw, listing, left))
            counted = listing is not None
            if listing is not None:
                budget.entries += min(listing.count, left)
            try:
                zf = zipfile.ZipFile(f)
            except NotImplementedError as exc:  # e.g. a zip format version from the future
                yield Skipped(path, SkipReason.UNSUPPORTED, f"zip archive: {exc}")
                return
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                yield Skipped(path, SkipReason.CORRUPT, f"zip archive: {exc}")
                return
            with zf:
                overlapping = _overlapping(zf.infolist())
                expanded = 0  # declared sizes of the entries read so far
                for info in zf.infolist():
                    if not counted:  # (a folder too: the central directory lists it)
                        budget.entry()
                    if info.filename.endswith("/") and not info.file_size:
                        continue  # a folder (is_dir() raises on an empty name)
                    name = f"{path}!{path_text(info.filename)}"
                    if info in overlapping:
                        yield Skipped(
                            name,
                            SkipReason.LIMIT,
                            "overlaps another entry's data (an overlapping-entry zip bomb?)",
                        )
                        continue
                    mode = info.external_attr >> 16
                    if stat.S_ISLNK(mode):
                        yield Skipped(name, SkipReason.SYMLINK, "link member (not followed)")
                        continue
                    if info.flag_bits & 0x1:
                        yield Skipped(name, SkipReason.ENCRYPTED, "encrypted zip entry")
                        continue
                    refusal = self._refuse(info.file_size, info.compress_size)
                    if refusal:
                        yield Skipped(name, *refusal)
                        continue
                    expanded += info.file_size
                    self._archive_ratio(expanded, blob.size)
                    try:
                        with zf.open(info) as member:
                            got = self._take(member, info.file_size, budget, info.compress_size)
                    except _Refused as exc:
                        if exc.reason is SkipReason.LIMIT and "entries" in exc.detail:
                            raise
                        yield Skipped(name, exc.reason, exc.detail)
                        continue
                    except NotImplementedError as exc:
                        yield Skipped(name, SkipReason.UNSUPPORTED, f"zip entry: {exc}")
                        continue
                    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
                        yield Skipped(name, SkipReason.CORRUPT, f"zip entry: {exc}")
                        continue
                    yield from self._member(name, got, budget, depth)
                if cut:  # the entries after the limit were never listed
                    budget.entries = self.limits.max_entries
                    budget.entry()

    def _tar_file(
        self, path: str, fmt: Format, desc: str, blob: Blob, budget: Budget, depth: int
    ) -> Iterator[TextUnit | Skipped]:
        with blob.open() as f:
            yield from self._tar(path, f, budget, depth)

    def _tar(
        self, path: str, f: IO[bytes], budget: Budget, depth: int
    ) -> Iterator[TextUnit | Skipped]:
        try:
            tf = tarfile.open(fileobj=f, mode="r|")  # noqa: SIM115 - closed below
        except TAR_ERRORS as exc:
            yield Skipped(path, SkipReason.CORRUPT, f"tar archive: {exc}")
            return
        count = 0
        with tf:
            while True:
                try:
                    ti = tf.next()
                except _Refused:
                    raise
                except TAR_ERRORS as exc:
                    yield Skipped(
                        path, SkipReason.CORRUPT, f"tar archive: {exc} (after {count} entries)"
                    )
                    return
                if ti is None:
                    return
                count += 1
                if ti.isdir():
                    continue
                name = f"{path}!{path_text(ti.name)}"
                budget.entry()
                if ti.issym() or ti.islnk():
                    yield Skipped(
                        name, SkipReason.SYMLINK, f"link member to {ti.linkname} (not followed)"
                    )
                    continue
                if not ti.isfile():
                    yield Skipped(name, SkipReason.SPECIAL_FILE, "device, FIFO or other member")
                    continue
                refusal = self._refuse(ti.size, None)
                if refusal:
                    yield Skipped(name, *refusal)
                    # Passing over a member in a stream reads it: its bytes count, so a
                    # header that claims a petabyte stops the archive here instead of
                    # the stream being read (or, truncated, polled) that far.
                    budget.grow(ti.size)
                    continue
                member = tf.extractfile(ti)
                if member is None:  # pragma: no cover - isfile() members always have data
                    continue
                try:
                    got = self._take(member, ti.size, budget, None)
                except TAR_ERRORS as exc:
                    yield Skipped(name, SkipReason.CORRUPT, f"tar entry: {exc}")
                    return
                yield from self._member(name, got, budget, depth)

    def _compressed(
        self, path: str, fmt: Format, desc: str, blob: Blob, budget: Budget, depth: int
    ) -> Iterator[TextUnit | Skipped]:
        with blob.open() as raw:
            counted = _Counting(raw)
            stream = _decompressor(fmt, counted)
            if stream is None:
                yield Skipped(
                    path, SkipReason.UNSUPPORTED, f"{fmt.value} data: no decompressor installed"
                )
                return
            guarded = io.BufferedReader(_Guarded(stream, counted, budget, self.limits, path), CHUNK)
            try:
                head = guarded.peek(HEAD)[:HEAD]
                inner_fmt, _ = identify(inner_name(path, fmt), head)
                if inner_fmt is Format.TAR:
                    # A compressed tarball: its members sit directly under the file.
                    yield from self._tar(path, guarded, budget, depth)
                    return
                name = f"{path}!{inner_name(path, fmt)}"
                got = self._take(guarded, None, budget, None, charged=True)
            except _Refused:
                raise
            except STREAM_ERRORS as exc:
                yield Skipped(path, SkipReason.CORRUPT, f"{fmt.value} data: {exc}")
                return
            yield from self._member(name, got, budget, depth)

    def _libarchive(
        self, path: str, fmt: Format, desc: str, blob: Blob, budget: Budget, depth: int
    ) -> Iterator[TextUnit | Skipped]:
        try:
            import libarchive  # type: ignore[import-untyped]
            from libarchive.exception import ArchiveError  # type: ignore[import-untyped]
        except (ImportError, OSError) as exc:
            yield Skipped(
                path,
                SkipReason.UNSUPPORTED,
                f"{desc}: libarchive is not available ({exc}); install the system "
                "library libarchive13",
            )
            return
        try:
            reader = (
                libarchive.memory_reader(blob.data)
                if blob.data is not None
                else libarchive.file_reader(blob.path or "")
            )
            expanded = 0  # bytes read out of this archive so far
            with reader as archive:
                for entry in archive:
                    if entry.isdir:
                        continue
                    name = f"{path}!{path_text(entry.pathname)}"
                    budget.entry()
                    if entry.issym or entry.islnk:
                        yield Skipped(
                            name,
                            SkipReason.SYMLINK,
                            f"link member to {entry.linkpath} (not followed)",
                        )
                        continue
                    if not entry.isreg:
                        yield Skipped(name, SkipReason.SPECIAL_FILE, "device, FIFO or other")
                        continue
                    size = entry.size or None  # some formats do not record sizes
                    refusal = self._refuse(size or 0, None)
                    if refusal:
                        yield Skipped(name, *refusal)
                        continue
                    blocks = _Blocks(
                        entry.get_blocks(),
                        expanded,
                        lambda n: self._archive_ratio(n, blob.size),
                    )
                    try:
                        got = self._take(blocks, size, budget, None)
                    finally:
                        expanded = blocks.total
                    yield from self._member(name, got, budget, depth)
        except ArchiveError as exc:
            msg = str(exc)
            low = msg.lower()
            if "encrypt" in low or "passphrase" in low or "password" in low:
                yield Skipped(path, SkipReason.ENCRYPTED, f"{desc}: {msg}")
            else:
                yield Skipped(path, SkipReason.CORRUPT, f"{desc}: {msg}")

    # -- members -------------------------------------------------------------------------
    def _archive_ratio(self, expanded: int, size: int) -> None:
        """Many entries each small enough for the per-entry check (at the 1 MB floor,
        deflated to 1 KB) still expand a small archive a thousandfold: the ratio
        limit holds for the archive as a whole too."""
        lim = self.limits
        if expanded > RATIO_FLOOR and expanded > lim.max_ratio * max(size, 1):
            raise _Refused(
                SkipReason.LIMIT,
                f"the archive expands more than {lim.max_ratio:g}x (--max-ratio): "
                "a compression bomb?",
            )

    def _refuse(self, size: int, compressed: int | None) -> tuple[SkipReason, str] | None:
        lim = self.limits
        if size > lim.max_member_size and size > lim.max_expanded:
            return SkipReason.TOO_LARGE, f"{size} bytes > limit {lim.max_expanded}"
        if (
            compressed is not None
            and size > RATIO_FLOOR
            and size > lim.max_ratio * max(compressed, 1)
        ):
            return (
                SkipReason.LIMIT,
                f"expands {size / max(compressed, 1):.0f}x (> --max-ratio {lim.max_ratio:g}): "
                "a compression bomb?",
            )
        return None

    def _take(
        self,
        stream: IO[bytes] | _Blocks,
        size: int | None,
        budget: Budget,
        compressed: int | None,
        charged: bool = False,
    ) -> Blob:
        """Read a member into memory, or into the private temp folder when large.
        Large members are kept whole only when they are containers (to be opened
        in turn); text larger than the member limit is refused on the way."""
        if size is not None and size <= SPOOL_AT:
            data = stream.read(size + 1)
            if not charged:
                budget.grow(len(data))
            return Blob(len(data), data)
        if size is None:  # unknown (a compressed stream): small ones stay in memory
            head = stream.read(SPOOL_AT + 1)
            if not charged:
                budget.grow(len(head))
            if len(head) <= SPOOL_AT:
                return Blob(len(head), head)
        else:
            head = b""
        spool = self.scratch.new_file()
        total = len(head)
        with open(spool, "wb") as out:
            out.write(head)
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if not charged:
                    budget.grow(len(chunk))
                out.write(chunk)
        if total <= SPOOL_AT:
            with open(spool, "rb") as f:
                data = f.read()
            self.scratch.remove(spool)
            return Blob(total, data)
        return Blob(total, path=spool)

    def _member(
        self, name: str, got: Blob, budget: Budget, depth: int
    ) -> Iterator[TextUnit | Skipped]:
        try:
            yield from self.explore(name, got, budget, depth + 1)
        finally:
            if got.path is not None:
                self.scratch.remove(got.path)


_END_SEARCH = 22 + 0xFFFF  # a zip's end record is within this many bytes of its end


def ends_like_zip(data: bytes) -> bool:
    """Whether ``data`` may end with a zip (an end record signature near its end): a
    text that does is looked at again (:func:`zip_at_end`)."""
    start = max(0, len(data) - _END_SEARCH)
    # a text has no \x06 byte: looking for one byte first is many times faster than the
    # signature, and this runs on every clean text
    return data.find(b"\x06", start) >= 0 and data.find(b"PK\x05\x06", start) >= 0


def zip_at_end(blob: Blob) -> bool:
    """Whether ``blob`` ends with a zip's end record whose central directory lists
    entries and starts with a record where it says: a zip with something before it
    (zipfile reads those).  An empty directory is not enough: a binary that happens
    to end that way keeps its strings."""
    n = min(blob.size, _END_SEARCH)
    try:
        tail = _read_at(blob, blob.size - n, n)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            return False
        size, offset = struct.unpack_from("<II", tail, at + 12)
        if size == 0xFFFFFFFF or offset == 0xFFFFFFFF:  # zip64: its locator comes first
            return at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07"
        start = blob.size - n + at - size
        if size == 0 or start < 0 or offset > start:
            return False
        return _read_at(blob, start, 4) == b"PK\x01\x02"
    except OSError:
        return False


def _read_at(blob: Blob, at: int, n: int) -> bytes:
    if blob.data is not None:
        return blob.data[at : at + n]
    with blob.open() as f:
        f.seek(at)
        return f.read(n)


def _overlapping(infos: list[zipfile.ZipInfo]) -> set[zipfile.ZipInfo]:
    """Entries whose data runs into another entry's local header, or that share a
    local header: legitimate zips never overlap, bombs do (each entry is the same
    kernel read again).  Judged from the central directory, conservatively: the
    local header is at least 30 bytes and the name."""
    ordered = sorted(infos, key=lambda i: i.header_offset)
    out: set[zipfile.ZipInfo] = set()
    for here, after in itertools.pairwise(ordered):
        if here.header_offset == after.header_offset:
            out.update((here, after))
            continue
        name = len(
            here.orig_filename.encode("utf-8" if here.flag_bits & 0x800 else "cp437", "replace")
        )
        if here.header_offset + 30 + name + here.compress_size > after.header_offset:
            out.update((here, after))
    return out


# Which reader opens which container format (:data:`formats.CONTAINERS`), as
# ``extract/registry.py`` says which extractor reads which document or binary: an
# archive read member by member (zip, tar, libarchive's formats) or a compressed
# stream holding one file or a tarball.
_Opener = Callable[[Explorer, str, Format, str, Blob, Budget, int], Iterator[TextUnit | Skipped]]
ARCHIVES: dict[Format, _Opener] = {
    Format.ZIP: Explorer._zip,
    Format.TAR: Explorer._tar_file,
    Format.ARCHIVE: Explorer._libarchive,
    Format.GZIP: Explorer._compressed,
    Format.BZIP2: Explorer._compressed,
    Format.XZ: Explorer._compressed,
    Format.ZSTD: Explorer._compressed,
}


def clean_text(data: bytes, name: str, prefilter: Prefilter) -> bool:
    """A plain text (no container, document or binary magic, no extractor for its
    suffix, no zip at its end) in which the prefilter sees no term: read, with nothing
    to classify.  The pipeline decides with this before building anything, and the
    explorer for what it reads, so both give the same verdict.  ``name``: the file's
    name (or path)."""
    return (
        extractor_for(Format.TEXT, name) is None
        and not prefilter.maybe(data, plain=True)  # True also without Hyperscan
        and identify(name, data)[0] is Format.TEXT  # (reads its head only)
        and not binary_head(data)
        and not ends_like_zip(data)
    )


def in_pieces(size: int, path: str, limits: Limits, sample: Callable[[], bytes]) -> bool:
    """Whether a text of ``size`` bytes named ``path`` is read in pieces
    (:mod:`extract.stream`) rather than whole: larger than :attr:`Limits.stream_above`,
    and either larger than a whole read may be or :func:`streamable` (``sample``
    gives its first :data:`SAMPLE` bytes, read only when that is asked)."""
    return size > limits.stream_above and (
        size > limits.max_member_size or streamable(path, sample())
    )


def streamable(path: str, head: bytes) -> bool:
    """A text that can be read in pieces: one the decoder takes for text, with no
    extractor that needs all of it at once (HTML, RTF)."""
    return extractor_for(Format.TEXT, path) is None and stream_encoding(head) is not None


def binary_head(data: bytes) -> bool:
    """Data the decoder would refuse as binary goes to the strings pass, whose
    output the prefilter has not seen (UTF-16 text has its own patterns)."""
    if data.find(b"\x00", 0, SAMPLE) == -1:
        return False  # the common case, decided without copying the head
    return utf16_without_bom(data[:SAMPLE]) is None


class _Blocks:
    """libarchive's block iterator as a ``read(n)`` stream that stops when the
    archive it comes from has expanded more than its ratio allows (``guard``, called
    with the bytes read from the archive so far, ``start`` before this entry)."""

    def __init__(
        self, blocks: Iterator[bytes], start: int = 0, guard: Callable[[int], None] | None = None
    ) -> None:
        self._blocks = blocks
        self._buf = b""
        self.total = start
        self._guard = guard

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._buf) < n:
            try:
                block = bytes(next(self._blocks))
            except StopIteration:
                break
            self.total += len(block)
            if self._guard is not None:
                self._guard(self.total)
            self._buf += block
        if n < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:n], self._buf[n:]
        return out


class _Passing(io.RawIOBase):
    """A read-only stream over another that counts what passes (``out``) and lets a
    subclass look at each read (:meth:`passed`)."""

    def __init__(self, stream: IO[bytes] | BinaryIO) -> None:
        self.stream = stream
        # Straight into the caller's buffer where the stream can: read(n) makes (and
        # zeroes) a buffer of n bytes first, and BufferedReader asks for megabytes.
        self._into: Callable[[bytearray | memoryview], int | None] | None = getattr(
            stream, "readinto", None
        )
        self.out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._into is not None:
            n = self._into(b) or 0
        else:
            data = self.stream.read(len(b))
            n = len(data)
            b[:n] = data
        self.out += n
        self.passed(n, len(b))
        return n

    def passed(self, n: int, asked: int) -> None:
        """Called after each read of ``n`` bytes (of ``asked``)."""


class _Counting(_Passing):
    """Counts the compressed bytes a decompressor consumes."""

    @property
    def count(self) -> int:
        return self.out


class _Guarded(_Passing):
    """A decompressed stream that stops at the expansion limits."""

    def __init__(
        self, stream: IO[bytes], counted: _Counting, budget: Budget, limits: Limits, path: str
    ) -> None:
        super().__init__(stream)
        self.counted = counted
        self.budget = budget
        self.limits = limits
        self.path = path

    def passed(self, n: int, asked: int) -> None:
        self.budget.grow(n)
        if self.out > RATIO_FLOOR and self.out > self.limits.max_ratio * max(self.counted.count, 1):
            raise _Refused(
                SkipReason.LIMIT,
                f"expands more than {self.limits.max_ratio:g}x (--max-ratio): a compression bomb?",
            )


def _decompressor(fmt: Format, raw: _Counting) -> IO[bytes] | None:
    src = io.BufferedReader(raw, CHUNK)
    if fmt is Format.GZIP:
        return cast(IO[bytes], _Gunzip(src))
    if fmt is Format.BZIP2:
        return cast(IO[bytes], bz2.BZ2File(src, mode="rb"))
    if fmt is Format.XZ:
        return cast(IO[bytes], lzma.LZMAFile(src, mode="rb"))
    if fmt is Format.ZSTD:
        try:
            import zstandard
        except ImportError:  # pragma: no cover - a declared dependency
            return None
        reader: IO[bytes] = zstandard.ZstdDecompressor().stream_reader(src)
        try:
            declared = zstandard.frame_content_size(src.peek(18)[:18])
        except zstandard.ZstdError:
            declared = -1
        return cast(IO[bytes], _Whole(reader, declared)) if declared >= 0 else reader
    return None  # pragma: no cover - only compressors reach here


class _Gunzip(io.RawIOBase):
    """gzip data as ``gzip.GzipFile`` reads it (members one after another, zero bytes
    between or after them skipped, anything else after a member an error, a stream
    that ends inside a member an error), inflated in large steps by ISA-L (``isal``,
    three times zlib's speed) or else zlib: GzipFile feeds zlib 8 KB at a time through
    Python, twice the cost.  Each member's CRC and size are checked."""

    STEP = 256 * 1024  # compressed bytes inflated at a time

    def __init__(self, src: IO[bytes]) -> None:
        self.src = src
        self.d: Any = _INFLATE.decompressobj(31)
        self.in_member = True  # the data starts with a member (identified by its magic)
        self.tail = b""  # compressed bytes read but not yet inflated
        self.out = memoryview(b"")  # inflated bytes not yet handed out

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self.out:
            if not self._inflate():
                return 0
        n = min(len(b), len(self.out))
        b[:n] = self.out[:n]
        self.out = self.out[n:]
        return n

    def _inflate(self) -> bool:
        """Inflate the next step into ``out``; False at the end, after a whole member."""
        if self.in_member:
            data = self.tail or self.src.read(self.STEP)
            self.tail = b""
            if not data:
                raise EOFError("Compressed file ended before the end-of-stream marker was reached")
            try:
                self.out = memoryview(self.d.decompress(data))
            except _INFLATE_ERRORS as exc:
                raise gzip.BadGzipFile(str(exc)) from None
            if self.d.eof:
                self.tail = self.d.unused_data
                self.in_member = False
            return True
        if not self.tail:
            self.tail = self.src.read(self.STEP)
            if not self.tail:
                return False
        self.tail = self.tail.lstrip(b"\x00")
        if not self.tail:
            return True
        if len(self.tail) < 2:
            self.tail += self.src.read(self.STEP)
        if not self.tail.startswith(b"\x1f\x8b"):
            raise gzip.BadGzipFile(f"Not a gzipped file ({self.tail[:2]!r})")
        self.d = _INFLATE.decompressobj(31)
        self.in_member = True
        return True


def _inflater() -> tuple[Any, tuple[type[Exception], ...]]:
    try:
        from isal import isal_zlib
    except ImportError:  # no wheel for this platform: zlib, slower, the same bytes
        return zlib, (zlib.error,)
    return isal_zlib, (cast(type[Exception], isal_zlib.error), zlib.error)


_INFLATE, _INFLATE_ERRORS = _inflater()


class _Whole(_Passing):
    """A zstd stream that ends before the size its frame header declares is an error
    (zstandard's reader just stops at a truncated frame, which read as an empty,
    clean file)."""

    def __init__(self, stream: IO[bytes], declared: int) -> None:
        super().__init__(stream)
        self.declared = declared

    def passed(self, n: int, asked: int) -> None:
        if not n and asked and self.out < self.declared:
            raise EOFError(
                f"zstd data ends after {self.out} of the {self.declared} bytes its frame declares"
            )
