from django.core.management.base import BaseCommand

from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.profiles import selectors
from socmap.threats.management.commands._output import FORMATS, write_csv, write_json, write_table


class Command(BaseCommand):
    help = (
        "The strategic assessments and their control strategies (current priorities, the "
        "intelligence requirement and the six-month review), as --as USER may see them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--owner", default="", help="Organisation slug")
        parser.add_argument(
            "--due", action="store_true", help="Only reviews overdue or due within 30 days"
        )
        parser.add_argument("--format", choices=FORMATS, default="table")
        add_actor_argument(parser)

    def handle(self, *args, actor, year, owner, due, **o):
        user = resolve_actor(actor)
        qs = (
            selectors.reviews_due(user)
            if due
            else selectors.assessment_list(user, year=year, owner=owner)
        )
        rows = []
        for a in selectors.with_review_state(qs):
            current = [p for p in selectors.priorities_of(user, a) if p.is_current()]
            priorities = "; ".join(
                f"{p.get_kind_display()}: {p.subject_name}"
                if selectors.named_threat_visible(user, p)
                else f"{p.get_kind_display()}: (a threat you cannot see)"
                for p in current
            )
            rows.append(
                {
                    "organisation": a.owner.slug,
                    "year": a.year,
                    "title": a.title,
                    "approved_on": a.approved_on.isoformat(),
                    "review_due": a.review_due.isoformat(),
                    "review": a.review_state_label,
                    "priorities": priorities,
                    "intelligence_requirement": a.intelligence_requirement,
                }
            )
        if o["format"] == "json":
            write_json(self.stdout, rows)
            return
        header = ["organisation", "year", "approved_on", "review_due", "review", "priorities"]
        values = [[r[h] for h in header] for r in rows]
        if o["format"] == "csv":
            write_csv(
                self.stdout,
                [*header, "intelligence_requirement"],
                [[*v, r["intelligence_requirement"]] for v, r in zip(values, rows, strict=True)],
            )
            return
        self.stdout.write(f"{len(rows)} strategic assessment(s)")
        if rows:
            write_table(self.stdout, header, values)
