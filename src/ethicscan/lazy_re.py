"""``re`` for the classifier's modules, its patterns compiled when first used.

The classifier's modules define some 210 patterns at import, and compiling them was a
quarter of every command's start-up (some 30 ms): Python's ``re`` compiles in Python,
and keeps nothing between processes.  A scan uses few of them (a JSON-lines log some
34 of ``capability``'s 154), so those modules import this as ``re``: its
:func:`compile` gives a :class:`LazyPattern`, compiled by the standard ``re`` the first
time one of its methods is called (or its flags or groups asked for); then each of the
pattern's methods is kept in a slot of its own, looked up as fast as the compiled
pattern's.  Everything else is the
standard module's.
"""

from __future__ import annotations

import re as _re
from collections.abc import Callable, Mapping
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

# The compiled pattern's methods a LazyPattern hands on, each in a slot of its own
_METHODS = (
    "search",
    "match",
    "fullmatch",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "scanner",
)


class LazyPattern:
    """A pattern compiled by ``re.compile(pattern, flags)`` when first used.  Each of
    ``_METHODS`` is a slot: until the first use it holds a function that compiles the
    pattern, puts the compiled pattern's methods in the slots and calls its own; then
    the compiled pattern's bound method itself, found as fast (no ``__getattr__``, so
    the interpreter's specialised slot look-up applies).  ``flags``, ``groups`` and
    ``groupindex`` compile it too; ``pattern`` is held from the start."""

    __slots__ = ("pattern", "_flags", "_compiled", *_METHODS)
    pattern: str
    _flags: int
    _compiled: Pattern[str]

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags
        for name in _METHODS:
            setattr(self, name, _first_use(self, name))

    def compiled(self) -> Pattern[str]:
        """The compiled pattern (compiled now, if it was not yet)."""
        try:
            return self._compiled
        except AttributeError:
            pass
        compiled = _re.compile(self.pattern, self._flags)
        for name in _METHODS:
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

    @property
    def flags(self) -> int:
        return self.compiled().flags

    @property
    def groups(self) -> int:
        return self.compiled().groups

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self.compiled().groupindex

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyPattern, (self.pattern, self._flags))

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self._flags!r})"


def _first_use(p: LazyPattern, name: str) -> Callable[..., Any]:
    """The slot ``name`` of ``p`` before its first use: compiles ``p`` (which puts the
    compiled pattern's methods in its slots), then calls the method."""

    def first(*args: Any, **kwargs: Any) -> Any:
        return getattr(p.compiled(), name)(*args, **kwargs)

    return first


def compile(pattern: str, flags: int = 0) -> Pattern[str]:
    """``re.compile(pattern, flags)``, compiled when first used (typed as it is used)."""
    return cast("Pattern[str]", LazyPattern(pattern, flags))
