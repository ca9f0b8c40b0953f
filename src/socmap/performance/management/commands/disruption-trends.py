from django.core.management.base import BaseCommand

from socmap.performance import exports
from socmap.performance import selectors as s
from socmap.performance.management.commands._figures import (
    add_filter_arguments,
    add_output_arguments,
    run,
)


class Command(BaseCommand):
    help = "Disruptions by month or quarter for a force, a region or nationally, with rates."

    def add_arguments(self, parser):
        add_filter_arguments(parser, area=True, by=True)
        add_output_arguments(parser, ("trend",))

    def handle(self, *args, **values):
        run(self, lambda actor, o: {"trend": exports.trend_table(s.trends(actor, o))}, values)
