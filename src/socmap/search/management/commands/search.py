from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.search import selectors
from socmap.threats.management.commands._output import FORMATS, write_csv, write_json, write_table


class Command(BaseCommand):
    help = (
        "Search threats, nominals (and aliases), plans, disruptions, intelligence and local "
        "profiles as a user (--as is required: the results are what that user may see)."
    )

    def add_arguments(self, parser):
        parser.add_argument("text", help="What to search for (quote several words)")
        parser.add_argument("--kind", choices=list(selectors.KINDS), default="")
        parser.add_argument("--force", default="", help="Organisation slug, e.g. wiltshire")
        parser.add_argument("--date-from", default="")
        parser.add_argument("--date-to", default="")
        parser.add_argument("--status", default="")
        parser.add_argument("--page", type=int, default=1)
        parser.add_argument("--page-size", type=int, default=selectors.PAGE_SIZE)
        parser.add_argument("--format", choices=FORMATS, default="table")
        add_actor_argument(parser)

    def handle(self, *args, text, actor, **o):
        if not actor:
            raise CommandError("Give --as USERNAME: search shows what that user may see.")
        user = resolve_actor(actor)
        try:
            request = selectors.parse_request(
                text,
                kind=o["kind"],
                force=o["force"],
                date_from=o["date_from"],
                date_to=o["date_to"],
                status=o["status"],
                page=o["page"],
                page_size=o["page_size"],
            )
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        results = selectors.search(user, request)
        header = ["kind", "reference", "title", "detail", "matched", "date", "rank"]
        rows = [
            [
                h.kind if not h.label else f"{h.kind}:{h.label}",
                h.pk,
                h.title,
                h.detail,
                h.matched,
                h.day.isoformat() if h.day else "",
                f"{h.rank:.3f}",
            ]
            for h in results.hits
        ]
        if o["format"] == "json":
            write_json(
                self.stdout,
                [dict(zip(header, row, strict=True)) for row in rows]
                + [{"counts": results.counts, "total": results.total}],
            )
            return
        if o["format"] == "csv":
            write_csv(self.stdout, header, rows)
            return
        counts = ", ".join(f"{selectors.KINDS[k].lower()} {n}" for k, n in results.counts.items())
        self.stdout.write(
            f'{results.total} result(s) for "{request.text}" (page {results.page} of '
            f"{results.num_pages}); by kind: {counts}"
        )
        if rows:
            write_table(self.stdout, header, rows)
