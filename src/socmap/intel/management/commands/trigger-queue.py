from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.intel import exports, selectors
from socmap.intel.models import TriggerStatus
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.threats.management.commands._output import FORMATS, write_csv, write_json, write_table

SHORT = ["reference", "submitted_at", "from", "to", "title", "status", "threat"]


class Command(BaseCommand):
    help = (
        "The threat-assessment queue: trigger reports waiting for assessment (oldest first), or "
        "with --status another status or 'any'. As a user sees it with --as USERNAME."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--status",
            default=TriggerStatus.RECEIVED,
            help=f"One of {', '.join(TriggerStatus.values)} or any",
        )
        parser.add_argument("--from", dest="sender", default="", metavar="SLUG")
        parser.add_argument("--format", choices=FORMATS, default="table")
        add_actor_argument(parser)

    def handle(self, *args, status, sender, format, actor, **options):
        user = resolve_actor(actor)
        try:
            queue = selectors.trigger_queue(
                user, status="" if status == "any" else status, sender=sender
            )
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        records = list(exports.trigger_records(queue))
        if format == "json":
            write_json(self.stdout, records)
        elif format == "csv":
            write_csv(self.stdout, exports.TRIGGER_HEADER, list(exports.rows(records)))
        elif not records:
            self.stdout.write("No trigger reports match.")
        else:
            write_table(self.stdout, SHORT, [[r[k] for k in SHORT] for r in records])
            self.stdout.write(f"{len(records)} trigger report{'s' if len(records) != 1 else ''}.")
