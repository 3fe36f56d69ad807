"""The visible text of HTML, in place.

Markup is blanked with spaces (newlines kept), so every line of the result is
the same line of the file and, outside character references, the same column:
a finding in HTML points at the real line (character references are decoded and
padded, so the rest of their line keeps its columns).  What is kept:

* text between tags (character references decoded);
* the values of attributes people read or that name data: ``title``, ``alt``,
  ``placeholder``, ``value``, ``content``, ``label``, ``name``, ``id``, ``for``,
  ``aria-label``, ``data-*`` (with the attribute's name), form bindings of web
  frameworks (``v-model``, ``ng-model``, ``formcontrolname``, ``:x``, ``[x]``)
  and event handlers (``onclick``: JavaScript);
* the body of inline ``<script>`` elements, as it is (web apps filter and label
  people in their JavaScript);
* comment text (developers' notes).

Blanked: tag names, ``class``, ``style``, URLs (``href``, ``src``) and every
other attribute, ``<style>`` bodies, doctype and processing instructions.
Plain XML (``.xml``, ``.xsd``, Android resources) is not handled here: its
element names are field names and stay as they are.
"""

from __future__ import annotations

import html
import re

from ethicscan.extract.units import Extracted, Segment
from ethicscan.rules.matcher import lower_same_length

_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
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
        "v-model",
        "ng-model",
        "formcontrolname",
        "th:field",
        "asp-for",
    }
)
_KEEP_NAME = ("data-",)  # the attribute's own name is data too: data-skin-color="..."
_KEEP_PREFIX = ("data-", "on", ":", "v-bind:", "[", "(", "@")
_RAW = ("script", "style")
MAX_TAG = 64 * 1024  # a start tag longer than this is read as text


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
        m = _TAG.match(text, i, min(n, i + MAX_TAG))
        if m is None:
            out.append("<")
            pos = i + 1
            continue
        out.append(_tag(m))
        pos = m.end()
        tag = m.group(2).lower()
        if not m.group(1) and tag in _RAW and not m.group(3).rstrip().endswith("/"):
            j = low.find("</" + tag, pos)
            end = n if j < 0 else j
            body = text[pos:end]
            out.append(body if tag == "script" else _blank(body))
            pos = end
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


def _tag(m: re.Match[str]) -> str:
    whole = m.group(0)
    if m.group(1):  # an end tag
        return _blank(whole)
    start = m.start(3) - m.start(0)
    out = list(_blank(whole))
    for a in _ATTR.finditer(m.group(3)):
        key = a.group(1).lower()
        value = a.group(2)
        if value is None:
            continue
        keep = key in _KEEP or key.startswith(_KEEP_PREFIX)
        if not keep:
            continue
        if key.startswith(_KEEP_NAME):
            k0 = start + a.start(1)
            out[k0 : k0 + len(a.group(1))] = a.group(1)
        quoted = value[:1] in ("'", '"')
        inner = value[1:-1] if quoted else value
        v0 = start + a.start(2) + (1 if quoted else 0)
        out[v0 : v0 + len(inner)] = _runs(inner)
    return "".join(out)
