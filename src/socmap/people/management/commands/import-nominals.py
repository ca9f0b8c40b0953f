from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import ImportRejected, InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.models import Organisation
from socmap.orgs.uploads import csv_dict_rows, decode_csv_bytes
from socmap.people.services import IMPORT_COLUMNS, import_nominals

PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = (
        "Record people (nominals) from a CSV file for one organisation. Columns: "
        f"{', '.join(IMPORT_COLUMNS)} (aliases and flags separated by ';'; flags from "
        "foreign_national, iom, mappa, vulnerable). All rows or none: any problem rejects the "
        "whole file with a row-by-row report."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file to import")
        parser.add_argument(
            "--owner", required=True, metavar="SLUG", help="The organisation recording them"
        )
        add_actor_argument(parser)

    def handle(self, *args, file: Path, owner: str, actor, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        organisation = Organisation.objects.filter(slug=owner).first()
        if organisation is None:
            raise CommandError(f"There is no organisation with the slug '{owner}'.")
        user = resolve_actor(actor)

        def progress(done: int, total: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == total:
                self.stdout.write(f"  checked {done} of {total} rows")

        try:
            rows = csv_dict_rows(decode_csv_bytes(file.read_bytes()))
            self.stdout.write(f"Checking {len(rows)} rows from {file.name}...")
            result = import_nominals(
                actor=user,
                rows=rows,
                owner=organisation,
                source_name=file.name,
                progress=progress,
            )
        except ImportRejected as rejected:
            for error in rejected.row_errors:
                self.stderr.write(f"  {error}")
            raise CommandError(str(rejected)) from rejected
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from denied
        self.stdout.write(
            self.style.SUCCESS(f"Recorded {result.rows} people for {organisation.name}.")
        )
