from django.core.management.base import BaseCommand
from django.utils import timezone

from socmap.fourp import FourP
from socmap.plans import exports, selectors
from socmap.plans.management.commands._common import add_common, check_owner, output, resolve_actor


class Command(BaseCommand):
    help = "Open plan actions past their due date (active threats), the oldest first."

    def add_arguments(self, parser):
        parser.add_argument("--category", choices=FourP.values, help="One of the four Ps")
        add_common(parser)

    def handle(self, *args, category, owner, format, actor, **options):
        check_owner(owner)
        today = timezone.localdate()
        actions = selectors.overdue_actions(resolve_actor(actor), today)
        if category:
            actions = actions.filter(category=category)
        if owner:
            actions = actions.filter(plan__threat__owner__slug=owner)
        records = [exports.action_record(a, today) for a in actions]
        output(self, records, exports.ACTION_HEADER, format, "overdue action")
