"""Hits placed by hand on a document's text, for tests of the classifier's readers."""

from __future__ import annotations

from typing import Any

from ethicscan.classify.capability import Hit
from ethicscan.classify.document import Document
from ethicscan.rules.catalogue import Term


def hits_of(doc: Document, term: Term, word: str) -> list[Hit]:
    """A hit of ``term`` at each place ``word`` stands in ``doc``'s text."""
    out = []
    at = doc.text.find(word)
    while at >= 0:
        out.append(Hit(term, at, at + len(word), doc.line_of(at), False))
        at = doc.text.find(word, at + 1)
    return out


class Counting:
    """A stand-in for a module's pattern (or any object): each attribute read of it is
    noted in ``read`` by its name (``search``, ``match``), then answered by the real one."""

    def __init__(self, real: Any, read: list[str]) -> None:
        self.real = real
        self.read = read

    def __getattr__(self, name: str) -> Any:
        self.read.append(name)
        return getattr(self.real, name)
