"""What the scoring commands share: output as a plain-text table or CSV, and errors."""

from __future__ import annotations

import csv
from collections.abc import Sequence

from django.core.management.base import CommandError

from socmap.errors import InvalidInput
from socmap.web.tables import safe_cell

FORMATS = ("table", "csv")


def add_format_argument(parser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table", help="table (default) or csv")


def write_rows(stdout, fmt: str, header: Sequence[str], rows: list[Sequence]) -> None:
    if fmt == "csv":
        writer = csv.writer(stdout, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
        return
    cells = [[str(c) for c in header]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for number, row in enumerate(cells):
        stdout.write(
            "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
        )
        if number == 0:
            stdout.write("  ".join("-" * width for width in widths))


def command_error(stderr, error: InvalidInput, headline: str) -> CommandError:
    """Each problem on its own line of stderr, and a CommandError naming them all."""
    problems = [
        (m if field in ("__all__", "methodology", "inputs") else f"{field}: {m}")
        for field, messages in error.field_errors.items()
        for m in messages
    ]
    for problem in problems:
        stderr.write(f"  {problem}")
    return CommandError(f"{headline} " + "; ".join(problems))
