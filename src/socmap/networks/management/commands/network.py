from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from socmap.errors import InvalidInput
from socmap.networks import selectors
from socmap.networks.graph import LinkKind, NodeKind
from socmap.networks.selectors import LINK_VALUES
from socmap.orgs.management.commands._common import resolve_actor
from socmap.threats.management.commands._output import write_csv, write_json, write_table

NODE_HEADER = [
    "key",
    "label",
    "owner",
    "steps",
    "community",
    "degree",
    "betweenness",
    "eigenvector",
    "key player",
]
LINK_HEADER = ["source", "kind", "label", "target", "from", "until"]


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


class Command(BaseCommand):
    help = (
        "The association network around a person (or, with --threat, a threat): everyone and "
        "every link within --steps, as the user named by --as may see it (without --as, the "
        "system operator's view of everything)."
    )

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, help="The person's id (or the threat's with --threat)")
        parser.add_argument("--threat", action="store_true", help="ID is a threat's id")
        parser.add_argument("--steps", type=int, default=2, help="Steps from the start (1-4)")
        parser.add_argument(
            "--kind",
            action="append",
            default=[],
            dest="kinds",
            metavar="KIND",
            help="Only links of this kind (repeat for several): "
            + ", ".join(k for k in LINK_VALUES if k != LinkKind.SAME_PERSON),
        )
        parser.add_argument("--since", default="", metavar="YYYY-MM-DD")
        parser.add_argument("--until", default="", metavar="YYYY-MM-DD")
        parser.add_argument(
            "--threat-status", action="append", default=[], dest="statuses", metavar="STATUS"
        )
        parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
        parser.add_argument("--as", dest="actor", metavar="USERNAME")

    def handle(
        self, *args, id, threat, steps, kinds, since, until, statuses, format, actor, **options
    ):
        user = resolve_actor(actor)
        try:
            steps, link_filter = selectors.parse_filter(
                steps=steps, kinds=kinds, since=since, until=until, threat_statuses=statuses
            )
            view = selectors.network_for(
                user,
                NodeKind.THREAT if threat else NodeKind.NOMINAL,
                id,
                steps=steps,
                link_filter=link_filter,
            )
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        except Http404 as missing:
            raise CommandError(
                f"There is no {'threat' if threat else 'person'} with id {id}"
                + (f" that {actor} may see." if actor else ".")
            ) from missing
        if format == "json":
            write_json(self.stdout, view.as_json())
            return
        labels = {n.key: n.label for n in view.nodes}
        nodes = [
            [
                n.key,
                n.label,
                n.owner,
                n.distance,
                n.community or "",
                n.degree,
                n.betweenness,
                n.eigenvector,
                n.key_player_rank or "",
            ]
            for n in view.nodes
        ]
        links = [
            [labels[x.source], x.kind, x.label, labels[x.target], x.start, x.end]
            for x in view.links
        ]
        if format == "csv":
            write_csv(self.stdout, NODE_HEADER, nodes)
            self.stdout.write("")
            write_csv(self.stdout, LINK_HEADER, links)
            return
        self.stdout.write(
            f"{_count(view.people, 'person', 'people')} and "
            f"{_count(view.threats, 'threat', 'threats')} within "
            f"{_count(view.steps, 'step', 'steps')}; "
            f"{_count(view.communities, 'community', 'communities')}; "
            f"fragmentation {view.fragmentation:.3f}.\n"
        )
        write_table(self.stdout, NODE_HEADER, nodes)
        self.stdout.write("")
        write_table(self.stdout, LINK_HEADER, links)
        if view.key_players:
            self.stdout.write("\nKey players (removed in this order, fragmentation after):")
            for k in view.key_players:
                self.stdout.write(f"  {k.rank}. {k.label}: {k.fragmentation:.3f}")
