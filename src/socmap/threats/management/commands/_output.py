"""Output shared by the threat commands: plain-text tables, CSV and JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence

from socmap.web.tables import safe_cell

FORMATS = ("table", "csv", "json")


def write_table(stdout, header: Sequence[str], rows: list[Sequence]) -> None:
    cells = [[str(c) for c in header]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for number, row in enumerate(cells):
        stdout.write(
            "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
        )
        if number == 0:
            stdout.write("  ".join("-" * width for width in widths))


def write_csv(stdout, header: Sequence[str], rows: list[Sequence]) -> None:
    writer = csv.writer(stdout, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def write_json(stdout, records: list[dict]) -> None:
    stdout.write(json.dumps(records, indent=2, ensure_ascii=False, default=str))
