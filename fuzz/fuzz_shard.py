"""atheris: a --results shard read back (the bytes of the file): it is JSON and a report
as the schema describes it, or refused (ValueError, RecursionError, SchemaError); what is
accepted is read into a result that every output format renders."""

from __future__ import annotations

import contextlib
import json

import atheris
from _harness import main

with atheris.instrument_imports():
    from ethicscan.report import OutputFormat, conform, reporter
    from ethicscan.report import json as json_report


def test_one_input(data: bytes) -> None:
    with contextlib.suppress(ValueError, RecursionError):  # SchemaError is a ValueError
        doc = json.loads(data)
        conform.check(doc)
        result = json_report.from_dict(doc)
        for fmt in OutputFormat:
            reporter(fmt)(result)


if __name__ == "__main__":
    main(test_one_input)
