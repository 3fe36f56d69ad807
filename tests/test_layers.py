"""The direction of imports between the parts of ethicscan, read from the source with
``ast`` (every import: at the top, inside functions, for types only).  A part may import
its own modules and the parts of lower layers, never a part of its own layer or above.
docs/architecture.md shows the same table."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

# Bottom first.  A part is a top-level module or package of ethicscan.
LAYERS: tuple[frozenset[str], ...] = (
    # the kinds that cross stages, path names, byte sniffing, patterns compiled when used
    frozenset({"kinds", "names", "sniff", "lazy_re"}),
    frozenset({"model", "errors", "interrupt"}),  # plain data, the error family, signals
    # git ids and commits; where a finding's file is; fingerprints; reading JSON back;
    # whole-or-nothing writes (a signal waits while their temporary file is made)
    frozenset({"commits", "locations", "fingerprint", "jsonread", "atomic"}),
    frozenset({"rules"}),  # catalogue, matcher, prefilter
    frozenset({"extract", "suppress"}),  # readers and decoders; inline suppressions
    frozenset({"classify"}),  # matches -> findings; history tracking
    # what reads targets into units; reporters; what the CLI reads and writes around a scan
    frozenset({"sources", "report", "baseline", "config", "diff", "spool"}),
    frozenset({"pipeline"}),  # one unit of bytes -> outcome
    frozenset({"engine"}),  # runs the pipeline over units, or a function over targets
    frozenset({"api"}),  # scan(): sources -> engine -> result
    frozenset({"corpus"}),  # many targets, resumable results
    frozenset({"cli", "ethicscan"}),  # the command line; the package's exports
    frozenset({"__main__"}),  # python -m ethicscan
)
LAYER = {part: i for i, parts in enumerate(LAYERS) for part in parts}

# Imports against the direction, each to be removed (not to be added to).
KNOWN: frozenset[tuple[str, str]] = frozenset()


def _module(path: Path, src: Path) -> str:
    parts = path.relative_to(src).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str) -> str:
    rest = module.split(".")
    return rest[1] if len(rest) > 1 else rest[0]


def imports(tree: ast.AST, here: str, modules: set[str]) -> set[str]:
    """The ethicscan modules ``tree`` (the module ``here``) imports."""
    out: set[str] = set()
    package = here if here in _packages(modules) else here.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "ethicscan")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            if base.split(".")[0] != "ethicscan":
                continue
            for alias in node.names:
                name = f"{base}.{alias.name}"
                if name in modules:  # ``from ethicscan.engine import local``: the module
                    out.add(name)
                elif not (base == "ethicscan" and alias.name == "__version__"):
                    # (the version is set before the package imports anything)
                    out.add(base)
    out.discard(here)
    return out


def _packages(modules: set[str]) -> set[str]:
    return {m.rpartition(".")[0] for m in modules if "." in m}


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    files = {_module(p, src): p for p in sorted((src / "ethicscan").rglob("*.py"))}
    modules = set(files)
    return {m: imports(ast.parse(p.read_text("utf-8")), m, modules) for m, p in files.items()}


def wrong_way(graph: dict[str, set[str]]) -> list[str]:
    """Each import of a part of the same layer or above, and each part not in a layer."""
    problems = []
    for module, targets in sorted(graph.items()):
        mine = _part(module)
        if mine not in LAYER:
            problems.append(f"{module}: its part {mine!r} is in no layer (tests/test_layers.py)")
            continue
        for target in sorted(targets):
            theirs = _part(target)
            if theirs == mine or (module, target) in KNOWN:
                continue
            if theirs not in LAYER or LAYER[theirs] >= LAYER[mine]:
                problems.append(f"{module} imports {target}")
    return problems


GRAPH = import_graph()


def test_imports_go_down_the_layers() -> None:
    assert wrong_way(GRAPH) == []


def test_the_check_sees_an_engine_that_imports_the_api() -> None:
    """What the layers forbid is found: the engine importing the library entry point
    (an import circle, api -> engine -> api), in any form."""
    forms = [
        "from ethicscan.api import scan",
        "import ethicscan.api",
        "def f():\n    from ethicscan.api import scan",
        "from ethicscan import api",
        "from ..api import scan",
    ]
    modules = set(GRAPH)
    for form in forms:
        extra = imports(ast.parse(form), "ethicscan.engine.local", modules)
        graph = {**GRAPH, "ethicscan.engine.local": GRAPH["ethicscan.engine.local"] | extra}
        assert wrong_way(graph) == ["ethicscan.engine.local imports ethicscan.api"], form


@pytest.mark.parametrize("above", ["ethicscan.api", "ethicscan.corpus", "ethicscan.cli"])
def test_the_engine_runs_only_what_it_is_handed(above: str) -> None:
    engine = {m: t for m, t in GRAPH.items() if _part(m) == "engine"}
    assert engine and not [m for m, targets in engine.items() if above in targets]


def test_every_part_is_in_one_layer() -> None:
    parts = [p for layer in LAYERS for p in layer]
    assert len(parts) == len(set(parts))
    assert {_part(m) for m in GRAPH} <= set(parts)


def test_the_known_exceptions_are_imports_that_exist() -> None:
    """An exception names an import the code has: once it is gone, so is the exception."""
    gone = [(module, target) for module, target in KNOWN if target not in GRAPH[module]]
    assert gone == [], "no longer imported: remove it from KNOWN"
