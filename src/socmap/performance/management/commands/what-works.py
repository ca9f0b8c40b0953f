from django.core.management.base import BaseCommand

from socmap.performance import exports
from socmap.performance import selectors as s
from socmap.performance.management.commands._figures import (
    add_filter_arguments,
    add_output_arguments,
    run,
)


class Command(BaseCommand):
    help = (
        "What works: the change at the next re-assessment after disruptions of each tactic "
        "and 4P category against matched threats without them (95% stratified bootstrap "
        "intervals, small samples marked), and how long threats stay active by approach."
    )

    def add_arguments(self, parser):
        add_filter_arguments(parser)
        add_output_arguments(parser, ("categories", "tactics", "survival", "curve"))

    def handle(self, *args, **values):
        run(self, lambda actor, o: exports.what_works_tables(s.what_works(actor, o)), values)
