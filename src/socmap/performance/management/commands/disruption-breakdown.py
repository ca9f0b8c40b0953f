from django.core.management.base import BaseCommand

from socmap.performance import exports
from socmap.performance import selectors as s
from socmap.performance.management.commands._figures import (
    add_filter_arguments,
    add_output_arguments,
    run,
)


class Command(BaseCommand):
    help = "Disruptions by 4P category, tactic, impact grade and crime type for an area."

    def add_arguments(self, parser):
        add_filter_arguments(parser, area=True)
        add_output_arguments(parser, ("categories", "tactics", "grades", "crime_types"))

    def handle(self, *args, **values):
        run(self, lambda actor, o: exports.breakdown_tables(s.breakdown(actor, o)), values)
