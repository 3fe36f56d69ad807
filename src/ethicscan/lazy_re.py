"""``re`` for the classifier's modules, its patterns compiled when first used.

The classifier's modules define some 210 patterns at import, and compiling them was a
quarter of every command's start-up (some 30 ms): Python's ``re`` compiles in Python,
and keeps nothing between processes.  A scan uses few of them (a JSON-lines log some
34 of ``capability``'s 154), so those modules import this as ``re``: its
:func:`compile` gives a :class:`LazyPattern`, compiled by the standard ``re`` the first
time one of its attributes is asked for; then each of the pattern's methods is kept in
a slot of its own, looked up as fast as the compiled pattern's.  Everything else is the
standard module's.
"""

from __future__ import annotations

import re as _re
from re import (
    ASCII,
    IGNORECASE,
    MULTILINE,
    A,
    I,
    M,
    Match,
    Pattern,
    S,
    X,
    escape,
    finditer,
    search,
    sub,
)
from typing import Any, cast

__all__ = [
    "ASCII",
    "IGNORECASE",
    "MULTILINE",
    "A",
    "I",
    "LazyPattern",
    "M",
    "Match",
    "Pattern",
    "S",
    "X",
    "compile",
    "escape",
    "finditer",
    "search",
    "sub",
]

# What a compiled pattern has that a LazyPattern hands on (``pattern`` it holds itself)
_FORWARDED = (
    "search",
    "match",
    "fullmatch",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "scanner",
    "flags",
    "groups",
    "groupindex",
)


class LazyPattern:
    """A pattern compiled by ``re.compile(pattern, flags)`` when first used: until then
    the slots of ``_FORWARDED`` are empty, and asking for one of them (or for any
    other attribute) compiles it and fills them all from the compiled pattern."""

    __slots__ = ("pattern", "_flags", "_compiled", *_FORWARDED)
    pattern: str
    _flags: int
    _compiled: Pattern[str]

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # (called only for an attribute not set: before the first use, or a name that
        # a compiled pattern has and the slots do not)
        if name.startswith("__") or name == "_compiled":
            raise AttributeError(name)
        compiled = self.compiled()
        return getattr(compiled, name)

    def compiled(self) -> Pattern[str]:
        """The compiled pattern (compiled now, if it was not yet)."""
        try:
            return self._compiled
        except AttributeError:
            pass
        compiled = _re.compile(self.pattern, self._flags)
        for name in _FORWARDED:
            setattr(self, name, getattr(compiled, name))
        self._compiled = compiled
        return compiled

    @property
    def is_compiled(self) -> bool:
        try:
            self._compiled  # noqa: B018
        except AttributeError:
            return False
        return True

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyPattern, (self.pattern, self._flags))

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self._flags!r})"


def compile(pattern: str, flags: int = 0) -> Pattern[str]:
    """``re.compile(pattern, flags)``, compiled when first used (typed as it is used)."""
    return cast("Pattern[str]", LazyPattern(pattern, flags))
