"""``socmap backup [--output PATH]``: a consistent backup of the database with its manifest.

SQLite: the online backup API (a consistent copy while socmap runs). PostgreSQL: pg_dump
(custom format) of the same snapshot the manifest is computed from; pg_dump must be at least
the server's version. Check it with ``socmap verify-backup PATH``; see docs/operations.md.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from socmap.security.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (with a manifest of row counts and checksums)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Where to write it (default var/backups/).")

    def handle(self, *args, output=None, **options):
        self.stderr.write("Backing up...")
        try:
            result = backup(Path(output) if output else None)
        except BackupError as failed:
            raise CommandError(str(failed)) from failed
        tables = result.manifest["tables"]
        head = result.manifest["audit_head"]
        self.stdout.write(
            f"Backup written: {result.path}\nManifest: {result.manifest_path}\n"
            f"{len(tables)} tables, {sum(t['rows'] for t in tables.values()):,} rows; "
            f"audit trail head {head['sequence']}:{head['hash']}"
        )
