"""``socmap record-review TYPE ID (--retain [--next-review DATE] | --dispose) --reason TEXT
--as USER``: record a retention review decision."""

import datetime as dt

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.retention import services


class Command(BaseCommand):
    help = "Record a retention review decision for one record."

    def add_arguments(self, parser):
        parser.add_argument("record_type", help="e.g. threats.threat")
        parser.add_argument("record_id", type=int)
        choice = parser.add_mutually_exclusive_group(required=True)
        choice.add_argument("--retain", action="store_true")
        choice.add_argument("--dispose", action="store_true")
        parser.add_argument("--next-review", type=dt.date.fromisoformat)
        parser.add_argument("--reason", required=True)
        add_actor_argument(parser)

    def handle(
        self,
        *args,
        record_type,
        record_id,
        retain,
        dispose,
        next_review,
        reason,
        actor=None,
        **options,
    ):
        try:
            model = apps.get_model(record_type)
            record = model._default_manager.get(pk=record_id)
        except (LookupError, ValueError) as unknown:
            raise CommandError(f"No record type {record_type}.") from unknown
        except model.DoesNotExist as missing:
            raise CommandError(f"No {record_type} {record_id}.") from missing
        try:
            made = services.record_review(
                actor=resolve_actor(actor),
                record=record,
                reason=reason,
                decision="retain" if retain else "dispose",
                next_review_on=next_review,
            )
        except (InvalidInput, PermissionDenied) as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(
            f"{record}: {made.get_decision_display()}"
            + (f" (next review {made.next_review_on})" if made.next_review_on else "")
        )
