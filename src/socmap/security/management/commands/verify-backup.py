"""``socmap verify-backup PATH``: restore a backup into a scratch database and prove it holds
what the manifest says (every table's rows and checksum, an intact audit trail).

Exit status 0 when it does, 1 when it does not. The scratch database (a temporary file, or
``<database>_verify`` on the PostgreSQL server; ``--scratch-database`` names another) is
dropped afterwards.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from socmap.security.backup import BackupError, verify_backup


class Command(BaseCommand):
    help = "Restore a backup into a scratch database and compare it with its manifest."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--scratch-database", help="PostgreSQL: the database to restore into")

    def handle(self, *args, path, scratch_database=None, **options):
        self.stderr.write("Restoring into a scratch database...")
        try:
            result = verify_backup(Path(path), scratch_database=scratch_database)
        except BackupError as failed:
            raise CommandError(str(failed)) from failed
        if result.ok:
            self.stdout.write(
                f"The backup restores: {result.tables} tables, {result.rows:,} rows, all as "
                f"backed up; {result.audit}."
            )
            return
        self.stdout.write("The backup does NOT restore as it was taken:")
        for problem in result.problems:
            self.stdout.write(f"  {problem}")
        raise SystemExit(1)
