import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from socmap.disruptions import files
from socmap.disruptions.models import GradeGuidance, Tactic
from socmap.disruptions.services import IMPORT_COLUMNS


class Command(BaseCommand):
    help = (
        "Write the published disruption import template: XLSX (drop-down lists, and sheets "
        "describing the columns, the tactics and the impact grades) or CSV (the header row)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=files.FORMATS, default="xlsx")
        parser.add_argument(
            "--output",
            type=Path,
            metavar="FILE",
            help="Where to write it (default: disruptions-template.FORMAT; '-' for stdout)",
        )

    def handle(self, *args, format: str, output: Path | None, **options):
        if format == "csv":
            data = files.template_csv(IMPORT_COLUMNS).encode("utf-8")
        else:
            data = files.template_xlsx(
                IMPORT_COLUMNS,
                list(Tactic.objects.filter(is_active=True)),
                list(GradeGuidance.objects.all()),
            )
        if output is not None and str(output) == "-":
            if format == "xlsx" and sys.stdout.isatty():
                raise CommandError("An XLSX workbook is not for a terminal: give --output FILE.")
            self.stdout.write(data.decode("utf-8") if format == "csv" else "", ending="")
            if format == "xlsx":
                sys.stdout.buffer.write(data)
            return
        path = output or Path(f"disruptions-template.{format}")
        path.write_bytes(data)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {path} ({len(IMPORT_COLUMNS)} columns; see `socmap import-disruptions`)."
            )
        )
