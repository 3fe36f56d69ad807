"""The default human report: findings grouped by severity, then skipped files."""

from __future__ import annotations

import io
import os

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ethicscan.kinds import TargetKind
from ethicscan.locations import file_path, inner_path, is_text_line, table_extent, target_kinds
from ethicscan.model import Location, ScanResult, Severity
from ethicscan.report.safe import safe_text
from ethicscan.report.timeline import timeline

STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def place_of(loc: Location, kinds: dict[str, TargetKind]) -> str:
    """Where a finding is, as compilers, ruff and ripgrep print it: ``path:line:col`` for
    a line of a file on disk, the path as the target was given (relative to the current
    folder when it lies below it); a member of an archive, a page or a binary's strings
    after a ``!`` chain, with the line it is counted in."""
    path = file_path(loc, kinds)
    if os.path.isabs(path):
        try:
            rel = os.path.relpath(path)
        except ValueError:  # another drive
            rel = path
        path = rel if not rel.startswith("..") else path
    inner = inner_path(loc)
    if inner:
        path += "!" + inner
    if loc.member:  # a sheet, a class member, speaker notes ...
        path += f" [{loc.member}]"
    if loc.page is not None:  # PDF page, slide: the line is within it
        path += f" p.{loc.page}"
    if is_text_line(loc) and loc.column:
        return f"{path}:{loc.line}:{loc.column}"
    return f"{path}:{loc.line}"


def render(result: ScanResult, width: int = 160, color: bool = False) -> str:
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
    )
    if not result.findings:
        console.print("No findings.")
    kinds = target_kinds(result.targets)
    places = {id(f): place_of(f.location, kinds) for f in result.findings}
    longest = max((len(p) for p in places.values()), default=0)
    for sev in Severity:
        group = [f for f in result.findings if f.severity is sev]
        if not group:
            continue
        table = Table(
            title=f"{sev.value.upper()} ({len(group)})",
            title_justify="left",
            title_style=STYLE[sev],
            show_lines=False,
            expand=False,
        )
        table.add_column("trait")
        table.add_column("capability")
        # a place is one line that a terminal or an editor can open; the evidence wraps
        table.add_column("place", no_wrap=True, min_width=min(longest, max(12, width - 60)))
        table.add_column("term", overflow="fold")
        table.add_column("gloss / evidence", overflow="fold", ratio=1)
        table.add_column("conf", justify="right")
        for f in group:
            cap = f.capability.value + (f" ({f.basis.value})" if f.basis else "")
            place = places[id(f)]
            gloss = f"{f.evidence.gloss} — " if f.evidence.gloss else ""
            if f.suppression is not None:
                gloss = f"[suppressed: {safe_text(f.suppression.reason)}] " + gloss
            table_rows = table_extent(f)  # a code table's rows: where they run, their terms
            table.add_row(
                f.trait.value,
                cap,
                escape(safe_text(place)),
                escape(safe_text(f.evidence.term)),
                Text(
                    gloss
                    + safe_text(f.evidence.snippet)
                    + (f"\n({safe_text(table_rows)})" if table_rows else "")
                ),
                f"{f.confidence:.2f}",
            )
        console.print(table)
    _timeline(console, result)
    if result.skipped:
        table = Table(title=f"SKIPPED ({len(result.skipped)})", title_justify="left")
        table.add_column("path", overflow="fold")
        table.add_column("reason")
        table.add_column("detail", overflow="fold")
        for s in result.skipped:
            table.add_row(escape(safe_text(s.path)), s.reason.value, escape(safe_text(s.detail)))
        console.print(table)
    if result.warnings:
        table = Table(title=f"WARNINGS ({len(result.warnings)})", title_justify="left")
        # a place is one line that a terminal or an editor can open; the evidence wraps
        table.add_column("place", no_wrap=True, min_width=min(longest, max(12, width - 60)))
        table.add_column("warning", overflow="fold")
        for n in result.warnings:
            table.add_row(escape(safe_text(f"{n.path}:{n.line}")), escape(safe_text(n.message)))
        console.print(table)
    for line in result.not_reported():
        console.print(Text("NOT REPORTED: " + safe_text(line)))
    return buf.getvalue()


def _timeline(console: Console, result: ScanResult) -> None:
    """For a history scan: when each rule was in each file, and what became of it."""
    rows = timeline(result)
    if not rows:
        return
    table = Table(title=f"TIMELINE ({len(rows)})", title_justify="left")
    table.add_column("first → last")
    table.add_column("status")
    table.add_column("commits")
    table.add_column("severity")
    table.add_column("rule", overflow="fold")
    table.add_column("place", overflow="fold")
    table.add_column("terms", overflow="fold", ratio=1)
    for r in rows:
        terms = ", ".join(r.terms)
        if r.renamed_to:
            terms += " → " + ", ".join(r.renamed_to)
        place = r.path if len(result.targets) < 2 else f"{r.target.rstrip('/')}/{r.path}"
        table.add_row(
            f"{r.first.date[:10]} → {r.last.date[:10]}",
            r.status.value,
            f"{r.first.sha[:7]}..{r.last.sha[:7]}",
            Text(r.severity.value, style=STYLE[r.severity]),
            r.rule,
            escape(safe_text(place)),
            Text(safe_text(terms)),
        )
    console.print(table)
