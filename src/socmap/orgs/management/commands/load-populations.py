from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import ImportRejected
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.services import load_populations, parse_population_csv
from socmap.orgs.uploads import decode_csv_bytes


class Command(BaseCommand):
    help = (
        "Load dated population figures from a CSV file with columns force, year, population, "
        "basis. All rows or none: any problem rejects the whole file with a row-by-row report."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file to load")
        parser.add_argument(
            "--year", type=int, help="Year for every row, if there is no year column"
        )
        parser.add_argument("--basis", default="", help="Basis for every row without one")
        add_actor_argument(parser)

    def handle(self, *args, file: Path, year, basis, actor, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            rows = parse_population_csv(
                decode_csv_bytes(file.read_bytes()), default_year=year, default_basis=basis
            )
            self.stdout.write(f"Checking {len(rows)} rows from {file.name}...")
            result = load_populations(actor=resolve_actor(actor), rows=rows, source_name=file.name)
        except ImportRejected as rejected:
            for error in rejected.row_errors:
                self.stderr.write(f"  {error}")
            raise CommandError(str(rejected)) from rejected
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from denied
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.rows} rows: {result.created} new, {result.updated} corrected, "
                f"{result.unchanged} unchanged."
            )
        )
