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
        "The ranking of forces by disruptions per 1,000 population over a period (the last 24 "
        "months by default), with the average of the forces compared and each one's ratio to it."
    )

    def add_arguments(self, parser):
        add_filter_arguments(parser)
        parser.add_argument("--sort", choices=s.RANKING_SORTS, default="rank")
        add_output_arguments(parser, ("ranking", "regions"))

    def handle(self, *args, **values):
        run(self, lambda actor, o: exports.ranking_tables(s.ranking(actor, o)), values)
