import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.intel import exports, selectors
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.threats.management.commands._output import FORMATS, write_csv, write_json, write_table


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as bad:
        raise CommandError(f"'{value}' is not a date: use 2026-03-14.") from bad


class Command(BaseCommand):
    help = (
        "Intelligence process measures per organisation over a period (default: the twelve "
        "months to today): SARs received and packaged (packages per 100 SARs) and the share of "
        "arrested foreign nationals checked with ACRO."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start", default="", help="First day (YYYY-MM-DD)")
        parser.add_argument("--end", default="", help="Last day (YYYY-MM-DD)")
        parser.add_argument("--format", choices=FORMATS, default="table")
        add_actor_argument(parser)

    def handle(self, *args, start, end, format, actor, **options):
        user = resolve_actor(actor)
        try:
            found = selectors.measures(
                user, start=_date(start) if start else None, end=_date(end) if end else None
            )
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        records = [exports.measure_row(r) for r in [*found.rows, found.total]]
        if format == "json":
            write_json(self.stdout, {"start": found.start, "end": found.end, "rows": records})
            return
        rows = [list(r.values()) for r in records]
        if format == "csv":
            write_csv(self.stdout, exports.MEASURE_HEADER, rows)
            return
        self.stdout.write(f"Process measures, {found.period}")
        write_table(
            self.stdout,
            [
                "organisation",
                "SARs",
                "packages",
                "per 100 SARs",
                "arrested",
                "ACRO checked",
                "share %",
            ],
            [
                [
                    r["organisation"],
                    r["sars_received"],
                    r["packages"],
                    r["packages_per_100_sars"],
                    r["arrests"],
                    r["acro_checked"],
                    r["acro_share"],
                ]
                for r in records
            ],
        )
