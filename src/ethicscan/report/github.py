"""GitHub Actions workflow commands: one annotation per finding on its file and line.

``::error file=F,line=L,col=C,title=T::message``; critical and high findings are
errors, medium warnings, low and info notices.  Suppressed findings and skipped files
are notices.  A finding that stands for a code table's rows spans them (``endLine``) and
its message names their terms.  Values are escaped as the Actions runner requires.
"""

from __future__ import annotations

from ethicscan.kinds import TargetKind
from ethicscan.locations import file_path, is_text_line, table_extent, target_kinds
from ethicscan.model import Finding, Location, ScanResult, Severity

COMMAND = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def escape_data(s: str) -> str:
    """The message part, after ``::``.  Control characters from scanned names (ANSI
    escapes, tabs) are shown escaped, never passed to the log raw."""
    s = "".join(c if c.isprintable() or c in " \r\n" else repr(c)[1:-1] for c in s)
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """A ``key=value`` property before ``::``."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, props: dict[str, str], message: str) -> str:
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    return f"::{kind} {head}::{escape_data(message)}"


def _finding(f: Finding, kinds: dict[str, TargetKind]) -> str:
    loc = f.location
    props = {"file": file_path(loc, kinds)}
    if is_text_line(loc):
        props["line"] = str(loc.line)
        props["col"] = str(loc.column)
        if loc.end_line is not None:
            props["endLine"] = str(loc.end_line)
    gloss = f" ({f.evidence.gloss})" if f.evidence.gloss else ""
    where = "" if is_text_line(loc) else f" in {loc.path}:{loc.line}"
    # The laws and standards by their short ids (docs/rules.md has their titles): a
    # log of annotations need not repeat the same long titles on every line.
    refs = f"; refs {', '.join(r.id for r in f.refs)}" if f.refs else ""
    table = table_extent(f)
    message = (
        f"{f.trait.value} {f.capability.value}: '{f.evidence.term}'{gloss}{where}; "
        f"{f.severity.value}, confidence {f.confidence:.2f}{refs}" + (f"; {table}" if table else "")
    )
    kind = COMMAND[f.severity]
    title = f"ethicscan {f.rule} ({f.severity.value})"
    if f.suppression is not None:
        kind = "notice"
        title = f"ethicscan {f.rule} (suppressed)"
        message = f"suppressed ({f.suppression.source}): {f.suppression.reason}; {message}"
    props["title"] = title
    return _command(kind, props, message)


def render(result: ScanResult) -> str:
    kinds = target_kinds(result.targets)
    lines = [_finding(f, kinds) for f in result.findings]
    for n in result.warnings:
        props = {"file": file_path_of(n.target, n.path, kinds), "line": str(n.line)}
        props["title"] = "ethicscan suppression"
        lines.append(_command("warning", props, n.message))
    for s in result.skipped:
        lines.append(
            _command(
                "notice",
                {"title": "ethicscan: not scanned"},
                f"{s.path}: {s.reason.value}" + (f" ({s.detail})" if s.detail else ""),
            )
        )
    for line in result.not_reported():
        lines.append(_command("notice", {"title": "ethicscan: not reported"}, line))
    failing = len(result.findings) - sum(1 for f in result.findings if f.suppression)
    found = len(result.findings)
    lines.append(
        f"ethicscan {result.tool_version}: {found} finding{'' if found == 1 else 's'} "
        f"({failing} not suppressed), {len(result.skipped)} skipped"
    )
    return "\n".join(lines) + "\n"


def file_path_of(target: str, path: str, kinds: dict[str, TargetKind]) -> str:
    return file_path(Location(path, 0, 0, target), kinds)
