"""What the disruption list commands share: the list's filters as options, and output as a
plain-text table, CSV, JSON or an XLSX file (the columns of the list page's export)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from socmap.disruptions import exports
from socmap.disruptions.files import xlsx_bytes
from socmap.threats.management.commands._output import write_csv, write_json, write_table

FORMATS = ("table", "csv", "json", "xlsx")
TABLE_HEADER = ["reference", "date", "threats", "owner", "4P", "tactic", "grade", "status"]


def add_output_arguments(parser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument(
        "--output", type=Path, metavar="FILE", help="Write to FILE (needed for xlsx)"
    )


def write_disruptions(
    command,
    queryset,
    *,
    user,
    fmt: str,
    output: Path | None,
    title: str = "Disruptions",
    empty: str = "No disruptions match.",
) -> int:
    """Write ``queryset`` as ``user`` may see it; returns how many were written."""
    if fmt == "xlsx":
        if output is None:
            raise CommandError("An XLSX export needs --output FILE.xlsx.")
        rows = list(exports.rows(queryset, user))
        output.write_bytes(xlsx_bytes([(title, exports.HEADER, rows)]))
        command.stdout.write(command.style.SUCCESS(f"Wrote {len(rows):,} disruptions to {output}."))
        return len(rows)
    stream = output.open("w", encoding="utf-8", newline="") if output else None
    target = stream or command.stdout
    try:
        if fmt == "json":
            records = list(exports.records(queryset, user))
            write_json(target, records)
            count = len(records)
        elif fmt == "csv":
            rows = list(exports.rows(queryset, user))
            write_csv(target, exports.HEADER, rows)
            count = len(rows)
        else:
            records = list(exports.records(queryset, user))
            count = len(records)
            if not records:
                command.stdout.write(empty)
                return 0
            table = [
                [
                    r["reference"],
                    r["date"],
                    ", ".join(r["threats"]),
                    r["owner"],
                    r["category"],
                    r["tactic"],
                    r["grade"] or "-",
                    r["status"],
                ]
                for r in records
            ]
            write_table(_Lines(target), TABLE_HEADER, table)
            command.stdout.write(f"{count:,} disruption{'s' if count != 1 else ''}.")
    finally:
        if stream is not None:
            stream.close()
            command.stdout.write(command.style.SUCCESS(f"Wrote {count:,} disruptions to {output}."))
    return count


class _Lines:
    """A file that takes ``write(line)`` like a command's stdout (which adds the newline)."""

    def __init__(self, target):
        self.target = target

    def write(self, text: str) -> None:
        if hasattr(self.target, "style_func"):
            self.target.write(text)
        else:
            self.target.write(text + "\n")
