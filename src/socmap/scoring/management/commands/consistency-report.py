from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.scoring import reports
from socmap.scoring.management.commands._output import (
    add_format_argument,
    command_error,
    write_rows,
)
from socmap.scoring.selectors import consistency_report
from socmap.scoring.services import methodology_version


class Command(BaseCommand):
    help = (
        "List active threats whose objective answers are near-identical (mean absolute "
        "difference of their positions on each objective attribute) but whose bands differ, "
        "with the subjective answers on which they differ. With --as, only the threats that "
        "user may see."
    )

    def add_arguments(self, parser):
        parser.add_argument("--methodology", required=True, metavar="NAME@VERSION")
        parser.add_argument("--max-distance", type=float, default=0.1)
        parser.add_argument("--min-band-gap", type=int, default=1)
        add_actor_argument(parser)
        add_format_argument(parser)

    def handle(self, *args, methodology, max_distance, min_band_gap, actor, format, **options):
        if not 0 <= max_distance <= 1:
            raise CommandError("--max-distance must be from 0 to 1.")
        if min_band_gap < 1:
            raise CommandError("--min-band-gap must be 1 or more.")
        user = resolve_actor(actor)
        try:
            version = methodology_version(methodology)
        except InvalidInput as invalid:
            raise command_error(self.stderr, invalid, "No report:") from invalid
        report = consistency_report(
            user, version, max_distance=max_distance, min_band_gap=min_band_gap
        )
        rows = reports.consistency_table(report)
        if format == "table":
            self.stdout.write(
                f"{version.label}: {report.threats_compared} active threats compared on "
                f"{len(report.attributes)} objective attributes; {len(rows)} pair"
                f"{'' if len(rows) == 1 else 's'} within {max_distance} and "
                f"{min_band_gap}+ band{'' if min_band_gap == 1 else 's'} apart."
            )
            if not rows:
                return
        write_rows(self.stdout, format, reports.CONSISTENCY_HEADER, rows)
