from django.core.management.base import BaseCommand

from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.scoring.management.commands._output import add_format_argument, write_rows
from socmap.scoring.selectors import overdue_reassessments
from socmap.threats.selectors import overdue_reason

HEADER = ["reference", "name", "owner", "band", "score", "due", "reason"]


class Command(BaseCommand):
    help = (
        "Active threats whose re-assessment is overdue, requested or never done, oldest due "
        "first. With --as, only the threats that user may see."
    )

    def add_arguments(self, parser):
        add_actor_argument(parser)
        add_format_argument(parser)

    def handle(self, *args, actor, format, **options):
        threats = overdue_reassessments(resolve_actor(actor))
        rows = [
            [
                t.reference,
                t.name,
                t.owner.name,
                t.current_band or "",
                t.current_score if t.current_score is not None else "",
                f"{t.reassessment_due:%Y-%m-%d}" if t.reassessment_due else "",
                overdue_reason(t),
            ]
            for t in threats
        ]
        if format == "table":
            self.stdout.write(
                f"{len(rows)} active threat{'' if len(rows) == 1 else 's'} due for re-assessment."
            )
            if not rows:
                return
        write_rows(self.stdout, format, HEADER, rows)
