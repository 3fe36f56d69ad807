"""Writing a file so that a reader sees all of it or none of it."""

from __future__ import annotations

import contextlib
import os
import tempfile


def write_atomic(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    prefix: str = ".ethicscan-",
    private: bool = False,
    durable: bool = False,
) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file beside it,
    renamed over it: a reader never sees half a file, and a write that fails or is
    interrupted leaves no temporary file behind.  The file gets the mode a new file
    gets under the umask, or, ``private``, 0600.  ``durable``: flushed to the disk
    before the rename, so a machine that stops leaves the old file or the new one."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=prefix, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
