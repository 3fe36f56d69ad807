"""The visible text of HTML, in place.

Markup is blanked with spaces (newlines kept), so every line of the result is
the same line of the file and, outside character references, the same column:
a finding in HTML points at the real line (character references are decoded and
padded, so the rest of their line keeps its columns).  What is kept:

* text between tags (character references decoded);
* the values of attributes people read or that name data: ``title``, ``alt``,
  ``placeholder``, ``value``, ``content``, ``label``, ``name``, ``id``, ``for``,
  ``aria-label``, ``data-*`` (with the attribute's name), form bindings of web
  templates (``v-model``, ``v-if``, ``:x``, ``@x``, ``ng-*``, ``[x]``, ``(x)``,
  ``*ngIf``, ``formcontrolname``, ``x-*``, ``th:*``, ``asp-*``)
  and event handlers (``onclick``: JavaScript);
* the body of inline ``<script>`` elements, as it is (web apps filter and label
  people in their JavaScript);
* comment text (developers' notes).

Kept too: the opening ``<name`` of a form control (``<input``, ``<select``,
``<option``, ``<textarea``): a label beside one is a field of a form; and a form's
opening and closing ``<form`` and ``</form`` with its ``method``: the controls between
them are what it sends, a query when it sends them by GET.

Blanked: other tag names, ``class``, ``style``, URLs (``href``, ``src``) and every
other attribute, ``<style>`` bodies, doctype and processing instructions.
Plain XML (``.xml``, ``.xsd``, Android resources) is not handled here: its
element names are field names and stay as they are.
"""

from __future__ import annotations

import html
import re

from ethicscan.extract.units import Extracted, Segment
from ethicscan.rules.matcher import lower_same_length

_KEEP = frozenset(
    {
        "title",
        "alt",
        "placeholder",
        "value",
        "content",
        "label",
        "name",
        "id",
        "for",
        "aria-label",
        "formcontrolname",
        "method",
    }
)
_KEEP_NAME = ("data-",)  # the attribute's own name is data too: data-skin-color="..."
# Template bindings are code: Vue (v-if, :x, @x), Angular (ng-*, [x], (x), *ngIf),
# Alpine (x-*), Thymeleaf (th:*), ASP.NET tag helpers (asp-*); event handlers (on*).
_KEEP_PREFIX = ("data-", "on", ":", "v-", "ng-", "[", "(", "@", "*", "x-", "th:", "asp-")
_RAW = ("script", "style")
# Form controls keep their opening ``<name``: a label beside one is a field of a form
# people fill in, not a sentence of the page.
_FORM_CONTROLS = frozenset({"input", "select", "option", "textarea"})


def extract_html(data: bytes, name: str) -> Extracted:
    text = data.decode("utf-8", errors="replace")
    return Extracted((Segment(visible_text(text)),))


def _blank(s: str) -> str:
    return "".join(c if c == "\n" else " " for c in s)


def visible_text(text: str) -> str:
    low = lower_same_length(text)
    out: list[str] = []
    pos, n = 0, len(text)
    while pos < n:
        i = text.find("<", pos)
        if i < 0:
            out.append(_runs(text[pos:]))
            break
        out.append(_runs(text[pos:i]))
        if text.startswith("<!--", i):
            j = text.find("-->", i + 4)
            end = n if j < 0 else j + 3
            body_end = n if j < 0 else j
            out.append("    " + text[i + 4 : body_end] + _blank(text[body_end:end]))
            pos = end
            continue
        if text.startswith("<![CDATA[", i):
            j = text.find("]]>", i + 9)
            end = n if j < 0 else j + 3
            body_end = n if j < 0 else j
            out.append(" " * 9 + text[i + 9 : body_end] + _blank(text[body_end:end]))
            pos = end
            continue
        if text.startswith(("<!", "<?"), i):
            j = text.find(">", i)
            end = n if j < 0 else j + 1
            out.append(_blank(text[i:end]))
            pos = end
            continue
        nxt = text[i + 1 : i + 2]
        closing = nxt == "/"
        if not (nxt.isalpha() or (closing and text[i + 2 : i + 3].isalpha())):
            out.append("<")  # not a tag: a literal "<" in text
            pos = i + 1
            continue
        end, name, attrs = _scan_tag(text, i + (2 if closing else 1))
        tag = name.lower()
        blanked = _tag(text, i, end, attrs if not closing else [])
        if (not closing and tag in _FORM_CONTROLS) or tag in ("script", "form"):
            # (a script's tags too: what stands between them is a page's code; a form's
            # too, with its method: the controls between them are what it sends)
            keep = 1 + closing + len(name)
            blanked = text[i : i + keep] + blanked[keep:]
        out.append(blanked)
        pos = end
        if not closing and tag in _RAW and not text[i:end].rstrip(">").rstrip().endswith("/"):
            j = low.find("</" + tag, pos)
            body_end = n if j < 0 else j
            body = text[pos:body_end]
            out.append(body if tag == "script" else _blank(body))
            pos = body_end
    return "".join(out)


def _runs(s: str) -> str:
    """Text between tags: character references decoded line by line."""
    if "&" not in s:
        return s
    return "\n".join(_unescape_line(line) for line in s.split("\n"))


def _unescape_line(line: str) -> str:
    """References decoded, padded with spaces to the original length so what
    follows on the line keeps its column."""
    out = html.unescape(line).replace("\n", " ").replace("\r", " ")
    return out + " " * (len(line) - len(out)) if len(out) < len(line) else out


_NAME_END = re.compile(r"[\s/>]")
_SPACE = re.compile(r"[\s/]*")
_ATTR_NAME = re.compile(r"[^\s/>=]+")
_UNQUOTED = re.compile(r"[^\s>]*")
_WS = re.compile(r"\s*")


def _scan_tag(text: str, p: int) -> tuple[int, str, list[tuple[int, int, int, int]]]:
    """A tag from its name at ``p``, the way browsers tokenize it (a quoted value
    runs to its closing quote, even past ``>``): where it ends, its name, and each
    attribute with a value as (name start, name end, value start, value end).
    Linear: nothing is scanned twice."""
    n = len(text)
    m = _NAME_END.search(text, p)
    name_end = m.start() if m else n
    name = text[p:name_end]
    attrs: list[tuple[int, int, int, int]] = []
    pos = name_end
    while True:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= n:
            return n, name, attrs
        if text[pos] == ">":
            return pos + 1, name, attrs
        m = _ATTR_NAME.match(text, pos)
        if m is None:  # a stray "="
            pos += 1
            continue
        k0, k1 = m.start(), m.end()
        pos = _WS.match(text, k1).end()  # type: ignore[union-attr]
        if pos >= n or text[pos] != "=":
            continue  # an attribute without a value
        pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        if pos < n and text[pos] in "\"'":
            j = text.find(text[pos], pos + 1)
            if j < 0:  # an unclosed quote runs to the end, as in browsers
                attrs.append((k0, k1, pos + 1, n))
                return n, name, attrs
            attrs.append((k0, k1, pos + 1, j))
            pos = j + 1
        else:
            v1 = _UNQUOTED.match(text, pos).end()  # type: ignore[union-attr]
            attrs.append((k0, k1, pos, v1))
            pos = v1


def _tag(text: str, start: int, end: int, attrs: list[tuple[int, int, int, int]]) -> str:
    """The tag blanked, except the values (and for ``data-*`` the names) of the
    attributes kept."""
    out = list(_blank(text[start:end]))
    for k0, k1, v0, v1 in attrs:
        key = text[k0:k1].lower()
        if not (key in _KEEP or key.startswith(_KEEP_PREFIX)):
            continue
        if key.startswith(_KEEP_NAME):
            out[k0 - start : k1 - start] = text[k0:k1]
        value = _runs(text[v0:v1])
        out[v0 - start : v1 - start] = value[: v1 - v0].ljust(v1 - v0)  # columns stay
    return "".join(out)
