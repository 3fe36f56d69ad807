"""Compare two JSON scans (``ethicscan diff OLD.json NEW.json``): what appeared, what
disappeared, what moved and what was renamed.

- **moved**: the same finding (same fingerprint, or the same rule, term and line text
  in another file) at another line or path;
- **renamed**: the same rule in the same file within a few lines, with another term
  (``EthicCode`` became ``ethnic_code``): the field was renamed, not dropped;
- **appeared** / **disappeared**: the rest.

Works on the JSON contract (docs/json-format.md), so scans of two versions of a
vendor SDK under different folders compare by their paths inside the folders.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ethicscan import jsonread
from ethicscan.errors import ConfigError
from ethicscan.fingerprint import text_key

RENAME_WINDOW = 3  # lines either side of the old line that count as the same place


@dataclass(frozen=True, slots=True)
class Item:
    rule: str
    trait: str
    capability: str
    severity: str
    path: str
    line: int
    column: int
    term: str
    snippet: str
    gloss: str
    fingerprint: str

    @property
    def place(self) -> str:
        return f"{self.path}:{self.line}"

    def text_key(self) -> tuple[str, str, str]:
        return text_key(self.rule, self.term, self.snippet)


@dataclass(frozen=True, slots=True)
class Pair:
    old: Item
    new: Item


@dataclass(frozen=True)
class Diff:
    old_name: str
    new_name: str
    appeared: tuple[Item, ...]
    disappeared: tuple[Item, ...]
    moved: tuple[Pair, ...]
    renamed: tuple[Pair, ...]
    unchanged: int

    def counts(self) -> dict[str, int]:
        return {
            "appeared": len(self.appeared),
            "disappeared": len(self.disappeared),
            "moved": len(self.moved),
            "renamed": len(self.renamed),
            "unchanged": self.unchanged,
        }


def _item(raw: Any, where: str) -> Item:
    try:
        loc, ev = raw["location"], raw["evidence"]
        return Item(
            rule=str(raw["rule"]),
            trait=str(raw["trait"]),
            capability=str(raw["capability"]),
            severity=str(raw["severity"]),
            path=str(loc["path"]),
            line=int(loc["line"]),
            column=int(loc["column"]),
            term=str(ev["term"]),
            snippet=str(ev.get("snippet", "")),
            gloss=str(ev.get("gloss", "")),
            fingerprint=str(raw["fingerprint"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: not an ethicscan finding ({exc!r} missing or wrong)") from None


def load(path: str | Path) -> list[Item]:
    """The findings of a ``--format json`` report."""
    doc = jsonread.read(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise ConfigError(f"{path}: not an ethicscan JSON report (no 'findings' list)")
    version = str(doc.get("schema_version", ""))
    if version.split(".")[0] != "1":
        raise ConfigError(f"{path}: JSON schema_version {version!r} is not 1.x")
    return [_item(f, f"{path}: findings[{i}]") for i, f in enumerate(doc["findings"])]


def _take_pairs(
    old: list[Item], new: list[Item], key: Any
) -> tuple[list[Pair], list[Item], list[Item]]:
    """Pair items with equal ``key(item)`` in order; return pairs and the leftovers."""
    pool: dict[Any, list[Item]] = defaultdict(list)
    for n in new:
        pool[key(n)].append(n)
    pairs, rest_old = [], []
    for o in old:
        bucket = pool.get(key(o))
        if bucket:
            pairs.append(Pair(o, bucket.pop(0)))
        else:
            rest_old.append(o)
    used = {id(p.new) for p in pairs}
    return pairs, rest_old, [n for n in new if id(n) not in used]


def compare(old: list[Item], new: list[Item], old_name: str = "", new_name: str = "") -> Diff:
    same, old_left, new_left = _take_pairs(old, new, lambda i: (i.path, i.fingerprint))
    moved = [p for p in same if p.old.line != p.new.line]
    unchanged = len(same) - len(moved)
    elsewhere, old_left, new_left = _take_pairs(old_left, new_left, Item.text_key)
    moved += elsewhere
    renamed: list[Pair] = []
    rest_old: list[Item] = []
    for o in old_left:
        near = [
            n
            for n in new_left
            if n.rule == o.rule
            and n.path == o.path
            and abs(n.line - o.line) <= RENAME_WINDOW
            and n.term.lower() != o.term.lower()
        ]
        if near:
            best = min(near, key=lambda n: (abs(n.line - o.line), n.column))
            renamed.append(Pair(o, best))
            new_left.remove(best)
        else:
            rest_old.append(o)
    return Diff(
        old_name,
        new_name,
        appeared=tuple(new_left),
        disappeared=tuple(rest_old),
        moved=tuple(moved),
        renamed=tuple(renamed),
        unchanged=unchanged,
    )


def to_dict(d: Diff) -> dict[str, Any]:
    return {
        "old": d.old_name,
        "new": d.new_name,
        "summary": d.counts(),
        "appeared": [asdict(i) for i in d.appeared],
        "disappeared": [asdict(i) for i in d.disappeared],
        "moved": [{"old": asdict(p.old), "new": asdict(p.new)} for p in d.moved],
        "renamed": [{"old": asdict(p.old), "new": asdict(p.new)} for p in d.renamed],
    }


def render_json(d: Diff) -> str:
    return json.dumps(to_dict(d), ensure_ascii=False, indent=2) + "\n"


_MD_SPECIAL = str.maketrans(
    {c: "\\" + c for c in "\\`*_[]<>|~"} | {"\n": " ", "\r": " ", "\t": " "}
)


def md(s: str) -> str:
    """Text from a scanned file made inert in a Markdown table cell."""
    return s.translate(_MD_SPECIAL)


def _term(i: Item) -> str:
    return md(i.term) + (f" ({md(i.gloss)})" if i.gloss else "")


def render_markdown(d: Diff) -> str:
    c = d.counts()
    out = [
        "# ethicscan diff",
        "",
        f"Old: {md(d.old_name)}  ",
        f"New: {md(d.new_name)}",
        "",
        "| change | findings |",
        "| --- | ---: |",
        *(f"| {k} | {v} |" for k, v in c.items()),
        "",
    ]

    def items(title: str, rows: tuple[Item, ...]) -> None:
        if not rows:
            return
        out.extend(
            [
                f"## {title} ({len(rows)})",
                "",
                "| severity | rule | trait | capability | place | term |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
        )
        for i in rows:
            out.append(
                f"| {i.severity} | {md(i.rule)} | {i.trait} | {i.capability} | "
                f"{md(i.place)} | {_term(i)} |"
            )
        out.append("")

    def pairs(title: str, rows: tuple[Pair, ...], head: str) -> None:
        if not rows:
            return
        out.extend([f"## {title} ({len(rows)})", "", head, "| --- | --- | --- | --- |"])
        for p in rows:
            if title == "Moved":
                cells = (md(p.old.rule), _term(p.new), md(p.old.place), md(p.new.place))
            else:
                cells = (md(p.old.rule), md(p.old.place), _term(p.old), _term(p.new))
            out.append("| " + " | ".join(cells) + " |")
        out.append("")

    items("Appeared", d.appeared)
    items("Disappeared", d.disappeared)
    pairs("Renamed", d.renamed, "| rule | old place | old term | new term |")
    pairs("Moved", d.moved, "| rule | term | from | to |")
    return "\n".join(out)


def render_table(d: Diff, width: int = 160) -> str:
    import io

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    con = Console(file=buf, width=width, no_color=True, color_system=None, highlight=False)
    con.print(
        Text(
            f"{d.old_name} -> {d.new_name}: " + ", ".join(f"{v} {k}" for k, v in d.counts().items())
        )
    )

    def t(s: str) -> Text:
        return Text("".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in s))

    for title, rows in (("APPEARED", d.appeared), ("DISAPPEARED", d.disappeared)):
        if rows:
            table = Table(title=f"{title} ({len(rows)})", title_justify="left")
            for col in ("severity", "rule", "trait", "capability", "place", "term"):
                table.add_column(col, overflow="fold")
            for i in rows:
                table.add_row(i.severity, i.rule, i.trait, i.capability, t(i.place), t(i.term))
            con.print(table)
    for title, prs in (("RENAMED", d.renamed), ("MOVED", d.moved)):
        if prs:
            table = Table(title=f"{title} ({len(prs)})", title_justify="left")
            for col in ("rule", "old", "new"):
                table.add_column(col, overflow="fold")
            for p in prs:
                table.add_row(
                    p.old.rule,
                    t(f"{p.old.term} @ {p.old.place}"),
                    t(f"{p.new.term} @ {p.new.place}"),
                )
            con.print(table)
    return buf.getvalue()
