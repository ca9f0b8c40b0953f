from django.core.management.base import BaseCommand

from socmap.plans import exports, selectors
from socmap.plans.management.commands._common import add_common, check_owner, output, resolve_actor


class Command(BaseCommand):
    help = (
        "Gaps in 4P management among active threats: no LRO, no plan, no action under a P, "
        "review overdue, actions overdue, LRO over the limit (SOCMAP_LRO_THREAT_LIMIT)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--gap", choices=list(selectors.GAP_KINDS), help="One kind of gap")
        add_common(parser)

    def handle(self, *args, gap, owner, format, actor, **options):
        check_owner(owner)
        rows = selectors.gaps(resolve_actor(actor), kind=gap or "", owner=owner)
        output(self, [exports.gap_record(g) for g in rows], exports.GAP_HEADER, format, "gap")
