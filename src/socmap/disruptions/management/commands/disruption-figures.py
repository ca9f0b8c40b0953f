import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from socmap.disruptions.exports import FIGURES_HEADER, figure_row
from socmap.disruptions.selectors import counts_by_force
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.threats.management.commands._output import write_csv, write_json, write_table


class Command(BaseCommand):
    help = (
        "Validated disruptions per force over a period (two years by default) and per 1,000 "
        "population, with the population year each rate used: the headline measure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--end", default="", metavar="DATE", help="Last day (default today)")
        parser.add_argument("--years", type=int, default=2, help="Years counted (1 to 5)")
        parser.add_argument("--force", default="", metavar="SLUG", help="Just one force")
        parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
        add_actor_argument(parser)

    def handle(self, *args, end, years, force, format, actor, **options):
        try:
            last = dt.date.fromisoformat(end) if end else timezone.localdate()
        except ValueError as wrong:
            raise CommandError(f"'{end}' is not a date: use 2026-03-31.") from wrong
        if last > timezone.localdate():
            raise CommandError("The period cannot end in the future.")
        if not 1 <= years <= 5:
            raise CommandError("--years must be 1 to 5.")
        counts = counts_by_force(resolve_actor(actor), end=last, years=years, force=force)
        rows = [figure_row(r) for r in counts.rows] + [figure_row(counts.total)]
        if format == "json":
            write_json(self.stdout, [dict(zip(FIGURES_HEADER, r, strict=True)) for r in rows])
            return
        if format == "csv":
            write_csv(self.stdout, FIGURES_HEADER, rows)
            return
        self.stdout.write(
            f"Validated disruptions, {counts.period}"
            + (f" (population year {counts.population_years})" if counts.population_years else "")
            + "."
        )
        write_table(self.stdout, FIGURES_HEADER, rows)
