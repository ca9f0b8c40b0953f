from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.models import Organisation
from socmap.threats.management.commands._output import FORMATS, write_csv, write_json, write_table
from socmap.threats.models import Status, ThreatKind
from socmap.threats.selectors import overdue_reason, prioritised_threats

HEADER = [
    "reference",
    "name",
    "kind",
    "owner",
    "status",
    "crime type",
    "band",
    "score",
    "methodology",
    "LRO",
    "re-assessment due",
    "overdue",
]


class Command(BaseCommand):
    help = (
        "The prioritised threat list (highest band and score first), as a user sees it with "
        "--as USERNAME; without --as, every threat (the system operator's view)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--status",
            default=Status.ACTIVE,
            help=f"One of {', '.join(Status.values)}, or 'any' (default: active)",
        )
        parser.add_argument("--kind", default="", help=f"One of {', '.join(ThreatKind.values)}")
        parser.add_argument("--force", default="", metavar="SLUG", help="A force's slug")
        parser.add_argument(
            "--overdue", action="store_true", help="Only threats overdue for re-assessment"
        )
        parser.add_argument("--format", choices=FORMATS, default="table")
        add_actor_argument(parser)

    def handle(self, *args, status, kind, force, overdue, format, actor, **options):
        if status == "any":
            status = ""
        if status and status not in Status.values:
            raise CommandError(
                f"Unknown status '{status}': choose one of {', '.join(Status.values)} or 'any'."
            )
        if kind and kind not in ThreatKind.values:
            raise CommandError(
                f"Unknown kind '{kind}': choose one of {', '.join(ThreatKind.values)}."
            )
        if force and not Organisation.objects.filter(slug=force).exists():
            raise CommandError(f"There is no force with the slug '{force}'.")
        user = resolve_actor(actor)
        threats = prioritised_threats(user, status=status, kind=kind, force=force, overdue=overdue)
        today = timezone.localdate()
        records = [
            {
                "reference": t.reference,
                "name": t.name,
                "kind": t.kind,
                "owner": t.owner.name,
                "status": t.status,
                "crime_type": t.predominant_crime_type_id,
                "band": t.current_band,
                "score": str(t.current_score) if t.current_score is not None else None,
                "methodology": t.current_methodology,
                "lro": t.lro.username if t.lro else None,
                "reassessment_due": t.reassessment_due.isoformat() if t.reassessment_due else None,
                "overdue": overdue_reason(t, today) or None,
            }
            for t in threats
        ]
        if format == "json":
            write_json(self.stdout, records)
            return
        rows = [
            [
                r["reference"],
                r["name"],
                r["kind"],
                r["owner"],
                r["status"],
                r["crime_type"],
                r["band"] or "-",
                r["score"] or "-",
                r["methodology"],
                r["lro"] or "",
                r["reassessment_due"] or "",
                r["overdue"] or "no",
            ]
            for r in records
        ]
        if format == "csv":
            write_csv(self.stdout, HEADER, rows)
            return
        if not rows:
            self.stdout.write("No threats match.")
            return
        write_table(self.stdout, HEADER, rows)
        self.stdout.write(f"{len(rows)} threat{'s' if len(rows) != 1 else ''}.")
