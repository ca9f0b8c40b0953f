"""``socmap review-queue [--type TYPE] [--as USER] [--format table|csv|json]``: records due
for retention review. Without ``--as``, the system operator sees every force's records (but,
like everyone, no restricted record: need to know)."""

from django.core.management.base import BaseCommand

from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.retention import services
from socmap.threats.management.commands._output import write_csv, write_json, write_table

HEADER = ["record type", "id", "record", "due", "last decision"]


class Command(BaseCommand):
    help = "List the records due for retention review."

    def add_arguments(self, parser):
        parser.add_argument("--type", dest="record_type", default="")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        add_actor_argument(parser)

    def handle(self, *args, record_type="", actor=None, format="table", **options):
        user = resolve_actor(actor)
        if user is None:
            from socmap.orgs.models import Organisation, User

            user = User(organisation=Organisation.objects.get(short_name="NCA"), is_active=True)
        due = services.due_for_review(user, record_type=record_type)
        rows = [
            [d.record_type, d.record.pk, str(d.record), d.due_on.isoformat(), d.last_decision or ""]
            for d in due
        ]
        if format == "json":
            write_json(self.stdout, [dict(zip(HEADER, row, strict=True)) for row in rows])
        elif format == "csv":
            write_csv(self.stdout, HEADER, rows)
        else:
            write_table(self.stdout, HEADER, rows)
            self.stdout.write(f"{len(rows)} record{'s' if len(rows) != 1 else ''} due for review.")
