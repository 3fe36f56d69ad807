"""Writing a file so that a reader sees all of it or none of it."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from itertools import islice
from typing import BinaryIO

from ethicscan import interrupt

# Parts of a text written at once (joined, encoded): a few MB, whatever the text's size
PARTS_AT_ONCE = 1024


def write_atomic(
    path: str | os.PathLike[str],
    data: str | bytes | Iterable[str],
    *,
    prefix: str = ".ethicscan-",
    private: bool = False,
    durable: bool = False,
) -> None:
    """Write ``data`` (text as UTF-8; strings, a list or made as they are asked for:
    their text joined, encoded PARTS_AT_ONCE parts at a time, so a report made in parts
    is never held whole) to ``path`` through a temporary file beside it,
    renamed over it: a reader never sees half a file, and a write that fails or is
    interrupted leaves no temporary file behind.  The file gets the mode a new file
    gets under the umask, or, ``private``, 0600.  ``durable``: flushed to the disk
    before the rename, so a machine that stops leaves the old file or the new one.
    A ``path`` that is a device or a FIFO is written to as it is."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        # A device, FIFO or terminal (``-o /dev/null``, ``/dev/stdout``): written to,
        # never replaced by a file (as root, a rename would replace /dev/null itself).
        with open(path, "wb") as out:
            _write(out, raw)
        return
    folder = os.path.dirname(os.path.abspath(path))
    tmp = ""
    try:
        with interrupt.deferred():  # made and named at once, for the clean-up below
            fd, tmp = tempfile.mkstemp(prefix=prefix, dir=folder)
        with os.fdopen(fd, "wb") as f:
            _write(f, raw)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600
        os.replace(tmp, path)
    except BaseException:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


def _write(out: BinaryIO, data: bytes | Iterable[str]) -> None:
    if isinstance(data, bytes):
        out.write(data)
        return
    parts = iter(data)
    while chunk := list(islice(parts, PARTS_AT_ONCE)):
        out.write("".join(chunk).encode("utf-8"))
