"""Cost per hit as a file holds more hits: classification must be linear in hits.

Generated files in the shapes where findings are dense (a face SDK's module with one
long function, a JSON-lines log of face records, a Chinese alarm log, a minified
bundle on one line, a module repeating two finding lines), each with 10², 10³, 10⁴
and 10⁵ hits (``--max`` lowers the top), classified by ``scan_text``; and a native
library's bytes with as many hits planted among random bytes (a binary's strings text:
a string of one word repeated up to 3,000 times, long runs of one letter), scanned by
``ethicscan.scan`` (its strings pass, a small part, included).  For each shape the
script prints the time per hit at each size and the ratio of the slowest to the
fastest per-hit time of the sizes from 10³ up (10² is dominated by fixed costs); a
ratio above 2 means some stage does work per hit that grows with the number of hits.
The previous version's figure is in bench/README.md.

    python bench/hits.py            # sizes 10^2 .. 10^5
    python bench/hits.py --max 10000
    python bench/hits.py --face-log-only
    python bench/hits.py --binary-only [--src OTHER/src]    # the binary's row alone

Then one fixed case: a 1.8 MB JSON-lines log of 20,000 face-analysis records (``face_id``,
``age``, ``gender``, ``race``, ``race_confidence``, ``ethnicity``, 60,000 findings), which
must scan in under FACE_LOG_LIMIT seconds of CPU: the whole ``ethicscan scan FILE
--format json --output F`` in a new process (start-up, its bytecode compiled beforehand,
as an installed package's is; read, classify, report), next to its parts in this process
(the classifier alone, ``scan_text``; the library's whole scan, ``ethicscan.scan``; the
JSON report of its result).  The exit status is 1 unless the
sizes are flat and the whole scan meets the floor.

    python bench/hits.py --face-log-only [--src OTHER/src]   # the face log alone
    python bench/hits.py --phases 2000 [--src OTHER/src]     # where the time per hit goes
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# --src: another version's source, to compare (alternate the two)
_OTHER = sys.argv[sys.argv.index("--src") + 1] if "--src" in sys.argv else None
SRC = Path(_OTHER).resolve() if _OTHER else REPO / "src"
sys.path.insert(0, str(SRC))

from ethicscan import ScanOptions, scan, scan_text  # noqa: E402
from ethicscan.report.json import render  # noqa: E402

RATIO_LIMIT = 2.0
FACE_LOG_RECORDS = 20_000
FACE_LOG_LIMIT = 1.0  # CPU seconds


def _py_function(n: int) -> str:
    body = "".join(f"    r{i} = model.predict_race(face)  # race\n" for i in range(n))
    return "def analyse(face):\n" + body


def _jsonl_log(n: int) -> str:
    rows = (
        json.dumps({"camera": f"c{i % 40}", "face_id": i, "race": "asian", "race_confidence": 0.9})
        for i in range(n)
    )
    return "\n".join(rows) + "\n"


def _zh_alarm_log(n: int) -> str:
    return "".join(f"{i} 抓拍 人脸 维族告警 民族:维吾尔族\n" for i in range(n))


def _minified(n: int) -> str:
    return "var a=[" + ",".join('{"race":"white","face":1}' for _ in range(n)) + "];\n"


def _repeated_lines(n: int) -> str:
    pair = "race = model.predict_race(face)\nethnicity_code = row['ethnicity']\n"
    return pair * (n // 2)


# The strings a binary holds, with n hits planted among random bytes: the shapes of the
# tests' ``_strings_blob`` (a UTF-16 ``肤色`` repeated up to 3,000 times in one string,
# words of a face SDK in ASCII, UTF-8 and UTF-16, long runs of one letter and of digits,
# zeros), each piece with the hits it plants.
_BINARY_PIECES: tuple[tuple[bytes, int], ...] = (
    (b"face_get_skin_color\x00", 1),
    (b"%d, %s: detectFace", 0),
    ("人脸属性: 民族 肤色\x00".encode(), 2),
    ("告警 维族 ok".encode() + b"\xff", 1),
    ("维族告警".encode("utf-16-le") + b"\x00\x00", 1),
    (b"\x00" + "SkinColor race".encode("utf-16-le") + b"\x01", 2),
    (b"one\x00two\x00six\x00ten\x00\x00\x00", 0),
    ("民族".encode() + b"\x80\x00", 1),
)
_FILLERS = (b"\x00\x00AaZz_ 9", b"\x00\xe4\xb8\xad\x80 ab", bytes(range(256)))


def _binary(n: int) -> bytes:
    """A native library's bytes with ``n`` hits planted (see _BINARY_PIECES)."""
    rng = random.Random(n)
    out = bytearray(b"\x7fELF\x02\x01\x01" + bytes(57))
    planted = 0
    while planted < n:
        if rng.random() < 0.4:
            r = rng.randrange(len(_BINARY_PIECES) + 4)
            if r < len(_BINARY_PIECES):
                piece, k = _BINARY_PIECES[r]
                out += piece
                planted += k
            elif r == len(_BINARY_PIECES):
                k = min(n - planted, rng.randint(1, 3000))
                out += "肤色".encode("utf-16-le") * k + b"\x00\x00"
                planted += k
            elif r == len(_BINARY_PIECES) + 1:
                out += b"12345678 ---- " * rng.randint(1, 400) + b"abcd"
            elif r == len(_BINARY_PIECES) + 2:
                out += b"x" * rng.randint(4000, 9000)
            else:
                out += bytes(rng.randint(0, 64))
        else:
            alphabet = rng.choice(_FILLERS)
            out += bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 200)))
    return bytes(out)


def _binary_scan(n: int) -> float:
    """CPU seconds of the library's scan of a binary of ``n`` hits (its strings pass, a
    small part, included): its strings text is classified as no text file is."""
    with tempfile.TemporaryDirectory() as tmp:
        lib = Path(tmp) / "libface.so"
        lib.write_bytes(_binary(n))
        t = time.process_time()
        scan([str(lib)], ScanOptions(jobs=1))
        return time.process_time() - t


SHAPES: dict[str, tuple[Callable[[int], str], str]] = {
    "module, one function": (_py_function, "sdk/analyse.py"),
    "JSON-lines face log": (_jsonl_log, "logs/faces.jsonl"),
    "Chinese alarm log": (_zh_alarm_log, "logs/alarm.log"),
    "minified bundle": (_minified, "dist/app.min.js"),
    "repeated finding lines": (_repeated_lines, "app/repeat.js"),
}


def face_log(n: int = FACE_LOG_RECORDS) -> str:
    """A face-analysis service's log: one JSON record a line, as a model writes them."""
    rng = random.Random(20261206)
    races = ("asian", "black", "white", "indian", "latino")
    rows = (
        json.dumps(
            {
                "face_id": i,
                "age": rng.randint(1, 90),
                "gender": rng.choice("MF"),
                "race": rng.choice(races),
                "race_confidence": round(rng.random(), 1),
                "ethnicity": rng.choice(races),
            },
            separators=(",", ":"),
        )
        for i in range(n)
    )
    return "\n".join(rows) + "\n"


def _child_cpu(argv: list[str], pycache: str) -> float:
    """CPU seconds (user and system) of a command run to its end in a new process, its
    bytecode kept in ``pycache`` (as an installed package has it: ``pip install``
    compiles it; with PYTHONDONTWRITEBYTECODE set, each run would compile every
    module again, some 0.15 s)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONPYCACHEPREFIX": pycache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(argv, env=env, check=False, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def check_face_log() -> bool:
    text = face_log()
    scan_text(face_log(10), "logs/faces.jsonl")  # the catalogue, compiled once
    t = time.process_time()
    found = scan_text(text, "logs/faces.jsonl")
    classify = time.process_time() - t
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "faces.jsonl"
        log.write_text(text, encoding="utf-8")
        t = time.process_time()
        result = scan([str(log)], ScanOptions(jobs=1))
        library = time.process_time() - t
        t = time.process_time()
        render(result)
        report = time.process_time() - t
        report_file = str(Path(tmp) / "report.json")
        pycache = str(Path(tmp) / "pycache")
        small = Path(tmp) / "small.jsonl"
        small.write_text(face_log(10), encoding="utf-8")
        cli = ["-m", "ethicscan", "scan", "-q", "--format", "json", "--output", report_file]
        _child_cpu([sys.executable, *cli, str(small)], pycache)  # compiles the bytecode
        whole = _child_cpu([sys.executable, *cli, str(log)], pycache)
    ok = whole < FACE_LOG_LIMIT
    print(
        f"face log: {len(text.encode()) / 1e6:.2f} MB, {FACE_LOG_RECORDS:,} records, "
        f"{len(found):,} findings ({len(result.findings):,} in the scan)\n"
        f"  classify (scan_text)        {classify:6.2f} CPU s "
        f"({classify * 1e6 / FACE_LOG_RECORDS:.0f} µs a record)\n"
        f"  library scan (scan)         {library:6.2f} CPU s\n"
        f"  JSON report of it (render)  {report:6.2f} CPU s\n"
        f"  ethicscan scan, new process {whole:6.2f} CPU s "
        f"(--format json --output F; limit {FACE_LOG_LIMIT:g} s): {'met' if ok else 'NOT met'}"
    )
    return ok


# The classifier's phases, as (label, module, function): cumulative CPU of each.
PHASES = (
    ("matching", "classify/analyse.py", "_term_matches"),
    ("matching", "classify/analyse.py", "_by_line_shape"),
    ("matching", "classify/document.py", "_context_words"),
    ("neighbours", "classify/analyse.py", "_link_neighbours"),
    ("decide", "classify/capability.py", "decide"),
    ("located", "classify/capability.py", "_located"),
    ("context", "classify/capability.py", "_context"),
    ("context", "classify/capability.py", "shared_context"),
    ("gate..scored", "classify/capability.py", "_gate"),
    ("gate..scored", "classify/capability.py", "_capability"),
    ("gate..scored", "classify/capability.py", "_adjusted"),
    ("gate..scored", "classify/capability.py", "_scored"),
    ("findings", "classify/analyse.py", "_finding"),
    ("findings", "classify/analyse.py", "__call__"),
    ("findings", "classify/analyse.py", "with_fingerprints"),
    ("findings", "classify/analyse.py", "_finished"),
)


def phases(n: int) -> None:
    """Where the time per hit goes: each shape's ``scan_text`` under cProfile (CPU), the
    cumulative µs a hit of each phase (``context`` counts a shared context's lookup and
    the contexts computed; profiled figures run about three times the plain ones)."""
    import cProfile
    import pstats

    labels = list(dict.fromkeys(label for label, _, _ in PHASES))
    shapes = {**SHAPES, "face log (records)": (lambda k: face_log(k // 5), "logs/faces.jsonl")}
    print(f"{'shape':<24}{'all':>8}" + "".join(f"{x:>13}" for x in labels) + "   (µs a hit)")
    for name, (make, path) in shapes.items():
        text = make(n)
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        scan_text(text, path)
        prof.disable()
        raw = pstats.Stats(prof).stats  # type: ignore[attr-defined]
        row = dict.fromkeys(labels, 0.0)
        for label, module, fn in PHASES:
            if (
                label == "context"
                and fn == "_context"
                and any(k[2] == "shared_context" for k in raw)
            ):
                continue  # counted inside shared_context
            row[label] += sum(v[3] for k, v in raw.items() if k[0].endswith(module) and k[2] == fn)
        total = sum(v[2] for v in raw.values())
        cells = "".join(f"{row[x] * 1e6 / n:>13.1f}" for x in labels)
        print(f"{name:<24}{total * 1e6 / n:>8.1f}{cells}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--max", type=int, default=100_000, help="largest number of hits")
    p.add_argument("--face-log-only", action="store_true", help="only the 20,000-record log")
    p.add_argument("--src", help="the src folder of another version of ethicscan to measure")
    p.add_argument("--phases", type=int, metavar="N", help="profile each shape at N hits")
    p.add_argument("--binary-only", action="store_true", help="only the binary's row")
    args = p.parse_args()
    if args.phases:
        phases(args.phases)
        return 0
    if args.face_log_only:
        return 0 if check_face_log() else 1
    sizes = [n for n in (100, 1_000, 10_000, 100_000) if n <= args.max]
    print(f"{'shape':<24}" + "".join(f"{n:>12,}" for n in sizes) + "   ratio (µs per hit)")
    worst = 0.0
    for name, (make, path) in {} if args.binary_only else SHAPES.items():
        per_hit = []
        for n in sizes:
            text = make(n)
            t = time.process_time()  # CPU: the machine is shared
            scan_text(text, path)
            per_hit.append((time.process_time() - t) * 1e6 / n)
        steady = per_hit[1:] or per_hit
        ratio = max(steady) / min(steady)
        worst = max(worst, ratio)
        cells = "".join(f"{u:>12.1f}" for u in per_hit)
        print(f"{name:<24}{cells}   {ratio:.2f}")
    _binary_scan(100)  # (the binary readers, loaded once)
    per_hit = [_binary_scan(n) * 1e6 / n for n in sizes]
    steady = per_hit[1:] or per_hit
    ratio = max(steady) / min(steady)
    worst = max(worst, ratio)
    cells = "".join(f"{u:>12.1f}" for u in per_hit)
    print(f"{'binary, strings text':<24}{cells}   {ratio:.2f}")
    verdict = "flat" if worst <= RATIO_LIMIT else "NOT flat"
    print(f"worst ratio {worst:.2f} (limit {RATIO_LIMIT}): {verdict}")
    if args.binary_only:
        return 0 if worst <= RATIO_LIMIT else 1
    face_ok = check_face_log()
    return 0 if worst <= RATIO_LIMIT and face_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
