"""The evidence report: one self-contained HTML file for investigators and compliance
teams, readable offline (from a USB stick) and safe to open.

Rendered on the server side: every string that comes from scanned input goes through
:func:`e` (``html.escape`` after control characters are shown escaped), the one inline
script and the one inline style are constants allowed by their hashes in a
Content-Security-Policy that forbids everything else (no network, no injected script
even if escaping ever failed).  Filtering and search are a few lines of vanilla JS over
``data-`` attributes.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from datetime import datetime, timezone
from html import escape

from ethicscan.locations import table_extent
from ethicscan.model import Capability, Commit, Finding, ScanResult, Severity, Trait
from ethicscan.report.safe import safe_text
from ethicscan.report.timeline import timeline, when_of

CSS = """
:root{--fg:#1d1d1f;--muted:#5f6368;--line:#d9dce1;--bg:#fff;--soft:#f5f6f8}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",
"Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1280px;
padding:16px 24px}
h1{font-size:22px;margin:8px 0}
h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid var(--line)}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:4px 6px;
text-align:left;vertical-align:top}th{background:var(--soft);font-weight:600}
tr[hidden]{display:none}code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.snippet{white-space:pre-wrap;word-break:break-all;background:var(--soft);padding:4px;display:block}
mark{background:#ffe066;color:inherit;padding:0 1px}
.sev{font-weight:600;border-radius:3px;padding:1px 6px;white-space:nowrap}
.sev-critical{background:#b3261e;color:#fff}.sev-high{background:#e8710a;color:#fff}
.sev-medium{background:#f9ab00}.sev-low{background:#a8dab5}.sev-info{background:#e8eaed}
.supp{color:var(--muted)}.supp .sev{opacity:.6}.tag{font-size:12px;color:var(--muted)}
.badge{display:inline-block;border:1px solid var(--line);border-radius:3px;padding:0 4px;
font-size:12px;margin-left:4px}
.filters{display:flex;gap:12px;flex-wrap:wrap;align-items:center;margin:8px 0}
.filters label{font-size:13px;color:var(--muted)}#shown{color:var(--muted)}
.counts span{margin-right:12px}dl{margin:4px 0;display:grid;grid-template-columns:max-content 1fr;
gap:2px 10px}dt{color:var(--muted)}dd{margin:0}details summary{cursor:pointer;color:#1a5fb4}
footer{margin-top:32px;color:var(--muted);font-size:12px}
"""

JS = """
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.finding"));
  var keys = ["trait", "capability", "severity", "status"];
  var query = document.getElementById("q");
  var shown = document.getElementById("shown");
  function apply() {
    var want = {};
    keys.forEach(function (k) { want[k] = document.getElementById("f-" + k).value; });
    var needle = query.value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (row) {
      var ok = keys.every(function (k) { return !want[k] || row.dataset[k] === want[k]; });
      if (ok && needle) { ok = row.textContent.toLowerCase().indexOf(needle) !== -1; }
      row.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " findings shown";
  }
  keys.forEach(function (k) {
    document.getElementById("f-" + k).addEventListener("change", apply);
  });
  query.addEventListener("input", apply);
  apply();
})();
"""

CAP_COLOUR = {
    Capability.TARGETING: "#b3261e",
    Capability.INFERENCE: "#e8710a",
    Capability.SEARCH: "#8e24aa",
    Capability.RECORD: "#1a73e8",
    Capability.MENTION: "#9aa0a6",
}


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


CSP = (
    "default-src 'none'; "
    f"style-src {_hash(CSS)}; script-src {_hash(JS)}; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


def e(s: object) -> str:
    """Scanned text made inert: control characters shown escaped, then HTML-escaped."""
    return escape(safe_text(str(s)), quote=True)


def highlight(snippet: str, term: str) -> str:
    """The snippet, escaped, with the first occurrence of ``term`` in ``<mark>``."""
    m = re.search(re.escape(term), snippet, re.IGNORECASE) if term else None
    if m is None:
        return e(snippet)
    return e(snippet[: m.start()]) + "<mark>" + e(m.group(0)) + "</mark>" + e(snippet[m.end() :])


def _size(n: int | None) -> str:
    return "" if n is None else f"{n:,} bytes"


def chart(findings: tuple[Finding, ...]) -> str:
    """Findings by trait, stacked by capability, as an inline SVG bar chart."""
    by_trait = Counter(f.trait for f in findings)
    if not by_trait:
        return '<p class="tag">No findings to chart.</p>'
    traits = sorted(by_trait, key=lambda t: (-by_trait[t], t.value))
    cells = Counter((f.trait, f.capability) for f in findings)
    label_w, bar_w, row_h = 160, 520, 26
    top = 28
    height = top + row_h * len(traits) + 8
    most = max(by_trait.values())
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 60}" '
        f'height="{height}" role="img" aria-label="Findings by trait and capability">'
    ]
    x = label_w
    for cap in Capability:  # legend
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{CAP_COLOUR[cap]}"></rect>'
            f'<text x="{x + 16}" y="16" font-size="12">{cap.value}</text>'
        )
        x += 100
    for i, trait in enumerate(traits):
        y = top + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" font-size="13" text-anchor="end">'
            f"{e(trait.value)}</text>"
        )
        x0 = float(label_w)
        for cap in Capability:
            n = cells.get((trait, cap), 0)
            if not n:
                continue
            w = bar_w * n / most
            parts.append(
                f'<rect class="bar" x="{x0:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="{CAP_COLOUR[cap]}" data-trait="{trait.value}" '
                f'data-capability="{cap.value}">'
                f"<title>{e(trait.value)} / {cap.value}: {n}</title></rect>"
            )
            x0 += w
        parts.append(f'<text x="{x0 + 6:.1f}" y="{y + 16}" font-size="12">{by_trait[trait]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _options(name: str, values: list[str]) -> str:
    opts = "".join(f'<option value="{e(v)}">{e(v)}</option>' for v in values)
    return (
        f'<label for="f-{name}">{name}</label>'
        f'<select id="f-{name}"><option value="">all</option>{opts}</select>'
    )


def _place(f: Finding) -> str:
    loc = f.location
    out = f'<span class="mono">{e(loc.path)}:{e(loc.line)}:{e(loc.column)}</span>'
    if loc.target:
        out += f'<div class="tag">in {e(loc.target)}</div>'
    return out


def _details(f: Finding) -> str:
    loc = f.location
    rows: list[tuple[str, str]] = []
    if f.evidence.gloss:
        rows.append(("gloss", e(f.evidence.gloss)))
    rows.append(("language", e(f.evidence.language)))
    rows.append(("confidence", f"{f.confidence:.2f}"))
    if f.basis is not None:
        rows.append(("basis", e(f.basis.value)))
    if loc.page is not None:
        rows.append(("page", e(loc.page)))
    if loc.offset is not None:
        rows.append(("offset", f"{e(loc.offset)} (byte offset in the innermost file)"))
    if loc.member:
        rows.append(("member", f'<span class="mono">{e(loc.member)}</span>'))
    if f.signals:
        sig = "".join(
            f"<li><code>{e(s.name)}</code> {s.weight:+.2f}"
            + (f" — {e(s.detail)}" if s.detail else "")
            + "</li>"
            for s in f.signals
        )
        rows.append(("signals", f"<ul>{sig}</ul>"))
    if f.refs:
        refs = "".join(
            "<li>"
            + (
                f'<a href="{e(r.url)}" rel="noreferrer noopener">{e(r.title)}</a>'
                if r.url.startswith(("https://", "http://"))
                else e(r.title)
            )
            + "</li>"
            for r in f.refs
        )
        rows.append(("legal references", f"<ul>{refs}</ul>"))
    if f.suppression is not None:
        rows.append(
            (
                "suppressed",
                f"{e(f.suppression.reason)} <span class='tag'>({e(f.suppression.source)})</span>",
            )
        )
    if f.history is not None:
        h = f.history
        rows.append(
            (
                "history",
                f"{e(h.status.value)}"
                + (f" to <code>{e(h.renamed_to)}</code>" if h.renamed_to else "")
                + f"; first <code>{e(h.first_commit.sha[:12])}</code> {e(h.first_commit.date)} "
                f"{e(h.first_commit.author)}; last <code>{e(h.last_commit.sha[:12])}</code> "
                f"{e(h.last_commit.date)} {e(h.last_commit.author)}",
            )
        )
    rows.append(("fingerprint", f'<span class="mono">{e(f.fingerprint)}</span>'))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return f"<details><summary>details</summary><dl>{dl}</dl></details>"


def _table(f: Finding) -> str:
    """For a finding that stands for a code table's rows: where they run and their terms
    (the search box finds the finding by any of them)."""
    extent = table_extent(f)
    return f'<div class="tag">{e(extent)}</div>' if extent else ""


def _row(i: int, f: Finding) -> str:
    status = "suppressed" if f.suppression is not None else "open"
    cap = f.capability.value + (f" ({f.basis.value})" if f.basis else "")
    gloss = f' <span class="tag">{e(f.evidence.gloss)}</span>' if f.evidence.gloss else ""
    badge = '<span class="badge">suppressed</span>' if f.suppression is not None else ""
    if f.history is not None:
        badge += f'<span class="badge">{e(f.history.status.value)}</span>'
    return (
        f'<tr class="finding{" supp" if status == "suppressed" else ""}" id="f{i}" '
        f'data-trait="{f.trait.value}" data-capability="{f.capability.value}" '
        f'data-severity="{f.severity.value}" data-status="{status}">'
        f'<td>{i}</td><td><span class="sev sev-{f.severity.value}">{f.severity.value}</span>'
        f"{badge}</td>"
        f"<td>{f.trait.value}</td><td>{e(cap)}</td><td>{_place(f)}</td>"
        f'<td><code>{e(f.evidence.term)}</code>{gloss}<code class="snippet">'
        f"{highlight(f.evidence.snippet, f.evidence.term)}</code>{_table(f)}{_details(f)}</td>"
        f"<td>{f.confidence:.2f}</td></tr>"
    )


def _timeline(result: ScanResult) -> str:
    """For a history scan: when each rule was in each file, as bars on one time axis
    (inline SVG, no script), with the commits and the status."""
    rows = timeline(result)
    if not rows:
        return ""
    times = [when_of(c).timestamp() for r in rows for c in (r.first, r.last)]
    lo, hi = min(times), max(times)
    span = (hi - lo) or 1.0
    width = 320

    def x(c: Commit) -> float:
        return 4 + (when_of(c).timestamp() - lo) / span * (width - 8)

    body = []
    for r in rows:
        x0, x1 = x(r.first), x(r.last)
        bar = (
            f'<svg class="bar" width="{width}" height="14" role="img" '
            f'aria-label="{e(r.first.date)} to {e(r.last.date)}">'
            f'<line x1="4" y1="7" x2="{width - 4}" y2="7" stroke="#ccc"/>'
            f'<rect x="{x0:.1f}" y="2" width="{max(x1 - x0, 3):.1f}" height="10" '
            f'fill="{"#b03030" if r.status.value == "present" else "#666"}"/></svg>'
        )
        renamed = f" → {e(', '.join(r.renamed_to))}" if r.renamed_to else ""
        body.append(
            f"<tr><td class='mono'>{e(r.path)}</td><td class='mono'>{e(r.rule)}</td>"
            f"<td>{e(r.status.value)}{renamed}</td>"
            f"<td class='mono'>{e(r.first.date[:10])} {e(r.first.sha[:10])}</td>"
            f"<td class='mono'>{e(r.last.date[:10])} {e(r.last.sha[:10])}</td>"
            f"<td>{bar}</td></tr>"
        )
    return f"""<section id="timeline">
<h2>Timeline ({len(rows)})</h2>
<p class="tag">When each rule was in each file of the repository's history; a removed or
renamed capability is evidence, not a fix.</p>
<table><thead><tr><th>path</th><th>rule</th><th>status</th><th>first</th><th>last</th>
<th>{e(datetime.fromtimestamp(lo, timezone.utc).date())} &ndash;
{e(datetime.fromtimestamp(hi, timezone.utc).date())}</th></tr></thead>
<tbody>{"".join(body)}</tbody></table>
</section>
"""


def render(result: ScanResult) -> str:
    sev_counts = Counter(f.severity for f in result.findings)
    n_supp = sum(1 for f in result.findings if f.suppression is not None)
    disabled = (
        "; rules turned off: " + ", ".join(e(r) for r in result.disabled_rules)
        if result.disabled_rules
        else ""
    )
    st = result.stats
    targets = "".join(
        f"<tr><td class='mono'>{e(t.target)}</td><td>{e(t.kind.value)}</td>"
        f"<td class='mono'>{e(t.artefact)}</td><td class='mono'>{e(t.sha256)}</td>"
        f"<td>{_size(t.size)}</td></tr>"
        for t in result.targets
    )
    counts = "".join(
        f'<span><span class="sev sev-{s.value}">{s.value}</span> {sev_counts.get(s, 0)}</span>'
        for s in Severity
    )
    rows = "".join(_row(i, f) for i, f in enumerate(result.findings, start=1))
    if not rows:
        rows = '<tr><td colspan="7">No findings.</td></tr>'
    skipped = "".join(
        f"<tr><td class='mono'>{e(s.target)}</td><td class='mono'>{e(s.path)}</td>"
        f"<td>{e(s.reason.value)}</td><td>{e(s.detail)}</td></tr>"
        for s in result.skipped
    )
    warnings = "".join(
        f"<tr><td class='mono'>{e(n.path)}:{e(n.line)}</td><td>{e(n.message)}</td></tr>"
        for n in result.warnings
    )
    traits = [t.value for t in Trait]
    caps = [c.value for c in Capability]
    sevs = [s.value for s in Severity]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="ethicscan {e(result.tool_version)}">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>ethicscan evidence report</title>
<style>{CSS}</style>
</head>
<body>
<h1>ethicscan evidence report</h1>
<section id="scanned">
<h2>What was scanned</h2>
<dl>
<dt>tool</dt><dd>ethicscan {e(result.tool_version)}</dd>
<dt>rule catalogue</dt><dd>{e(result.catalogue_version)}{disabled}</dd>
<dt>scan started</dt><dd>{e(result.started or "not recorded")}</dd>
<dt>texts classified</dt><dd>{st.files:,} (files, archive members, pages)</dd>
<dt>size of the files given</dt><dd>{st.bytes:,} bytes (an archive at its size on disk), \
read in {st.seconds:.2f} s</dd>
<dt>findings</dt><dd>{len(result.findings)} ({n_supp} suppressed)</dd>
<dt>not scanned</dt><dd>{len(result.skipped)} (listed at the end)</dd>
{"".join(f"<dt>not reported</dt><dd>{e(line)}</dd>" for line in result.not_reported())}</dl>
<table id="targets"><thead><tr><th>target</th><th>kind</th><th>artefact</th><th>sha256</th>
<th>size</th></tr></thead><tbody>{targets}</tbody></table>
</section>
<section id="summary">
<h2>Summary</h2>
<p class="counts">{counts}</p>
<figure>{chart(result.findings)}<figcaption class="tag">Findings by trait, coloured by
capability (how the software uses the trait).</figcaption></figure>
</section>
<section id="findings">
<h2>Findings</h2>
<div class="filters">{_options("trait", traits)}{_options("capability", caps)}
{_options("severity", sevs)}{_options("status", ["open", "suppressed"])}
<label for="q">search</label><input id="q" type="search" placeholder="path, term, gloss, signal">
<span id="shown">{len(result.findings)} findings</span></div>
<table id="findings-table"><thead><tr><th>#</th><th>severity</th><th>trait</th>
<th>capability</th><th>place</th><th>evidence</th><th>conf.</th></tr></thead>
<tbody>{rows}</tbody></table>
</section>
{_timeline(result)}<section id="warnings">
<h2>Warnings ({len(result.warnings)})</h2>
<table><thead><tr><th>place</th><th>warning</th></tr></thead><tbody>{warnings}</tbody></table>
</section>
<section id="skipped">
<h2>Not scanned ({len(result.skipped)})</h2>
<table><thead><tr><th>target</th><th>path</th><th>reason</th><th>detail</th></tr></thead>
<tbody>{skipped}</tbody></table>
</section>
<footer>Generated by ethicscan {e(result.tool_version)} from the scan result alone; findings
are evidence for review, not legal conclusions. This file makes no network requests.</footer>
<script>{JS}</script>
</body>
</html>
"""
