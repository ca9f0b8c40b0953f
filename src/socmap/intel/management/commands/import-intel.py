from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import ImportRejected, InvalidInput
from socmap.intel import services
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.models import Organisation
from socmap.orgs.uploads import csv_dict_rows, decode_csv_bytes

KINDS = {
    "reports": (services.import_reports, services.REPORT_COLUMNS, "intelligence reports"),
    "sars": (services.import_sars, services.SAR_COLUMNS, "suspicious activity reports"),
    "arrests": (services.import_arrests, services.ARREST_COLUMNS, "arrests of foreign nationals"),
}
PROGRESS_EVERY = 200


class Command(BaseCommand):
    help = (
        "Import a CSV of intelligence reports (--kind reports, the default), suspicious activity "
        "reports (--kind sars) or arrests of foreign nationals with their ACRO checks (--kind "
        "arrests) for one organisation. All rows or none: any problem rejects the whole file "
        "with a row-by-row report. Report columns: " + ", ".join(services.REPORT_COLUMNS) + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--owner", required=True, metavar="SLUG", help="The organisation that holds the records"
        )
        parser.add_argument("--kind", choices=sorted(KINDS), default="reports")
        parser.add_argument("--dry-run", action="store_true", help="Check the file, save nothing")
        add_actor_argument(parser)

    def handle(self, *args, file: Path, owner: str, kind: str, dry_run: bool, actor, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        organisation = Organisation.objects.filter(slug=owner).first()
        if organisation is None:
            raise CommandError(f"There is no organisation with the slug '{owner}'.")
        user = resolve_actor(actor)
        importer, _columns, noun = KINDS[kind]

        def progress(done: int, total: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == total:
                self.stdout.write(f"  checked {done} of {total} rows")

        try:
            rows = csv_dict_rows(decode_csv_bytes(file.read_bytes()))
            self.stdout.write(f"Checking {len(rows)} rows of {noun} from {file.name}...")
            result = importer(
                actor=user,
                rows=rows,
                owner=organisation,
                source_name=file.name,
                progress=progress,
                dry_run=dry_run,
            )
        except ImportRejected as rejected:
            for error in rejected.row_errors:
                self.stderr.write(f"  {error}")
            raise CommandError(str(rejected)) from rejected
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from denied
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"The file is correct: {result.rows} {noun} would be imported. Nothing saved."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Imported {result.rows} {noun} for {organisation.name}.")
            )
