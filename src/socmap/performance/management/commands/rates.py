from django.core.management.base import BaseCommand

from socmap.performance import exports
from socmap.performance import selectors as s
from socmap.performance.management.commands._figures import (
    add_filter_arguments,
    add_output_arguments,
    run,
)


def tables(actor, options):
    result = s.rates(actor, options)
    built = exports.ranking_tables(result.ranking)
    return {
        "regions": built["regions"],
        "forces": built["ranking"],
        "threats": exports.threat_table(result.threats, options.period),
    }


class Command(BaseCommand):
    help = (
        "Disruptions per 1,000 population by region, nationally and by force, and threats "
        "per million population, each naming the population year it used."
    )

    def add_arguments(self, parser):
        add_filter_arguments(parser)
        add_output_arguments(parser, ("regions", "forces", "threats"))

    def handle(self, *args, **values):
        run(self, tables, values)
