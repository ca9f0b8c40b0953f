from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import ImportRejected, InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.models import Organisation
from socmap.orgs.uploads import csv_dict_rows, decode_csv_bytes
from socmap.threats.services import ANSWER_COLUMN_PREFIX, THREAT_IMPORT_COLUMNS, import_threats

PROGRESS_EVERY = 50


class Command(BaseCommand):
    help = (
        "Map threats from a CSV file, each assessed in the same step when its row names a "
        f"methodology and gives an {ANSWER_COLUMN_PREFIX}<attribute> column per attribute. "
        f"Columns: {', '.join(THREAT_IMPORT_COLUMNS)} (several crime types, force slugs or "
        "operation names separated by ';'; lro and sro are usernames; subject is a person's "
        "id). All rows or none: any problem rejects the whole file with a row-by-row report."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file to import")
        parser.add_argument(
            "--owner",
            metavar="SLUG",
            default="",
            help="The organisation owning the threats (default: the --as user's own)",
        )
        add_actor_argument(parser)

    def handle(self, *args, file: Path, owner: str, actor, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        organisation = None
        if owner:
            organisation = Organisation.objects.filter(slug=owner).first()
            if organisation is None:
                raise CommandError(f"There is no organisation with the slug '{owner}'.")
        user = resolve_actor(actor)
        if user is None and organisation is None:
            raise CommandError("Say who owns the threats: --owner SLUG (or act --as a user).")

        def progress(done: int, total: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == total:
                self.stdout.write(f"  checked {done} of {total} rows")

        try:
            rows = csv_dict_rows(decode_csv_bytes(file.read_bytes()))
            self.stdout.write(f"Checking {len(rows)} rows from {file.name}...")
            mapped = import_threats(
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
        assessed = sum(1 for t in mapped if t.current_band)
        self.stdout.write(
            self.style.SUCCESS(
                f"Mapped {len(mapped)} threat{'' if len(mapped) == 1 else 's'} "
                f"({assessed} assessed)."
            )
        )
        for threat in mapped:
            band = f"band {threat.current_band}, score {threat.current_score}"
            self.stdout.write(
                f"  {threat.reference} {threat.name}: "
                + (band if threat.current_band else "not assessed yet")
            )
