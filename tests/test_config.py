"""Configuration files: .ethicscan.toml and [tool.ethicscan]; the command line wins."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ethicscan import config
from ethicscan.cli import main
from ethicscan.errors import ConfigError

FACE = "class FaceResult:\n    race: str  # predicted from the face image\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "face.py").write_text(FACE, encoding="utf-8")
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "face.py").write_text(FACE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _paths(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, set[str]]:
    code = main(["scan", ".", "-j", "1", "--format", "json", *args])
    out = json.loads(capsys.readouterr().out)
    return code, {f["location"]["path"] for f in out["findings"]}


def test_dot_file_applies(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _paths(capsys) == (1, {"src/face.py", "vendor/face.py"})
    (project / ".ethicscan.toml").write_text(
        'exclude = ["vendor/"]\nfail-on = "never"\n', encoding="utf-8"
    )
    assert _paths(capsys) == (0, {"src/face.py"})
    # The command line wins, option by option.
    assert _paths(capsys, "--fail-on", "high") == (1, {"src/face.py"})
    assert _paths(capsys, "--exclude", "src/") == (0, {"vendor/face.py"})


def test_pyproject_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.ethicscan]\nmin-confidence = 1.0\n', encoding="utf-8"
    )
    assert _paths(capsys) == (0, set())
    assert _paths(capsys, "--min-confidence", "0") == (1, {"src/face.py", "vendor/face.py"})


def test_disable_in_the_config_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def rules(*args: str) -> set[str]:
        main(["scan", ".", "-j", "1", "--format", "json", *args])
        return {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}

    assert "race-attribute" in rules()
    (project / ".ethicscan.toml").write_text('disable = ["race-attribute"]\n', encoding="utf-8")
    assert "race-attribute" not in rules()
    # --disable replaces the file's list, like every list option.
    assert "race-attribute" in rules("--disable", "religion-attribute")


def test_pyproject_without_table_is_ignored(project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert config.discover(project) is None


def test_config_option_and_baseline_path(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg_dir = project / "ci"
    cfg_dir.mkdir()
    cfg = cfg_dir / "ethicscan.toml"
    cfg.write_text('baseline = "known.json"\n', encoding="utf-8")
    assert main(["scan", ".", "-j", "1", "--write-baseline", str(cfg_dir / "known.json")]) == 0
    capsys.readouterr()
    # The baseline path is relative to the config file, not to the current folder.
    assert _paths(capsys, "--config", str(cfg)) == (0, set())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('exclud = ["x"]\n', "unknown key 'exclud'"),
        ('fail-on = "sometimes"\n', "'sometimes' is not one of"),
        ('min-confidence = "high"\n', "expected a number"),
        ("gitignore = 1\n", "expected true or false"),
        ("exclude = [1]\n", "expected a string or a list of strings"),
        ("disable = 3\n", "key 'disable': expected a string or a list of strings"),
        ('disable = ["race-atribute"]\n', "key 'disable': unknown rule id 'race-atribute'"),
        ("fail-on = \n", "not valid TOML"),
    ],
)
def test_bad_config_exits_2(
    project: Path, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".ethicscan.toml").write_text(text, encoding="utf-8")
    assert main(["scan", ".", "-j", "1"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err
    assert ".ethicscan.toml" in err


def test_unknown_key_in_pyproject(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.ethicscan]\nseverity = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject.toml: unknown key 'severity'"):
        config.load(project / "pyproject.toml")


def test_missing_config_file_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", ".", "--config", "nope.toml"]) == 2
    assert "nope.toml: cannot read" in capsys.readouterr().err


def test_a_config_that_drops_findings_is_named_in_every_format(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A configuration file in the folder a scan runs from can leave findings out (a
    vendor's tree can ship one): every report format says what was left out and names
    the file."""
    from ethicscan.report import OutputFormat, reporter
    from ethicscan.report import json as json_report

    (project / ".ethicscan.toml").write_text(
        'min-confidence = 0.35\ndisable = ["skin-colour-attribute"]\n', encoding="utf-8"
    )
    assert main(["scan", ".", "-j", "1", "--fail-on", "never", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["tool"]["min_confidence"] == 0.35
    assert doc["tool"]["config_file"].endswith(".ethicscan.toml")
    assert "Configuration: " in err and ".ethicscan.toml." in err
    assert "below confidence 0.35" in err
    result = json_report.from_dict(doc)
    for fmt in OutputFormat:
        text = reporter(fmt)(result)
        assert ".ethicscan.toml" in text, fmt
        assert "0.35" in text and "skin-colour-attribute" in text, fmt
    # Given on the command line, the settings are the user's own: no file is named.
    (project / ".ethicscan.toml").unlink()
    args = ["--min-confidence", "0.35", "--disable", "skin-colour-attribute"]
    assert main(["scan", ".", "-j", "1", "--format", "json", *args]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["tool"]["config_file"] == "" and doc["tool"]["min_confidence"] == 0.35


def _found_in(
    capsys: pytest.CaptureFixture[str], *args: str, stdin: str | None = None
) -> tuple[set[str], str]:
    """The files with findings of a scan of ``args``, and its stderr."""
    main(["scan", *args, "-j", "1", "--format", "json", "--fail-on", "never"])
    got = capsys.readouterr()
    return {f["location"]["path"] for f in json.loads(got.out)["findings"]}, got.err


def test_config_is_found_above_the_target_up_to_the_repository_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As ruff and black: from the targets' folder up; the first folder that holds a
    config wins; the search stops at the git work tree's root."""
    outer = tmp_path / "outer"
    repo = outer / "repo"
    for sub in ("src/gen", "src/app"):
        (repo / sub).mkdir(parents=True)
        (repo / sub / "face.py").write_text(FACE, encoding="utf-8")
    (repo / ".git").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the current folder holds no config, as before
    target = str(repo / "src")
    assert _found_in(capsys, target)[0] == {"gen/face.py", "app/face.py"}
    (repo / ".ethicscan.toml").write_text('exclude = ["gen/"]\n', encoding="utf-8")
    found, err = _found_in(capsys, target)
    assert found == {"app/face.py"}
    assert f"config: {repo / '.ethicscan.toml'} (--isolated reads none)" in err
    assert _found_in(capsys, target, "--isolated")[0] == {"gen/face.py", "app/face.py"}
    assert _found_in(capsys, str(repo / "src" / "app" / "face.py"), "-q")[0] == {"face.py"}
    # A pyproject.toml without [tool.ethicscan] on the way is passed over.
    (repo / "src" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert _found_in(capsys, target)[0] == {"app/face.py"}
    # Nearer wins; a config above the repository's root is not the repository's.
    (repo / "src" / "pyproject.toml").write_text(
        '[tool.ethicscan]\nexclude = ["app/"]\n', encoding="utf-8"
    )
    assert _found_in(capsys, target)[0] == {"gen/face.py"}
    (repo / "src" / "pyproject.toml").unlink()
    (repo / ".ethicscan.toml").unlink()
    (outer / ".ethicscan.toml").write_text('exclude = ["app/"]\n', encoding="utf-8")
    assert _found_in(capsys, target)[0] == {"gen/face.py", "app/face.py"}
    # Outside any repository the search goes on up.
    (repo / ".git").rmdir()
    assert _found_in(capsys, target)[0] == {"gen/face.py"}
    # Standard input has no folder: the current folder's config applies.
    monkeypatch.chdir(repo)
    (repo / ".ethicscan.toml").write_text('disable = ["race-attribute"]\n', encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(FACE.encode())))
    err = _found_in(capsys, "-")[1]
    assert "config: .ethicscan.toml" in err and "Rules turned off: race-attribute" in err
    assert main(["scan", ".", "--isolated", "--config", ".ethicscan.toml"]) == 2
    assert "--isolated and --config cannot go together" in capsys.readouterr().err
