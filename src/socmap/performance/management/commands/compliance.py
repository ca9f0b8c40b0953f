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
        "Compliance measures by force among the records you may see: LROs, plans under all "
        "four Ps, reviews and re-assessments on time, claims graded and validated, days from "
        "mapping to the first disruption."
    )

    def add_arguments(self, parser):
        add_filter_arguments(parser, area=True)
        add_output_arguments(parser, ("compliance", "first_disruption"))

    def handle(self, *args, **values):
        run(self, lambda actor, o: exports.compliance_tables(s.compliance(actor, o)), values)
