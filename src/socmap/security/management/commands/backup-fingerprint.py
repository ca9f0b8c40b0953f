"""``socmap backup-fingerprint``: print, as JSON, every table's row count and checksum, the
audit trail's head and whether its chain verifies. verify-backup runs it against the restored
copy (``DATABASE_URL`` pointing there); it reads and changes nothing else."""

import json

from django.core.management.base import BaseCommand

from socmap.security.backup import describe_database


class Command(BaseCommand):
    help = "Print the fingerprints of the database (used by verify-backup)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(describe_database()))
