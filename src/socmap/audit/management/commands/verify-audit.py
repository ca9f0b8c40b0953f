"""``socmap verify-audit``: walk the audit trail's hash chain and report the first broken link.

Exit status 0 when the chain is whole, 1 when it is broken. Note the head it prints (sequence
and hash) somewhere the database's administrators cannot write (the operations log, a ticket):
``--anchor SEQUENCE:HASH`` later proves that the trail still holds that entry unchanged, which
also shows a trail cut short after it.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from socmap.audit.chain import verify


def _anchor(value: str) -> tuple[int, str]:
    try:
        sequence, digest = value.split(":", 1)
        sequence_number = int(sequence)
    except ValueError as bad:
        raise CommandError("--anchor takes SEQUENCE:HASH, as printed by verify-audit.") from bad
    if sequence_number < 1 or len(digest) != 64:
        raise CommandError("--anchor takes SEQUENCE:HASH, as printed by verify-audit.")
    return sequence_number, digest.lower()


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--anchor", help="SEQUENCE:HASH of an entry noted down earlier.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, **options):
        anchor = _anchor(options["anchor"]) if options["anchor"] else None

        def progress(count):
            if not options["json"]:
                self.stderr.write(f"  ... {count:,} entries checked")

        result = verify(anchor=anchor, progress=progress)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": result.ok,
                        "checked": result.checked,
                        "head_sequence": result.head_sequence,
                        "head_hash": result.head_hash,
                        "broken_at": result.broken.sequence if result.broken else None,
                        "broken_event_id": result.broken.event_id if result.broken else None,
                        "problem": result.broken.problem if result.broken else None,
                    }
                )
            )
        elif result.ok:
            self.stdout.write(
                f"The audit trail is intact: {result.checked:,} entries checked.\n"
                f"Head: {result.head_sequence}:{result.head_hash}"
            )
        else:
            self.stdout.write(
                f"The audit trail is BROKEN at {result.broken}.\n"
                f"Entries up to {result.head_sequence} are intact "
                f"(last good hash {result.head_hash})."
            )
        if not result.ok:
            raise SystemExit(1)
