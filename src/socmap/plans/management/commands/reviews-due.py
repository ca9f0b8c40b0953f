from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from socmap.plans import exports, selectors
from socmap.plans.management.commands._common import add_common, check_owner, output, resolve_actor


class Command(BaseCommand):
    help = "Plans of active threats whose LRO review is overdue or due within --within days."

    def add_arguments(self, parser):
        parser.add_argument("--within", type=int, default=14, help="Days ahead (default 14)")
        parser.add_argument("--lro", default="", metavar="USERNAME", help="One LRO's plans")
        add_common(parser)

    def handle(self, *args, within, lro, owner, format, actor, **options):
        if not 0 <= within <= 365:
            raise CommandError("--within must be from 0 to 365 days.")
        check_owner(owner)
        today = timezone.localdate()
        plans = selectors.reviews_due(
            resolve_actor(actor), within=within, lro=lro, owner=owner, today=today
        )
        records = [exports.review_due_record(p, today) for p in plans]
        output(self, records, exports.REVIEW_HEADER, format, "review due", "reviews due")
