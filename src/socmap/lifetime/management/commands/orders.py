from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.lifetime import exports, selectors
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.threats.management.commands._output import FORMATS, write_csv, write_json, write_table

SHORT = [
    "reference",
    "person_id",
    "person",
    "order_type",
    "status",
    "state",
    "starts_on",
    "ends_on",
    "owner",
]


class Command(BaseCommand):
    help = (
        "Ancillary and civil orders, filtered, as a user sees them with --as USERNAME "
        "(without --as, every order)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--type", dest="order_type", default="", help="An order type code")
        parser.add_argument("--status", default="")
        parser.add_argument("--state", default="", help=f"One of {', '.join(selectors.STATES)}")
        parser.add_argument("--owner", default="", metavar="SLUG")
        parser.add_argument("--sort", default=selectors.ORDER_DEFAULT_SORT)
        parser.add_argument("--format", choices=FORMATS, default="table")
        add_actor_argument(parser)

    def handle(self, *args, order_type, status, state, owner, sort, format, actor, **options):
        user = resolve_actor(actor)
        try:
            filters = selectors.check_order_filters(
                order_type=order_type, status=status, state=state, owner=owner, sort=sort
            )
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        records = list(exports.order_records(selectors.order_list(user, filters)))
        if format == "json":
            write_json(self.stdout, records)
        elif format == "csv":
            write_csv(self.stdout, exports.ORDER_HEADER, list(exports.rows(records)))
        elif not records:
            self.stdout.write("No orders match.")
        else:
            write_table(self.stdout, SHORT, [[r[k] for k in SHORT] for r in records])
            self.stdout.write(f"{len(records)} order{'s' if len(records) != 1 else ''}.")
