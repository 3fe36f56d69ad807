"""The GitHub Action (action.yml) run here, step by step, by a small interpreter of the
parts of the workflow language it uses; the pre-commit hook run as pre-commit runs it; and
the sdist and wheel that ``python -m build`` makes checked by ``twine check``."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ACTION: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
COMPARISON = re.compile(r"^([\w.-]+)\s*(==|!=)\s*'([^']*)'$")
BIN = str(Path(sys.executable).parent)  # this environment's python and ethicscan

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the action's shell is bash")


def _pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError:
        return False
    return True


@dataclass
class Run:
    """One run of the action: the inputs as GitHub completes them, each step's outcome
    and outputs, what ``uses:`` steps were given."""

    inputs: dict[str, str]
    workspace: Path
    temp: Path
    install: bool = False  # run the install step for real (into a scratch folder)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # step id -> outputs
    outcomes: list[tuple[str, str]] = field(default_factory=list)  # (step name, outcome)
    uses: dict[str, dict[str, str]] = field(default_factory=dict)  # action -> its `with`
    logs: dict[str, str] = field(default_factory=dict)  # step name -> stdout + stderr

    def value(self, expr: str) -> str:
        parts = expr.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.inputs[parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        if expr == "github.action_path":
            return str(REPO)
        if expr == "runner.temp":
            return str(self.temp)
        raise AssertionError(f"the test's interpreter does not know ${{{{ {expr} }}}}")

    def substitute(self, text: str) -> str:
        return EXPR.sub(lambda m: self.value(m.group(1)), text)

    def condition(self, expr: str) -> bool:
        m = COMPARISON.match(expr.strip())
        assert m, f"the test's interpreter does not know the condition {expr!r}"
        left, op, right = m.groups()
        return (self.value(left) == right) is (op == "==")

    @property
    def failed(self) -> str:
        """The step that failed ("" when none did)."""
        return next((name for name, outcome in self.outcomes if outcome == "failure"), "")

    def outcome(self, name: str) -> str:
        return dict(self.outcomes).get(name, "")


def run_action(workspace: Path, temp: Path, install: bool = False, **given: str) -> Run:
    """Run action.yml's steps as a composite action runs them: inputs completed with
    their defaults, ``${{ }}`` expressions substituted, each ``run:`` in
    ``bash --noprofile --norc -eo pipefail`` in the workspace with ``GITHUB_OUTPUT``,
    ``RUNNER_TEMP`` and ``GITHUB_ACTION_PATH`` set, ``if:`` conditions evaluated, and the
    steps after a failed one skipped."""
    declared = ACTION["inputs"]
    unknown = set(given) - set(declared)
    assert not unknown, f"inputs the action does not declare: {unknown}"
    inputs = {name: str(spec.get("default", "")) for name, spec in declared.items()}
    inputs.update(given)
    run = Run(inputs, workspace, temp, install)
    for i, step in enumerate(ACTION["runs"]["steps"]):
        name = step.get("name") or step.get("uses") or f"step {i}"
        if run.failed or ("if" in step and not run.condition(step["if"])):
            run.outcomes.append((name, "skipped"))
            continue
        if "uses" in step:
            action = step["uses"].split("@")[0]
            run.uses[action] = {k: run.substitute(str(v)) for k, v in step.get("with", {}).items()}
            run.outcomes.append((name, "success"))  # not run here: what it was given is checked
            continue
        run.outcomes.append((name, _run_step(run, step, name)))
    return run


def _run_step(run: Run, step: dict[str, Any], name: str) -> str:
    assert step.get("shell") == "bash", f"{name}: a composite step names its shell"
    script = run.substitute(step["run"])
    env = {
        **os.environ,
        "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
        "RUNNER_TEMP": str(run.temp),
        "GITHUB_ACTION_PATH": str(REPO),
        "GITHUB_WORKSPACE": str(run.workspace),
        **{k: run.substitute(str(v)) for k, v in step.get("env", {}).items()},
    }
    for var in ("NO_COLOR", "FORCE_COLOR"):
        env.pop(var, None)
    if "pip install" in script:
        if not run.install:
            expected = f'python -m pip install --disable-pip-version-check --quiet "{REPO}"'
            assert script.strip() == expected, script
            return "success"  # the test's environment has ethicscan already
        # into a scratch folder, not this environment; the dependencies are this one's
        env.update(PIP_TARGET=str(run.temp / "site"), PIP_NO_DEPS="1")
    out_file = run.temp / f"output-{len(run.outcomes)}"
    out_file.write_text("", encoding="utf-8")
    env["GITHUB_OUTPUT"] = str(out_file)
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=run.workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    run.logs[name] = done.stdout + done.stderr
    if "id" in step:
        lines = out_file.read_text(encoding="utf-8").splitlines()
        assert not any("<<" in line for line in lines), "multi-line outputs: not interpreted"
        run.outputs[step["id"]] = dict(line.split("=", 1) for line in lines if line)
    return "success" if done.returncode == 0 else "failure"


@pytest.fixture
def temp(tmp_path: Path) -> Path:
    folder = tmp_path / "runner-temp"
    folder.mkdir()
    return folder


@pytest.fixture
def workspace(tmp_path: Path, face_header_text: str) -> Path:
    """A checkout with a high finding (a face SDK's race attribute) and a clean file."""
    root = tmp_path / "workspace"
    (root / "include").mkdir(parents=True)
    (root / "include" / "face_attr.h").write_text(face_header_text, encoding="utf-8")
    (root / "main.py").write_text("print('hello')\n", encoding="utf-8")
    return root


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_action_declares_its_inputs_and_outputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {
        "paths",
        "format",
        "fail-on",
        "args",
        "python-version",
        "upload-sarif",
    }
    assert set(ACTION["outputs"]) == {"sarif-file", "findings", "exit-code"}
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used == set(ACTION["inputs"]), "every input is used, every one used is declared"
    uses = [s["uses"].split("@")[0] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python", "github/codeql-action/upload-sarif"]
    for step in ACTION["runs"]["steps"]:
        # inputs reach a script through env:, never pasted into it
        assert "inputs." not in step.get("run", ""), step.get("name")


def test_action_with_findings_uploads_sarif_reports_and_fails(workspace: Path, temp: Path) -> None:
    before = _files(workspace)
    run = run_action(workspace, temp, **{"python-version": "3.11"})
    assert run.uses["actions/setup-python"] == {"python-version": "3.11"}
    out = run.outputs["scan"]
    assert out["exit-code"] == "1"
    sarif = Path(out["sarif-file"])
    assert sarif.parent == temp and sarif.is_file()  # outside the checkout
    assert int(out["findings"]) > 0
    assert run.uses["github/codeql-action/upload-sarif"] == {
        "sarif_file": str(sarif),
        "category": "ethicscan",
    }
    assert run.outcome("Report") == "success"
    assert "::error file=include/face_attr.h," in run.logs["Report"]  # relative paths
    assert run.failed == "Gate"
    assert "findings at or above high" in run.logs["Gate"]
    assert _files(workspace) == before  # nothing written into the checkout


def test_action_on_a_clean_tree_passes(workspace: Path, temp: Path) -> None:
    run = run_action(workspace, temp, paths="main.py")
    assert run.failed == ""
    assert run.outputs["scan"]["exit-code"] == "0"
    assert run.outputs["scan"]["findings"] == "0"
    assert run.outcome("Upload SARIF") == "success"
    assert run.outcome("Gate") == "skipped"


def test_action_inputs_reach_the_scan(workspace: Path, temp: Path) -> None:
    (workspace / "sub").mkdir()
    (workspace / "sub" / "a.h").write_text("int race_type;\n", encoding="utf-8")
    run = run_action(
        workspace,
        temp,
        paths="include\n  sub/a.h\n",
        args="--disable race-attribute --min-confidence 0.1",
        **{"fail-on": "never", "format": "none", "upload-sarif": "false"},
    )
    assert run.failed == ""
    assert run.outputs["scan"]["exit-code"] == "0"  # fail-on never
    assert run.outcome("Upload SARIF") == "skipped"
    assert run.outcome("Report") == "skipped"
    doc = json.loads(Path(run.outputs["scan"]["sarif-file"]).read_text(encoding="utf-8"))
    rules = {r["ruleId"] for r in doc["runs"][0]["results"]}
    assert rules and "race-attribute" not in rules  # --disable reached the scan
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in doc["runs"][0]["results"]
    }
    assert {u.split("/")[0] for u in uris} <= {"include", "sub"}


def test_action_fail_on_input_moves_the_gate(workspace: Path, temp: Path) -> None:
    run = run_action(workspace, temp, **{"fail-on": "critical", "format": "table"})
    assert run.outputs["scan"]["exit-code"] == "0"
    assert run.failed == ""
    assert "HIGH (" in run.logs["Report"]


def test_action_inputs_cannot_run_commands(workspace: Path, temp: Path) -> None:
    run = run_action(
        workspace, temp, paths="main.py; touch pwned1 $(touch pwned2) `touch pwned3` *"
    )
    assert not list(workspace.glob("pwned*"))
    assert run.failed == "Scan"  # targets that do not exist: exit 2, no report to trust
    assert run.outputs["scan"]["exit-code"] == "2"
    assert "sarif-file" not in run.outputs["scan"]
    assert run.outcome("Upload SARIF") == "skipped"


def _pip_keeps_target_out_of_its_build_env() -> bool:
    """pip before 24 hands PIP_TARGET, which the test installs with, to the isolated
    environment it builds in, and fails there ("Cannot set --home and --prefix
    together"); the runner's own pip installs into its site-packages and never meets it."""
    from importlib.metadata import version

    return int(version("pip").split(".")[0]) >= 24


@pytest.mark.skipif(not _pypi_reachable(), reason="offline: pip cannot fetch setuptools to build")
@pytest.mark.skipif(
    not _pip_keeps_target_out_of_its_build_env(), reason="pip < 24 breaks PIP_TARGET builds"
)
def test_action_installs_ethicscan_from_its_own_path(workspace: Path, temp: Path) -> None:
    run = run_action(workspace, temp, install=True, paths="main.py")
    assert run.outcome("Install ethicscan") == "success", run.logs.get("Install ethicscan")
    assert (temp / "site" / "ethicscan" / "cli.py").is_file()
    assert (temp / "site" / "ethicscan" / "rules" / "data" / "rules.yml").is_file()


def test_pre_commit_hook_runs_as_pre_commit_runs_it(workspace: Path) -> None:
    """pre-commit runs ``entry`` with the staged files of the hook's ``types`` that its
    ``exclude`` leaves, as arguments, from the repository's root."""
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    (workspace / ".ethicscan-baseline.json").write_text("{}", encoding="utf-8")
    staged = ["include/face_attr.h", "main.py", ".ethicscan-baseline.json"]
    files = [f for f in staged if not re.search(hook["exclude"], f)]
    assert files == ["include/face_attr.h", "main.py"]
    env = {**os.environ, "PATH": BIN + os.pathsep + os.environ.get("PATH", "")}
    cmd = [*shlex.split(hook["entry"]), *hook.get("args", []), *files]
    done = subprocess.run(cmd, cwd=workspace, env=env, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr  # a high finding fails the commit
    assert "include/face_attr.h:" in done.stdout  # a place the terminal can open
    clean = subprocess.run(
        [*cmd[: len(cmd) - len(files)], "main.py"], cwd=workspace, env=env, capture_output=True
    )
    assert clean.returncode == 0


def _tracked_copy(dest: Path) -> Path:
    """The files git tracks, as they are in the work tree (the build must not write into
    the checkout: setuptools puts its egg-info beside the sources)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def _have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


@pytest.mark.skipif(
    not (_have("build") and _have("twine")),
    reason="build and twine are not installed (pip install -e '.[test]')",
)
@pytest.mark.skipif(not _pypi_reachable(), reason="offline: build fetches setuptools")
def test_build_gives_a_wheel_and_sdist_that_pass_twine_check(tmp_path: Path) -> None:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    src = _tracked_copy(tmp_path / "src")
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(src)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    made = sorted(p.name for p in dist.iterdir())
    assert [n for n in made if n.endswith(".whl")] and [n for n in made if n.endswith(".tar.gz")]
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2
