from django.core.management.base import BaseCommand, CommandError

from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.threats.management.commands._output import write_csv, write_table
from socmap.threats.models import Status
from socmap.threats.selectors import band_distribution, crime_type_breakdown, threats_per_million


class Command(BaseCommand):
    help = (
        "Threat figures: threats per million population by force and by region (with the "
        "population year each rate uses), the predominant crime type breakdown and the band "
        "distribution. As a user sees them with --as USERNAME; without --as, every threat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--status",
            default=Status.ACTIVE,
            help=f"Which threats to count: one of {', '.join(Status.values)} (default: active)",
        )
        parser.add_argument("--year", type=int, help="Population year to use (default: this year)")
        parser.add_argument("--format", choices=("table", "csv"), default="table")
        add_actor_argument(parser)

    def handle(self, *args, status, year, format, actor, **options):
        if status not in Status.values:
            raise CommandError(
                f"Unknown status '{status}': choose one of {', '.join(Status.values)}."
            )
        user = resolve_actor(actor)
        forces, regions = threats_per_million(user, year=year, status=status)
        label = Status(status).label.lower()
        sections = [
            (
                f"Threats per million population by force ({label} threats)",
                ["force", "threats", "population", "population year", "per million"],
                [_rate(r) for r in forces],
                "(none: rates appear for the forces whose threats you see in full)",
            ),
            (
                f"Threats per million population by region ({label} threats)",
                ["region", "threats", "population", "population year", "per million"],
                [_rate(r) for r in regions],
                "(none: a region's rate needs every threat of its forces and its ROCU, which "
                "ROCU and national users see)",
            ),
            (
                f"Predominant crime type ({label} threats)",
                ["crime type", "threats", "percentage"],
                [
                    [r["name"], r["threats"], r["share"]]
                    for r in crime_type_breakdown(user, status=status)
                ],
                "(none)",
            ),
            (
                f"Band distribution ({label} threats)",
                ["methodology", "band", "threats"],
                [
                    [r["methodology"], r["band"], r["threats"]]
                    for r in band_distribution(user, status=status)
                ],
                "(none)",
            ),
        ]
        for number, (title, header, rows, empty) in enumerate(sections):
            if number:
                self.stdout.write("")
            if format == "csv":
                self.stdout.write(f"# {title}")
                write_csv(self.stdout, header, rows)
            else:
                self.stdout.write(title)
                if rows:
                    write_table(self.stdout, header, rows)
                else:
                    self.stdout.write(empty)


def _rate(r) -> list:
    return [
        r.name,
        r.threats,
        r.population if r.population is not None else "",
        r.population_year or "not loaded",
        r.per_million if r.per_million is not None else "",
    ]
