"""Thin command line: parse, call the library, pick a reporter, map to an exit status.

Exit status: 0 nothing at or above --fail-on (or a baseline written), 1 findings at or
above it, 2 usage or configuration error or a target that could not be read or fetched
(unless --keep-going), 3 internal error, 130 interrupted.
"""

from __future__ import annotations

import enum
import json
import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import click

from ethicscan import __version__, config, diff
from ethicscan import baseline as baseline_mod
from ethicscan import spool as spool_mod
from ethicscan.api import ScanOptions, check_disabled, scan
from ethicscan.atomic import write_atomic
from ethicscan.corpus import read_targets, scan_corpus
from ethicscan.engine import ENGINES
from ethicscan.errors import ConfigError, EthicscanError, TargetError
from ethicscan.extract.units import MAX_DEPTH
from ethicscan.model import ScanResult, Severity, SkipReason
from ethicscan.report import OutputFormat, reporter_parts
from ethicscan.report import json as json_report
from ethicscan.report.redact import redact as redact_result
from ethicscan.report.safe import safe_text
from ethicscan.rules import reference
from ethicscan.rules.catalogue import load_catalogue, load_default_catalogue

if TYPE_CHECKING:  # (rich is imported when something is shown: see _StdErr)
    from rich.console import Console
    from rich.progress import Progress


class ExitStatus(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    INTERNAL = 3
    INTERRUPTED = 130


class _ByteSize(click.ParamType):  # type: ignore[type-arg]
    """A size in bytes: ``1000``, ``64K``, ``64M``, ``4G`` (powers of 1024)."""

    name = "bytes"
    _UNITS: ClassVar[dict[str, int]] = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().lower().removesuffix("b").removesuffix("i")
        unit = text[-1:] if text[-1:] in self._UNITS else ""
        try:
            n = float(text[: len(text) - len(unit)])
        except ValueError:
            self.fail(f"{value!r} is not a size (e.g. 1000, 64K, 64M, 4G)", param, ctx)
        if n <= 0:
            self.fail(f"{value!r} must be positive", param, ctx)
        return int(n * self._UNITS[unit])


BYTES = _ByteSize()


def check_writable(path: str, option: str) -> None:
    """Fail before any work when ``path`` cannot be written as :func:`write_atomic`
    writes it (a temporary file beside it, then renamed over it)."""
    if os.path.isdir(path):
        raise ConfigError(f"{option} {path}: is a folder, not a file")
    folder = os.path.dirname(path) or "."
    if not os.path.exists(folder):
        raise ConfigError(f"{option} {path}: folder {folder} does not exist")
    if not os.path.isdir(folder):
        raise ConfigError(f"{option} {path}: {folder} is not a folder")
    try:
        fd, probe = tempfile.mkstemp(prefix=".ethicscan-", dir=folder)
    except OSError as exc:
        raise ConfigError(
            f"{option} {path}: cannot write in folder {folder}: {exc.strerror or exc}"
        ) from None
    os.close(fd)
    os.unlink(probe)


COLOR_CHOICES = ("auto", "always", "never")


def use_color(choice: str | None, is_tty: bool, environ: Mapping[str, str]) -> bool:
    """Whether to colour a stream: ``--color always|never`` wins; then ``NO_COLOR`` (any
    non-empty value: no colour, https://no-color.org), then ``FORCE_COLOR`` (any non-empty
    value but ``0``: colour, also when piped); else colour on a terminal only."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if environ.get("NO_COLOR", ""):
        return False
    if environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return is_tty


def table_width(is_tty: bool, environ: Mapping[str, str]) -> int:
    """The table's width: the terminal's (rich reads ``COLUMNS`` there too); when piped,
    ``COLUMNS`` if it is a positive number, else 160."""
    if is_tty:
        from rich.console import Console

        return Console().width
    try:
        columns = int(environ.get("COLUMNS", ""))
    except ValueError:
        return 160
    return columns if columns > 0 else 160


class _StdErr:
    """The stderr Console, made when it is first written to: a quiet scan that shows
    no bar imports no rich (its console alone: some 16 ms of a command's start)."""

    def __init__(self, color: bool) -> None:
        self.color = color

    @cached_property
    def console(self) -> Console:
        from rich.console import Console

        return Console(
            stderr=True,
            highlight=False,
            no_color=not self.color,
            force_terminal=True if self.color else None,
        )

    def show(self, text: str) -> None:
        """``text`` and a line break on stderr, as the console prints it (no markup, no
        highlighting, soft-wrapped).  While no console has been made, a line of printable
        ASCII that holds no emoji code (``:smile:``, which the console replaces) is
        written as it is: the console prints such a line unchanged, coloured or not, and
        a scan's summary would otherwise import rich and make the console for it (some
        25 ms of the command).  Where the console would do more than write it (no stderr,
        a notebook, Windows, a broken pipe), the console prints it."""
        stream = sys.stderr
        if (
            "console" not in self.__dict__
            and stream is not None  # (none: the console writes nowhere)
            and "IPython" not in sys.modules  # (a notebook's console displays its output)
            and sys.platform != "win32"  # (a legacy console's own rendering)
            and plain_line(text)
        ):
            try:
                stream.write(text + "\n")
                stream.flush()
                return
            except BrokenPipeError:
                pass  # the console does what it does on a broken pipe (exit status 1)
        self.console.print(text, markup=False, highlight=False, soft_wrap=True)


# Two colons with no blank between: where the console may put an emoji (``:smile:``)
_EMOJI_CODE = re.compile(r":\S*:")


def plain_line(text: str) -> bool:
    """Is ``text`` one line of printable ASCII that holds no emoji code, which rich's
    console prints as it is (``_StdErr.show``)?"""
    return text.isascii() and text.isprintable() and _EMOJI_CODE.search(text) is None


class _Say:
    """What goes to stderr besides errors: the summary and notes (not with ``-q``), and
    with ``-v`` what was read, what was skipped and why, and how long each step took."""

    def __init__(self, err: _StdErr, quiet: bool, verbose: bool) -> None:
        self.err = err
        self.quiet = quiet
        self.verbose = verbose
        self.started = time.perf_counter()

    def __call__(self, text: str) -> None:
        if not self.quiet:
            self.err.show(text)

    def detail(self, text: str) -> None:
        if self.verbose:
            self.err.show(text)

    def timing(self, step: str, since: float) -> float:
        now = time.perf_counter()
        self.detail(f"time: {step} {now - since:.2f}s")
        return now


def _describe_read(say: _Say, result: ScanResult) -> None:
    """``-v``: each target as read, then every file not scanned with its reason."""
    for t in result.targets:
        extra = ""
        if t.artefact:
            extra += f", artefact {t.artefact}"
        if t.size is not None:
            extra += f", {t.size} bytes"
        if t.sha256:
            extra += f", sha256 {t.sha256[:16]}"
        say.detail(f"read: {safe_text(t.target)} ({t.kind.value}{safe_text(extra)})")
    st = result.stats
    say.detail(
        f"read: {plural(st.files, 'text')} classified, from {plural(st.bytes, 'byte')} of files "
        "(an archive counts its size on disk, not what it expands to)"
    )
    for s in result.skipped:
        detail = f" ({safe_text(s.detail)})" if s.detail else ""
        say.detail(f"skipped: {safe_text(s.path)}: {s.reason.value}{detail}")


class _LateProgress:
    """A progress bar on stderr that appears only when a scan runs longer than a
    second and stderr is a terminal; updated at most 20 times a second (a scan reports
    tens of thousands of outcomes, and each update of the bar takes locks)."""

    def __init__(self, console: Console | _StdErr, enabled: bool, unit: str = "files") -> None:
        self.console = console
        self.enabled = enabled
        self.unit = unit
        self.started = time.monotonic()
        self.progress: Progress | None = None
        self.task: Any = None
        self.shown = 0.0  # when the bar was last updated

    def __call__(self, done: int, total: int, nbytes: int, findings: int = 0) -> None:
        if not self.enabled:
            return
        if self.progress is None:
            if time.monotonic() - self.started < 1.0:
                return
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            console = self.console
            self.progress = Progress(
                TextColumn("scanning"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn(
                    "{task.completed}/{task.total} " + self.unit + ", {task.fields[size]}, "
                    "{task.fields[findings]} findings, {task.fields[rate]:.1f} MB/s"
                ),
                TimeElapsedColumn(),
                console=console.console if isinstance(console, _StdErr) else console,
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task(
                "scan", total=total, size=size_text(0), findings=0, rate=0.0
            )
        now = time.monotonic()
        if now - self.shown < 0.05 and done < total:
            return
        self.shown = now
        rate = nbytes / 1e6 / max(now - self.started, 1e-3)
        # The total is what the walk has found so far: it grows until the walk ends.
        self.progress.update(
            self.task,
            completed=done,
            total=total,
            size=size_text(nbytes),
            findings=findings,
            rate=rate,
        )

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def plural(n: int, word: str, many: str = "") -> str:
    """``1 finding``, ``2 findings``, ``0 findings``."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def size_text(nbytes: int) -> str:
    """A size as people read it: ``512 bytes``, ``9.2 KB``, ``3.4 MB``, ``1.2 GB``
    (powers of 1000, as the progress bar's MB)."""
    if nbytes < 1000:
        return plural(nbytes, "byte")
    for unit, scale in (("KB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        if nbytes < scale * 999.95 or unit == "GB":
            return f"{nbytes / scale:.1f} {unit}"
    raise AssertionError  # pragma: no cover - the loop returns


def ignored_note(result: ScanResult) -> str:
    """How many paths were left out because the git repository ignores them, and how
    to scan them; "" when none were."""
    ignored = [s for s in result.skipped if s.reason is SkipReason.IGNORED_BY_GIT]
    if not ignored:
        return ""
    folders = sum(1 for s in ignored if s.path.endswith("/"))
    kinds = ", ".join(
        part
        for part in (
            plural(folders, "folder") if folders else "",
            plural(len(ignored) - folders, "file") if len(ignored) > folders else "",
        )
        if part
    )
    return (
        f"{len(ignored)} of them ignored by git ({kinds}; listed as ignored_by_git, "
        "--no-ignore scans them)"
    )


def _summary(result: ScanResult) -> str:
    counts = {s: 0 for s in Severity}
    for f in result.findings:
        counts[f.severity] += 1
    parts = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    n_supp = sum(1 for f in result.findings if f.suppression is not None)
    st = result.stats
    ignored = ignored_note(result)
    return (
        f"ethicscan {result.tool_version}: {plural(st.files, 'text')} read from "
        f"{size_text(st.bytes)} of files in {st.seconds:.2f}s; "
        f"{plural(len(result.findings), 'finding')}"
        + (f" ({parts})" if parts else "")
        + (f", {n_supp} suppressed" if n_supp else "")
        + f"; {len(result.skipped)} skipped"
        + (f", {ignored}" if ignored else "")
        + "."
        + (
            f" Rules turned off: {safe_text(', '.join(result.disabled_rules))}."
            if result.disabled_rules
            else ""
        )
        + (
            f" Findings below confidence {result.min_confidence:g} not reported."
            if result.min_confidence > 0
            else ""
        )
        + (f" Configuration: {safe_text(result.config_file)}." if result.config_file else "")
    )


def _settings(cli_values: config.Settings, path: str | Path | None) -> config.Settings:
    """Merge the config file ``path`` (given, or found; None: none) under the options
    the user typed; the rules to disable are checked against the catalogue here, so an
    unknown id in either stops the scan before it starts, naming where it was set."""
    cfg = config.load(path) if path else None
    ctx = click.get_current_context()
    names = {
        "exclude",
        "fail_on",
        "min_confidence",
        "rule_dirs",
        "baseline",
        "gitignore",
        "disable",
    }
    given = frozenset(
        n for n in names if ctx.get_parameter_source(n) is not click.core.ParameterSource.DEFAULT
    )
    if ctx.get_parameter_source("no_ignore") is not click.core.ParameterSource.DEFAULT:
        given |= {"gitignore"}
    settings = config.effective(cli_values, given, cfg)
    if settings.disable:
        where = (
            "--disable"
            if "disable" in given or cfg is None
            else f"config {cfg.source}: key 'disable'"
        )
        check_disabled(settings.disable, load_catalogue(settings.rule_dirs), where)
    return settings


def _config_dropping(config_file: str | None) -> str:
    """The configuration file in force when it set min-confidence or disable (and the
    command line did not): it drops findings, so every report names it."""
    path = config_file or config.discover(Path.cwd())
    if not path:
        return ""
    cfg = config.load(path)
    ctx = click.get_current_context()
    typed = click.core.ParameterSource.COMMANDLINE
    dropping = [
        k
        for k in ("min_confidence", "disable")
        if cfg.values.get(k) and ctx.get_parameter_source(k) is not typed
    ]
    return cfg.source if dropping else ""


def _shown(path: str | Path) -> str:
    """A path as the user can open it: relative to the current folder when under it."""
    text = str(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:  # another drive (Windows)
        return text
    return text if rel.startswith("..") else rel


def _version_text() -> str:
    cat = load_default_catalogue()
    return f"ethicscan {__version__} (catalogue {cat.version}, {len(cat.rules)} rules)"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_text())
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and the rule catalogue's version, and exit.",
)
def cli() -> None:
    """Find where software sorts people by race, skin colour, ethnicity, religion and
    other protected traits, with evidence."""


@cli.command("scan")
@click.argument("targets", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in OutputFormat]),
    default="table",
    show_default=True,
    help="Output format: table, json (schema: `ethicscan schema`), jsonl (a finding a line, "
    "then a summary line), csv (a row per finding, then skipped files and warnings), sarif, "
    "html, github (annotations).",
)
@click.option("--output", "-o", type=click.Path(), metavar="FILE", help="Write the report to FILE.")
@click.option(
    "--redact",
    is_flag=True,
    help="Mask each snippet but its matched term (every other character that is not white "
    "space becomes *), in every format; fingerprints do not change.",
)
@click.option(
    "--color",
    "color_choice",
    type=click.Choice(COLOR_CHOICES),
    default=None,
    help="Colour the table and stderr: auto (on a terminal; NO_COLOR turns it off, "
    "FORCE_COLOR on), always, never. Default: auto.",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Print the report only: no summary, progress or notes on stderr (errors still are).",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Also say on stderr what was read, what was skipped and why, and how long each step took.",
)
@click.option(
    "--fail-on",
    type=click.Choice(config.FAIL_ON),
    default="high",
    show_default=True,
    help="Exit 1 when a finding is at or above this severity.",
)
@click.option(
    "--keep-going",
    is_flag=True,
    help="Exit on the findings alone when a target cannot be read or fetched "
    "(default: exit 2 once the others are scanned and reported).",
)
@click.option(
    "--min-confidence",
    type=float,
    default=0.0,
    show_default=True,
    help="Drop findings below this confidence (0..1).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip paths matching GLOB (gitignore syntax); repeatable.",
)
@click.option(
    "--no-ignore",
    is_flag=True,
    help="Also scan what a git repository ignores (.gitignore, .git/info/exclude, virtual "
    "environments, node_modules), which is left out inside a git work tree by default.",
)
@click.option(
    "--gitignore",
    is_flag=True,
    help="Honour .gitignore files also outside a git work tree.",
)
@click.option(
    "--rules",
    "rule_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="A folder of extra rule files (*.yml); repeatable.",
)
@click.option(
    "--disable",
    multiple=True,
    metavar="RULE",
    help="Turn off the rule with this id (`ethicscan rules` lists them); repeatable.",
)
@click.option(
    "--jobs",
    "-j",
    type=int,
    default=0,
    show_default=True,
    help="Worker processes (0 = one per core).",
)
@click.option(
    "--max-file-size",
    type=BYTES,
    default="64M",
    show_default=True,
    help="Read larger texts in pieces, skip larger binaries and documents (K, M, G).",
)
@click.option(
    "--max-depth",
    type=click.IntRange(min=1, max=MAX_DEPTH),
    default=12,
    show_default=True,
    help="Deepest nesting of archives inside archives that is opened.",
)
@click.option(
    "--max-expanded",
    type=BYTES,
    default="4G",
    show_default=True,
    help="Most bytes expanded from one file given to the scan (archives).",
)
@click.option(
    "--max-ratio",
    type=click.FloatRange(min=1.0),
    default=200.0,
    show_default=True,
    help="Refuse archive entries that expand more than this many times (bombs).",
)
@click.option(
    "--max-archive-entries",
    "max_entries",
    type=click.IntRange(min=1),
    default=200_000,
    show_default=True,
    help="Most archive entries under one file given to the scan.",
)
@click.option(
    "--trust-inline-suppressions",
    is_flag=True,
    help="Let inline ethicscan: ignore[...] comments in archive members, packages and "
    "compiled files suppress findings (by default only the tree's own files may).",
)
@click.option(
    "--refresh",
    is_flag=True,
    help="Fetch pinned package targets (pypi:, npm:, deb:) again instead of reusing the cache.",
)
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default="local",
    show_default=True,
    help="Where the work runs: this machine, or a dask.distributed cluster.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default="",
    help="The dask scheduler (tcp://HOST:PORT, or tls://HOST:PORT with --tls-*); without it "
    "--engine dask starts a local cluster only this scan can reach.",
)
@click.option(
    "--tls-ca-file",
    type=click.Path(dir_okay=False),
    default="",
    help="With --scheduler tls://...: the certificate authority (PEM) of the cluster.",
)
@click.option(
    "--tls-cert",
    type=click.Path(dir_okay=False),
    default="",
    help="With --scheduler tls://...: this client's certificate (PEM).",
)
@click.option(
    "--tls-key",
    type=click.Path(dir_okay=False),
    default="",
    help="With --scheduler tls://...: this client's private key (PEM), unless in --tls-cert.",
)
@click.option(
    "--targets-from",
    type=click.Path(dir_okay=False),
    help="Read targets from FILE (- for standard input), one a line (# comments); each is "
    "scanned as one unit.",
)
@click.option(
    "--results",
    "results_dir",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Keep each finished target's result in DIR; a re-run resumes from it.",
)
@click.option(
    "--history",
    is_flag=True,
    help="Treat each target as a git repository (a folder, or a git+https:// / git+file:// "
    "URL to clone) and scan every version of every file its history holds.",
)
@click.option("--since", metavar="DATE", help="With --history: commits from DATE (ISO 8601).")
@click.option("--until", metavar="DATE", help="With --history: commits up to DATE (ISO 8601).")
@click.option(
    "--branch",
    "branches",
    multiple=True,
    metavar="NAME",
    help="With --history: only these branches (default: every ref); repeatable.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Read settings from FILE (default: .ethicscan.toml or [tool.ethicscan] in "
    "pyproject.toml, in the targets' folder or the nearest above it, up to the git "
    "repository's root).",
)
@click.option(
    "--isolated",
    is_flag=True,
    help="Read no config file (for a tree you do not trust: its own config would apply).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="Report only findings that are not in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(),
    metavar="FILE",
    help="Record the current findings (not suppressed) as a baseline file; exit 0 once written.",
)
@click.option("--traceback", "show_traceback", is_flag=True, help="Show the stack on errors.")
def scan_cmd(
    targets: tuple[str, ...],
    fmt: str,
    output: str | None,
    redact: bool,
    color_choice: str | None,
    quiet: bool,
    verbose: bool,
    fail_on: str,
    keep_going: bool,
    min_confidence: float,
    exclude: tuple[str, ...],
    no_ignore: bool,
    gitignore: bool,
    rule_dirs: tuple[str, ...],
    disable: tuple[str, ...],
    jobs: int,
    max_file_size: int,
    max_depth: int,
    max_expanded: int,
    max_ratio: float,
    max_entries: int,
    trust_inline_suppressions: bool,
    refresh: bool,
    engine: str,
    scheduler: str,
    tls_ca_file: str,
    tls_cert: str,
    tls_key: str,
    targets_from: str | None,
    results_dir: str | None,
    history: bool,
    since: str | None,
    until: str | None,
    branches: tuple[str, ...],
    config_file: str | None,
    isolated: bool,
    baseline: str | None,
    write_baseline: str | None,
    show_traceback: bool,
) -> None:
    """Scan files, folders and packages and report protected-trait profiling.

    A target - reads standard input (text, or an archive recognised by its content); a
    named pipe or /dev/stdin named as a target is read the same way.

    A target is a file, a folder, or a package fetched with its own client into
    $ETHICSCAN_CACHE/packages (default ~/.cache/ethicscan/packages):
    pypi:NAME[==VERSION] (a wheel), npm:[@SCOPE/]NAME[@VERSION], deb:NAME[=VERSION]."""
    if quiet and verbose:
        raise click.UsageError("-q/--quiet and -v/--verbose cannot go together")
    env = os.environ
    err_color = use_color(color_choice, sys.stderr.isatty(), env)
    err = _StdErr(err_color)
    say = _Say(err, quiet, verbose)
    if targets_from:
        stdin_list = targets_from == spool_mod.STDIN
        more = spool_mod.read_targets_stdin() if stdin_list else read_targets(targets_from)
        if stdin_list and spool_mod.STDIN in (*targets, *more):
            raise click.UsageError(
                "standard input is read once: --targets-from - and the target - cannot go together"
            )
        targets = (*targets, *more)
    if not targets:
        raise click.UsageError("give at least one target, or --targets-from FILE")
    # Each target one unit of work: for --targets-from/--results, and to let cluster
    # workers obtain targets that are not local paths (pypi:NAME ...) themselves.
    per_target = bool(targets_from or results_dir) or (
        engine != "local" and not all(os.path.exists(t) for t in targets)
    )
    progress = _LateProgress(
        err, sys.stderr.isatty() and not quiet, "targets" if per_target else "files"
    )
    if no_ignore and gitignore:
        raise click.UsageError("--no-ignore and --gitignore cannot go together")
    if isolated and config_file:
        raise click.UsageError("--isolated and --config cannot go together")
    config_path: str | Path | None = config_file
    if not config_file and not isolated:
        config_path = config.find(config.start_folder(targets, Path.cwd()))
    settings = _settings(
        config.Settings(
            exclude,
            fail_on,
            min_confidence,
            rule_dirs,
            baseline,
            True if gitignore else False if no_ignore else None,
            disable,
        ),
        config_path,
    )
    if config_path is not None and not config_file:
        say(f"config: {safe_text(_shown(config_path))} (--isolated reads none)")
    fail_on, rule_dirs = settings.fail_on, settings.rule_dirs
    if output:
        check_writable(output, "--output")
    if write_baseline:
        check_writable(write_baseline, "--write-baseline")
    known = (
        baseline_mod.load(settings.baseline) if settings.baseline and not write_baseline else None
    )
    opts = ScanOptions(
        jobs=jobs,
        min_confidence=settings.min_confidence,
        excludes=settings.exclude
        + baseline_mod.exclude_patterns(
            [b for b in (settings.baseline, write_baseline) if b], targets
        ),
        rule_dirs=rule_dirs,
        disabled_rules=tuple(dict.fromkeys(settings.disable)),
        use_gitignore=settings.gitignore,
        max_file_size=max_file_size,
        max_depth=max_depth,
        max_expanded=max_expanded,
        max_ratio=max_ratio,
        max_entries=max_entries,
        trust_inline_suppressions=trust_inline_suppressions,
        refresh=refresh,
        progress=progress,
        on_fetch=lambda line: say(line + " ..."),
        on_note=say,
        engine=engine,
        scheduler=scheduler,
        tls_ca_file=tls_ca_file,
        tls_cert=tls_cert,
        tls_key=tls_key,
        history=history,
        since=since,
        until=until,
        branches=branches,
    )
    if verbose:
        if not config_path:
            say.detail("config: " + ("none read (--isolated)" if isolated else "none found"))
        elif config_file:
            say.detail(f"config: {safe_text(config_file)}")
        if known is not None:
            say.detail(
                f"baseline: {safe_text(str(settings.baseline))}, {len(known.entries)} entries"
            )
    step = say.timing("settings", say.started)
    if history and spool_mod.STDIN in targets:
        raise click.UsageError("--history reads repositories, not standard input (-)")
    if spool_mod.STDIN in targets and sys.stdin.isatty():
        say("reading standard input (end it with Ctrl-D) ...")
    scan_targets, streams = (
        (list(targets), spool_mod.Spool()) if history else spool_mod.spool(targets, max_expanded)
    )
    for name, size in streams.sizes.items():
        say.detail(f"read: {safe_text(name)}: {size} bytes from the stream, copied to scan")
    corpus = None
    with streams:
        try:
            if per_target:
                corpus = scan_corpus(scan_targets, opts, results_dir)
                result = corpus.result
            else:
                result = scan(scan_targets, opts)
        finally:
            progress.stop()
    result = replace(spool_mod.rename(result, streams), config_file=_config_dropping(config_file))
    for name in streams.no_writer:
        say(
            f"warning: {safe_text(name)}: no writer connected to the named pipe within "
            f"{streams.wait:g} s; listed as skipped"
        )
    step = say.timing("scan", step)
    _describe_read(say, result)
    for s in result.skipped:
        if s.reason.value in ("not_found", "unreadable", "fetch_failed"):
            say(f"warning: {safe_text(s.path)}: {s.reason.value} ({safe_text(s.detail)})")
    unread = result.unread_targets()
    if len(unread) == len(result.targets):
        raise TargetError("no target could be read: " + ", ".join(targets))
    if write_baseline:
        write_atomic(write_baseline, baseline_mod.dumps(baseline_mod.from_result(result)))
        say(f"baseline written: {safe_text(write_baseline)}")
    n_before = len(result.findings)
    if known is not None:
        result = baseline_mod.without_known(result, known)
    if redact:  # once, after the baseline (whose fingerprints read the snippet)
        result = redact_result(result)
    to_stdout = output is None
    out_tty = to_stdout and sys.stdout.isatty()
    color = to_stdout and fmt == "table" and use_color(color_choice, out_tty, env)
    width = table_width(out_tty, env)
    catalogue = load_catalogue(rule_dirs)
    # in parts: a large report is encoded and written a few findings at a time
    parts = reporter_parts(OutputFormat(fmt), color=color, width=width, catalogue=catalogue)(result)
    if output:
        write_atomic(output, parts)
    else:
        text = "".join(parts)
        click.echo(text, nl=False, color=color)  # click strips colour when piped, unless told
    step = say.timing("report", step)
    if corpus is not None and results_dir:
        say(
            f"results in {safe_text(results_dir)}: {corpus.resumed} targets resumed, "
            f"{corpus.scanned} scanned."
        )
    for n in result.warnings:
        say(f"warning: {safe_text(n.path)}:{n.line}: {safe_text(n.message)}")
    summary = _summary(result)
    if known is not None:
        summary += f" {n_before - len(result.findings)} known from the baseline, not shown."
    say.timing("total", say.started)
    say(summary)
    if unread and not keep_going:
        raise TargetError(
            f"{len(unread)} of {len(result.targets)} targets could not be read or fetched: "
            + ", ".join(t.target for t in unread[:5])
            + (f" and {len(unread) - 5} more" if len(unread) > 5 else "")
            + " (listed as skipped; --keep-going exits on the findings alone)"
        )
    if write_baseline:
        return  # a baseline written is the job done, whatever the findings
    if fail_on != "never" and result.failing(Severity(fail_on)):
        raise SystemExit(ExitStatus.FINDINGS)


@cli.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
)
@click.option("--output", "-o", type=click.Path(), metavar="FILE", help="Write the diff to FILE.")
def diff_cmd(old: str, new: str, fmt: str, output: str | None) -> None:
    """Compare two JSON scans: what appeared, disappeared, moved or was renamed.
    Exit status 1 when something appeared."""
    if output:
        check_writable(output, "--output")
    d = diff.compare(diff.load(old), diff.load(new), old, new)
    if fmt == "json":
        text = diff.render_json(d)
    elif fmt == "markdown":
        text = diff.render_markdown(d)
    else:
        text = diff.render_table(d)
    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    if d.appeared:
        raise SystemExit(ExitStatus.FINDINGS)


@cli.command("rules")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
)
@click.option(
    "--rules",
    "rule_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Include the rules in this folder; repeatable.",
)
def rules_cmd(fmt: str, rule_dirs: tuple[str, ...]) -> None:
    """List the rule catalogue."""
    cat = load_catalogue(rule_dirs)
    if fmt == "markdown":
        click.echo(reference.markdown(cat), nl=False)
        return
    if fmt == "json":
        doc = {
            "catalogue_version": cat.version,
            "rules": [
                {
                    "id": r.id,
                    "trait": r.trait.value,
                    "name": r.name,
                    "summary": r.summary,
                    "rationale": r.rationale,
                    "refs": [x.id for x in r.refs],
                    "terms": [
                        {"text": t.text, "kind": t.kind.value, "lang": t.lang, "gloss": t.gloss}
                        for t in r.terms
                    ],
                }
                for r in cat.rules
            ],
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"ethicscan rule catalogue {cat.version}", title_justify="left")
    for col in ("id", "trait", "terms", "summary"):
        table.add_column(col, overflow="fold")
    for r in cat.rules:
        table.add_row(r.id, r.trait.value, str(len(r.terms)), r.summary)
    Console(width=160 if not sys.stdout.isatty() else None).print(table)


@cli.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema (draft 2020-12) of the JSON report (--format json); its
    $defs/finding and $defs/jsonlSummary describe the lines of --format jsonl."""
    click.echo(json_report.schema_text(), nl=False)


def _message(exc: BaseException) -> str:
    """An error's text for the terminal: what a rule file, a config or a scanned name put
    in it (an escape sequence) is shown escaped, its line breaks kept."""
    return "\n".join(safe_text(line) for line in str(exc).split("\n"))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status instead of exiting."""
    args = list(sys.argv[1:] if argv is None else argv)
    show_tb = "--traceback" in args
    try:
        cli.main(args=args, prog_name="ethicscan", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    except click.exceptions.Abort:
        click.echo("ethicscan: interrupted", err=True)
        return ExitStatus.INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return ExitStatus.USAGE
    except KeyboardInterrupt:
        click.echo("ethicscan: interrupted", err=True)
        return ExitStatus.INTERRUPTED
    except EthicscanError as exc:
        if show_tb:
            traceback.print_exc()
        click.echo(f"ethicscan: error: {_message(exc)}", err=True)
        return ExitStatus.USAGE
    except Exception as exc:  # the one boundary where anything becomes a message
        if show_tb:
            traceback.print_exc()
        click.echo(
            f"ethicscan: internal error: {type(exc).__name__}: {_message(exc)} "
            "(run with --traceback and report it)",
            err=True,
        )
        return ExitStatus.INTERNAL
    return ExitStatus.OK
