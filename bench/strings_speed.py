"""Speed of the strings and symbol pass on binaries, next to binutils ``strings``.

    python bench/strings_speed.py                 # 50 MB of random bytes, planted strings
    python bench/strings_speed.py --real [--rounds 3] [--src OTHER/src] [ROOT]

``--real`` reads the binaries of throughput.py's dense corpus (or of ROOT): ELF
libraries (1 to 64 MB: larger ones are skipped by a scan), the DEX files inside its
APKs and the class files inside its jars, and times in the same run, alternating,
``--rounds`` times (median of CPU seconds: a shared machine's load moves wall time):

- ethicscan's pass as a scan runs it: ``extract_elf`` (symbols and strings),
  ``extract_dex``, ``extract_class`` for each class of a jar, then the joined text;
- binutils ``strings -a -e S`` (8-bit and UTF-8) plus ``strings -a -e l`` (UTF-16LE):
  the two encodings ethicscan reads, on the same bytes (a jar's classes written out
  one after another).

and prints MB/s and the ratio to binutils for each file and for each kind.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))
if "--src" in sys.argv:  # another version's src/ folder, for an A/B (read before imports)
    sys.path.insert(0, sys.argv[sys.argv.index("--src") + 1])

from ethicscan.extract.strings import strings  # noqa: E402

MIN_ELF, MAX_ELF = 1 << 20, 64 << 20


def blob(size: int = 50_000_000, seed: int = 20261127) -> bytes:
    rng = random.Random(seed)
    planted = (
        b"\x00face_get_skin_color\x00"
        + "检测到维族告警: %d\x00".encode()
        + b"\x00\x00"
        + "肤色".encode("utf-16-le")
        + b"\x00\x00"
        + "SkinColor".encode("utf-16-le")
        + b"\x00\x00"
    )
    step = 25_000
    parts = []
    for _ in range(size // (step + len(planted))):
        parts.append(rng.randbytes(step))
        parts.append(planted)
    return b"".join(parts)


def random_blob() -> None:
    data = blob()
    t = time.process_time()
    found, cut = strings(data)
    dt = time.process_time() - t
    planted = sum(1 for s in found if s.text in ("face_get_skin_color", "肤色", "SkinColor"))
    print(
        f"{len(data) / 1e6:.1f} MB in {dt:.2f} CPU s: {len(data) / 1e6 / dt:.1f} MB/s; "
        f"{len(found)} strings ({planted} planted found), capped: {cut}"
    )


def samples(root: Path) -> list[tuple[str, str, bytes]]:
    """(kind, name, bytes): ELF libraries, DEX files of APKs, each jar's classes."""
    out: list[tuple[str, str, bytes]] = []
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.is_symlink():
            continue
        size = p.stat().st_size
        with p.open("rb") as f:
            head = f.read(4)
        if head == b"\x7fELF" and MIN_ELF <= size <= MAX_ELF:
            out.append(("elf", p.name, p.read_bytes()))
        elif p.suffix in (".apk", ".jar") and zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as zf:
                names = zf.namelist()
                if p.suffix == ".apk":
                    out += [
                        ("dex", f"{p.name}!{n}", zf.read(n)) for n in names if n.endswith(".dex")
                    ]
                else:
                    classes = [zf.read(n) for n in names if n.endswith(".class")]
                    if len(classes) >= 50:
                        out.append(("class", f"{p.name} ({len(classes)} classes)", classes))  # type: ignore[arg-type]
    return out


def ethicscan_pass(kind: str) -> Callable[[object], None]:
    from ethicscan.extract.dex import extract_dex
    from ethicscan.extract.javaclass import extract_class
    from ethicscan.extract.native import extract_elf
    from ethicscan.extract.units import TextUnit

    def run(data: object) -> None:
        if kind == "class":
            for cls in data:  # type: ignore[attr-defined]
                TextUnit.joined("x", extract_class(cls, "x.class"))
        else:
            reader = extract_elf if kind == "elf" else extract_dex
            TextUnit.joined("x", reader(data, "x"))  # type: ignore[arg-type]

    return run


def binutils_cpu(path: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for enc in ("S", "l"):
        subprocess.run(
            ["strings", "-a", "-e", enc, str(path)], stdout=subprocess.DEVNULL, check=True
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def real(root: Path, rounds: int) -> int:
    if not shutil.which("strings"):
        print("binutils strings is needed", file=sys.stderr)
        return 2
    found = samples(root)
    if not found:
        print(f"no binaries under {root}", file=sys.stderr)
        return 2
    from ethicscan.extract import strings as pass_

    if hasattr(pass_, "_unclean_bmp"):
        pass_._unclean_bmp()  # built once a process, when a binary is first read
    ethicscan_pass("elf")(b"\x7fELF")  # imports
    head = f"{'kind':<6}{'file':<58}{'MB':>7}{'ethicscan s':>12}{'MB/s':>7}"
    print(f"{head}{'binutils s':>11}{'ratio':>7}")
    totals: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, name, data in found:
            raw = b"".join(data) if kind == "class" else data  # type: ignore[arg-type]
            path = Path(tmp) / "sample.bin"
            path.write_bytes(raw)
            run = ethicscan_pass(kind)
            es, bu = [], []
            for _ in range(rounds):
                t = time.process_time()
                run(data)
                es.append(time.process_time() - t)
                bu.append(binutils_cpu(path))
            e, b = statistics.median(es), statistics.median(bu)
            mb = len(raw) / 1e6
            t3 = totals.setdefault(kind, [0.0, 0.0, 0.0])
            t3[0] += mb
            t3[1] += e
            t3[2] += b
            print(
                f"{kind:<6}{name[:57]:<58}{mb:>7.1f}{e:>12.2f}{mb / e:>7.1f}{b:>11.2f}{e / b:>7.2f}"
            )
    print()
    for kind, (mb, e, b) in totals.items():
        print(
            f"{kind:<6}{mb:>8.1f} MB: ethicscan {e:.2f} CPU s ({mb / e:.1f} MB/s), "
            f"binutils -e S + -e l {b:.2f} CPU s ({mb / b:.1f} MB/s): {e / b:.2f}x"
        )
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", nargs="?", type=Path)
    ap.add_argument("--real", action="store_true", help="the dense corpus's binaries")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--src", type=Path, help="time the ethicscan of this src/ folder")
    args = ap.parse_args()
    if not args.real:
        random_blob()
        return 0
    root = args.root
    if root is None:
        from throughput import build_dense

        root, _tops = build_dense()
    return real(root, args.rounds)


if __name__ == "__main__":
    raise SystemExit(main())
