from django.core.management.base import BaseCommand

from socmap.orgs.management.commands._common import resolve_actor
from socmap.people.models import CandidateStatus
from socmap.people.selectors import candidates_visible_to
from socmap.threats.management.commands._output import write_csv, write_table

HEADER = [
    "pair",
    "probability",
    "weight",
    "status",
    "first id",
    "first",
    "first recorded by",
    "second id",
    "second",
    "second recorded by",
]


class Command(BaseCommand):
    help = "List the possible duplicate pairs (the review queue) a user may see."

    def add_arguments(self, parser):
        parser.add_argument(
            "--status", choices=[*CandidateStatus.values, "all"], default=CandidateStatus.PENDING
        )
        parser.add_argument("--cross-force", action="store_true", help="Only pairs across forces")
        parser.add_argument("--format", choices=("table", "csv"), default="table")
        parser.add_argument("--as", dest="actor", metavar="USERNAME")

    def handle(self, *args, status, cross_force, format, actor, **options):
        pairs = candidates_visible_to(
            resolve_actor(actor),
            status="" if status == "all" else status,
            cross_force_only=cross_force,
        )
        rows = [
            [
                c.pk,
                f"{c.match_probability:.3f}",
                c.match_weight,
                c.status,
                c.left_id,
                c.left,
                c.left.owner.name,
                c.right_id,
                c.right,
                c.right.owner.name,
            ]
            for c in pairs
        ]
        (write_csv if format == "csv" else write_table)(self.stdout, HEADER, rows)
