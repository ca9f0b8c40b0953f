from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import resolve_actor
from socmap.performance import selectors as s
from socmap.performance.management.commands._figures import add_filter_arguments, options_from


class Command(BaseCommand):
    help = "The public summary of a force's or region's results: rounded, no names."

    def add_arguments(self, parser):
        add_filter_arguments(parser, area=True)

    def handle(self, *args, **values):
        try:
            summary = s.public_summary(resolve_actor(values.get("actor")), options_from(values))
        except (InvalidInput, PermissionDenied) as wrong:
            raise CommandError(str(wrong)) from wrong
        for line in summary.sentences:
            self.stdout.write(line)
