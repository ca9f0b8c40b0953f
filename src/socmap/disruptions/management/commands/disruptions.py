from django.core.management.base import BaseCommand, CommandError

from socmap.disruptions import selectors
from socmap.disruptions.management.commands._listing import add_output_arguments, write_disruptions
from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor


class Command(BaseCommand):
    help = (
        "List or export disruptions with the list page's filters, as a user sees them with "
        "--as USERNAME (without --as, every disruption: the system operator's view). Latest "
        "first unless --sort says otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--threat", default="", help="A threat reference, e.g. OCG-000012")
        parser.add_argument("--force", default="", metavar="SLUG", help="The owner's slug")
        parser.add_argument("--category", default="", help="pursue, prevent, protect or prepare")
        parser.add_argument("--tactic", default="", metavar="CODE", help="A tactic code")
        parser.add_argument("--grade", default="", help="major, moderate, minor, none, negative")
        parser.add_argument(
            "--status",
            default="",
            help="draft, submitted, validated, returned, or unvalidated (any but validated)",
        )
        parser.add_argument("--from", dest="date_from", default="", metavar="DATE")
        parser.add_argument("--to", dest="date_to", default="", metavar="DATE")
        parser.add_argument("--search", default="", help="In the operation name or narrative")
        parser.add_argument(
            "--sort",
            default=selectors.DEFAULT_SORT,
            help=f"One of {', '.join(selectors.DISRUPTION_SORTS)} (- for reverse; default -date)",
        )
        add_output_arguments(parser)
        add_actor_argument(parser)

    def handle(self, *args, actor, format, output, **options):
        user = resolve_actor(actor)
        try:
            filters = selectors.check_filters(
                threat=options["threat"],
                force=options["force"],
                category=options["category"],
                tactic=options["tactic"],
                grade=options["grade"],
                status=options["status"],
                date_from=options["date_from"],
                date_to=options["date_to"],
                search=options["search"],
                sort=options["sort"],
                strict=True,
            )
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        write_disruptions(
            self,
            selectors.disruption_list(user, filters),
            user=user,
            fmt=format,
            output=output,
        )
