from django.core.management.base import BaseCommand, CommandError

from socmap.lifetime import exports, rules, selectors
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.threats.management.commands._output import FORMATS, write_csv, write_json, write_table

KINDS = ("releases", "expiring", "past-end", "consider")


class Command(BaseCommand):
    help = (
        "Lifetime management alerts: releases and order expiries in the next --days days, "
        "orders past their last day, and convicted members of active threats with no order "
        "considered since their conviction. As a user sees them with --as USERNAME; without "
        "--as, everything (the system operator's view)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=rules.ALERT_DAYS_DEFAULT)
        parser.add_argument("--only", choices=KINDS, help="Show one kind of alert")
        parser.add_argument("--format", choices=FORMATS, default="table")
        add_actor_argument(parser)

    def handle(self, *args, days, only, format, actor, **options):
        if days < 0 or days > rules.MAX_ALERT_DAYS:
            raise CommandError(f"--days must be from 0 to {rules.MAX_ALERT_DAYS}.")
        user = resolve_actor(actor)
        found = selectors.alerts(user, days=days)
        sections = {
            "releases": (
                f"Releases in the next {days} days",
                exports.CUSTODY_HEADER,
                list(exports.custody_records(found.releases)),
            ),
            "expiring": (
                f"Orders ending in the next {days} days",
                exports.ORDER_HEADER,
                list(exports.order_records(found.expiring)),
            ),
            "past-end": (
                "Orders past their last day (run socmap expire-orders)",
                exports.ORDER_HEADER,
                list(exports.order_records(found.past_end)),
            ),
            "consider": (
                "Convicted members of active threats with no order considered",
                exports.CONSIDER_HEADER,
                [exports.consider_record(r) for r in found.consider],
            ),
        }
        chosen = [only] if only else list(KINDS)
        if format == "json":
            write_json(self.stdout, {kind: sections[kind][2] for kind in chosen})
            return
        for kind in chosen:
            title, header, records = sections[kind]
            rows = list(exports.rows(records))
            if format == "csv":
                if len(chosen) > 1:
                    self.stdout.write(f"# {title}")
                write_csv(self.stdout, header, rows)
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"{title}: {len(rows)}"))
            if rows:
                short = _short(kind, records)
                write_table(self.stdout, short[0], short[1])
            else:
                self.stdout.write("  none")
            self.stdout.write("")


def _short(kind: str, records: list[dict]):
    """The columns a terminal has room for."""
    if kind == "releases":
        keys = ["reference", "person_id", "person", "expected_release_on", "establishment", "owner"]
    elif kind == "consider":
        keys = ["person_id", "person", "threats", "convicted_on", "last_decision", "owner"]
    else:
        keys = ["reference", "person_id", "person", "order_type", "ends_on", "owner"]
    rows = [["; ".join(r[k]) if isinstance(r[k], list) else r[k] for k in keys] for r in records]
    return [k.replace("_", " ") for k in keys], rows
