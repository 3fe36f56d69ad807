"""atheris: any bytes, under any archive's name, explored recursively: only texts and
skipped entries come out, nothing is left in the scratch folder."""

from __future__ import annotations

from _harness import explore, main
from make_seeds import ARCHIVE_NAMES as NAMES


def test_one_input(data: bytes) -> None:
    name = NAMES[data[0] % len(NAMES)] if data else NAMES[0]
    explore(name, data[1:])


if __name__ == "__main__":
    main(test_one_input)
