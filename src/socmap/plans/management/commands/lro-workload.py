from django.core.management.base import BaseCommand

from socmap.plans import exports, selectors
from socmap.plans.management.commands._common import add_common, check_owner, output, resolve_actor


class Command(BaseCommand):
    help = "Active threats per LRO against the limit (SOCMAP_LRO_THREAT_LIMIT), most first."

    def add_arguments(self, parser):
        parser.add_argument("--over", action="store_true", help="Only LROs over the limit")
        add_common(parser)

    def handle(self, *args, over, owner, format, actor, **options):
        check_owner(owner)
        rows = selectors.lro_workload(resolve_actor(actor), owner=owner, over_only=over)
        records = [exports.workload_record(r) for r in rows]
        output(self, records, exports.WORKLOAD_HEADER, format, "LRO")
