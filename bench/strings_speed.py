"""Speed of the strings pass on 50 MB of random bytes with strings planted in it.

python bench/strings_speed.py
"""

from __future__ import annotations

import random
import time

from ethicscan.extract.strings import strings


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


def main() -> None:
    data = blob()
    t = time.perf_counter()
    found, cut = strings(data)
    dt = time.perf_counter() - t
    planted = sum(1 for s in found if s.text in ("face_get_skin_color", "肤色", "SkinColor"))
    print(
        f"{len(data) / 1e6:.1f} MB in {dt:.2f} s: {len(data) / 1e6 / dt:.1f} MB/s; "
        f"{len(found)} strings ({planted} planted found), capped: {cut}"
    )


if __name__ == "__main__":
    main()
