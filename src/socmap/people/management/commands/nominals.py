from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import resolve_actor
from socmap.orgs.models import Organisation
from socmap.people.selectors import FLAGS, nominals_visible_to
from socmap.threats.management.commands._output import write_csv, write_table

HEADER = [
    "id",
    "surname",
    "forenames",
    "date of birth",
    "gender",
    "nationality",
    "PNC ID",
    "flags",
    "recorded by",
]


class Command(BaseCommand):
    help = (
        "List the people (nominals) a user may see with --as USERNAME; without --as, every "
        "person (the system operator's view). Search matches names, aliases, PNC IDs and "
        "identifiers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--search", default="", metavar="TEXT", help="Text to search for")
        parser.add_argument(
            "--flag",
            action="append",
            default=[],
            dest="flags",
            metavar="FLAG",
            help=f"Only people with this flag (repeat for several): {', '.join(FLAGS)}",
        )
        parser.add_argument(
            "--owner", default="", metavar="SLUG", help="Only people recorded by this organisation"
        )
        parser.add_argument("--format", choices=("table", "csv"), default="table")
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="USERNAME",
            help="List what this user may see; without it, everyone (the system operator's view)",
        )

    def handle(self, *args, search, flags, owner, format, actor, **options):
        if owner and not Organisation.objects.filter(slug=owner).exists():
            raise CommandError(f"There is no organisation with the slug '{owner}'.")
        user = resolve_actor(actor)
        try:
            people = nominals_visible_to(user, search=search, flags=flags, owner=owner)
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        rows = [
            [
                n.pk,
                n.surname,
                n.forenames,
                n.date_of_birth.isoformat() if n.date_of_birth else "",
                n.gender,
                n.nationality,
                n.pnc_id,
                ";".join(f for f in FLAGS if getattr(n, f)),
                n.owner.slug,
            ]
            for n in people.iterator()
        ]
        if format == "csv":
            write_csv(self.stdout, HEADER, rows)
            return
        if not rows:
            self.stdout.write("No people match.")
            return
        write_table(self.stdout, HEADER, rows)
        self.stdout.write(f"{len(rows)} {'person' if len(rows) == 1 else 'people'}.")
