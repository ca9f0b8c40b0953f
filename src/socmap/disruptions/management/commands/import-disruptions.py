import csv
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.disruptions import files
from socmap.disruptions.management.commands._progress import ProgressBar
from socmap.disruptions.rules import DisruptionStatus
from socmap.disruptions.services import IMPORT_COLUMN_NAMES, import_disruptions, status_summary
from socmap.errors import ImportRejected, InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.models import Organisation

SHOWN = 200  # problems printed to the terminal; --errors writes them all


class Command(BaseCommand):
    help = (
        "Import disruptions from a CSV or XLSX file laid out as the published template "
        "(`socmap disruption-template`). All rows or none: any problem rejects the whole file "
        "with a row-by-row report (line 1 is the header). Columns: "
        f"{', '.join(IMPORT_COLUMN_NAMES)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .csv or .xlsx file")
        parser.add_argument(
            "--owner",
            metavar="SLUG",
            help="The organisation recording rows that name no owner (default: yours)",
        )
        parser.add_argument(
            "--status",
            choices=[DisruptionStatus.SUBMITTED, DisruptionStatus.DRAFT],
            default=DisruptionStatus.SUBMITTED,
            help="Status of rows that give none (default: submitted for validation)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the whole file and save nothing"
        )
        parser.add_argument(
            "--errors",
            type=Path,
            metavar="FILE.csv",
            help="Also write every problem to this CSV file (line, column, problem)",
        )
        add_actor_argument(parser)

    def handle(self, *args, file: Path, owner, status, dry_run, errors, actor, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        size = file.stat().st_size
        if size > settings.SOCMAP_MAX_UPLOAD_BYTES:
            raise CommandError(
                f"{file.name} is {size:,} bytes; the limit is {settings.SOCMAP_MAX_UPLOAD_BYTES:,}"
                " (SOCMAP_MAX_UPLOAD_BYTES)."
            )
        organisation = None
        if owner:
            organisation = Organisation.objects.filter(slug=owner).first()
            if organisation is None:
                raise CommandError(f"There is no organisation with the slug '{owner}'.")
        user = resolve_actor(actor)
        try:
            self.stdout.write(f"Reading {file.name}...")
            rows, lines = files.read_table(file.name, file.read_bytes())
            self.stdout.write(f"{len(rows):,} rows to check.")
            result = import_disruptions(
                actor=user,
                rows=rows,
                lines=lines,
                owner=organisation,
                status=status,
                source_name=file.name,
                progress=ProgressBar(self.stdout),
                dry_run=dry_run,
            )
        except ImportRejected as rejected:
            self._report(rejected, errors)
            raise CommandError(str(rejected)) from rejected
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from denied
        rate = result.rows / result.seconds if result.seconds else 0
        if result.dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{file.name} is correct: {result.rows:,} disruptions would be imported "
                    f"({status_summary(result)}). Nothing was saved (--dry-run)."
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.created:,} disruptions ({result.references}): "
                f"{status_summary(result)}. {result.seconds:.1f}s, {rate:,.0f} rows a second."
            )
        )
        if result.reassessments_requested:
            self.stdout.write(
                f"Re-assessment requested for {len(result.reassessments_requested)} threats "
                f"after validated major or moderate disruptions: "
                f"{', '.join(result.reassessments_requested[:20])}"
                + (" ..." if len(result.reassessments_requested) > 20 else "")
            )

    def _report(self, rejected: ImportRejected, path: Path | None) -> None:
        self.stderr.write("Problems (line 1 is the header row):")
        for error in rejected.row_errors[:SHOWN]:
            self.stderr.write(f"  {error}")
        hidden = len(rejected.row_errors) - SHOWN
        if hidden > 0:
            self.stderr.write(
                f"  ... and {hidden:,} more" + ("" if path else " (use --errors FILE.csv for all)")
            )
        if path is not None:
            with path.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "column", "problem"])
                for error in rejected.row_errors:
                    writer.writerow([error.line, error.column, error.message])
            self.stderr.write(f"Every problem is listed in {path}.")
