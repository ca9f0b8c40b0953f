from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.networks import selectors
from socmap.networks.views import THREAT_LINK_CSV, threat_link_rows
from socmap.orgs.management.commands._common import resolve_actor
from socmap.threats.management.commands._output import write_csv, write_json, write_table


class Command(BaseCommand):
    help = (
        "Threats linked through shared people (members and subjects) across everything the "
        "user named by --as may see (without --as, the system operator's view of everything)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--status",
            action="append",
            default=[],
            dest="statuses",
            metavar="STATUS",
            help="Threats of this status (repeat for several; default: active)",
        )
        parser.add_argument(
            "--min-shared", type=int, default=1, help="At least this many people in common"
        )
        parser.add_argument("--include-past", action="store_true", help="Count past members too")
        parser.add_argument("--sort", default="-shared", help="shared or threat (- to reverse)")
        parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
        parser.add_argument(
            "--as", dest="actor", metavar="USERNAME", help="Show what this user may see"
        )

    def handle(self, *args, statuses, min_shared, include_past, sort, format, **options):
        user = resolve_actor(options.get("actor"))
        try:
            chosen = selectors.parse_area_filter(
                statuses=statuses, min_shared=min_shared, include_past=include_past, sort=sort
            )
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        result = selectors.threat_links_in_area(user, **chosen)
        rows = list(threat_link_rows(result))
        if format == "json":
            write_json(self.stdout, [dict(zip(THREAT_LINK_CSV, row, strict=True)) for row in rows])
            return
        if format == "csv":
            write_csv(self.stdout, THREAT_LINK_CSV, rows)
            return
        self.stdout.write(
            f"{result.threats_linked} of {result.threats_seen} threats linked through "
            f"{result.people} shared people, in {result.groups} groups; {len(rows)} pairs.\n"
        )
        write_table(
            self.stdout,
            ["threat", "linked threat", "people", "who", "group"],
            [
                [
                    f"{p.first.reference} {p.first.name}",
                    f"{p.second.reference} {p.second.name}",
                    len(p.shared),
                    ", ".join(s.label for s in p.shared),
                    p.group,
                ]
                for p in result.pairs
            ],
        )
