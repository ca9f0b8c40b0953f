import re
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.scoping import visible_to
from socmap.people.models import Nominal
from socmap.scoring.selectors import assessment_timeline
from socmap.threats.management.commands._output import write_json, write_table
from socmap.threats.models import Threat
from socmap.threats.selectors import overdue_reason, threat_detail

REFERENCE = re.compile(r"^\s*(?:[A-Za-z]+-)?0*(\d+)\s*$")


class Command(BaseCommand):
    help = (
        "One threat, as its page shows it: details, current band and score with each "
        "attribute's contribution, the score timeline, members and lifecycle. As a user sees "
        "it with --as USERNAME (a threat outside their scope is not found)."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", metavar="REFERENCE", help="e.g. OCG-000012, or the id")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        add_actor_argument(parser)

    def handle(self, *args, reference: str, format: str, actor, **options):
        match = REFERENCE.match(reference)
        if match is None:
            raise CommandError(f"'{reference}' is not a threat reference (e.g. OCG-000012).")
        user = resolve_actor(actor)
        pk = int(match.group(1))
        try:
            threat = threat_detail(user, pk) if user is not None else Threat.objects.get(pk=pk)
        except (Http404, Threat.DoesNotExist) as missing:
            raise CommandError(f"There is no threat {reference} you can see.") from missing
        timeline = list(
            assessment_timeline(user, threat)
            if user is not None
            else threat.assessments.select_related("methodology", "assessed_by")
        )
        latest = timeline[0] if timeline else None
        why = (
            sorted(latest.contributions, key=lambda c: -Decimal(str(c["contribution"])))
            if latest
            else []
        )
        members = list(threat.memberships.select_related("nominal"))
        people = Nominal.objects.filter(pk__in=[m.nominal_id for m in members])
        seen = set(
            (people if user is None else visible_to(user, people)).values_list("pk", flat=True)
        )
        record = {
            "reference": threat.reference,
            "name": threat.name,
            "kind": threat.get_kind_display(),
            "owner": threat.owner.name,
            "tier": threat.get_tier_display(),
            "status": threat.get_status_display(),
            "archive_reason": threat.get_archive_reason_display(),
            "predominant_crime_type": str(threat.predominant_crime_type),
            "other_crime_types": [str(c) for c in threat.other_crime_types.all()],
            "forces": [f.name for f in threat.forces.all()],
            "operation_names": threat.operation_names,
            "lro": threat.lro.username if threat.lro else None,
            "sro": threat.sro.username if threat.sro else None,
            "band": threat.current_band or None,
            "score": str(threat.current_score) if threat.current_score is not None else None,
            "methodology": threat.current_methodology or None,
            "reassessment_due": threat.reassessment_due,
            "overdue": overdue_reason(threat) or None,
            "why": [
                {
                    "attribute": c["label"],
                    "answer": c["answer_label"],
                    "contribution": c["contribution"],
                    "of_maximum": c["of_maximum"],
                }
                for c in why
            ],
            "timeline": [
                {
                    "assessed_at": a.assessed_at,
                    "kind": a.get_kind_display(),
                    "methodology": a.methodology.label,
                    "band": a.band,
                    "score": str(a.score),
                    "by": a.assessed_by.username if a.assessed_by else None,
                    "next_due": a.next_due,
                }
                for a in timeline
            ],
            "members": [
                {
                    "nominal_id": m.nominal_id,
                    "name": str(m.nominal) if m.nominal_id in seen else None,
                    "role": m.get_role_display(),
                    "joined_on": m.joined_on,
                    "left_on": m.left_on,
                }
                for m in members
            ],
            "lifecycle": [
                {
                    "at": change.at,
                    "from": change.get_from_status_display() or "(new)",
                    "to": change.get_to_status_display(),
                    "reason": change.reason,
                }
                for change in threat.status_changes.all()
            ],
        }
        if format == "json":
            write_json(self.stdout, record)
            return
        self._write_text(record)

    def _write_text(self, r: dict) -> None:
        out = self.stdout
        out.write(f"{r['reference']} {r['name']}")
        band = f"band {r['band']}, score {r['score']} ({r['methodology']})" if r["band"] else ""
        out.write(f"{r['kind']}, {r['status'].lower()}" + (f"; {band}" if band else ""))
        out.write("")
        details = [
            ("Owner", f"{r['owner']} ({r['tier']})"),
            ("Predominant crime type", r["predominant_crime_type"]),
            ("Other crime types", ", ".join(r["other_crime_types"]) or "none"),
            ("Force areas touched", ", ".join(r["forces"]) or "none"),
            ("Operation names", ", ".join(r["operation_names"]) or "none"),
            ("LRO", r["lro"] or "none yet"),
            ("SRO", r["sro"] or "none yet"),
            ("Re-assessment due", r["reassessment_due"] or "not set"),
            ("Overdue", r["overdue"] or "no"),
        ]
        if r["archive_reason"]:
            details.insert(1, ("Archived because", r["archive_reason"]))
        width = max(len(label) for label, _ in details)
        for label, value in details:
            out.write(f"{label.ljust(width)}  {value}")
        sections = [
            (
                "Why this score (each attribute's contribution, largest first)",
                ["attribute", "answer", "contribution", "most possible"],
                [
                    [c["attribute"], c["answer"], c["contribution"], c["of_maximum"]]
                    for c in r["why"]
                ],
                "Not assessed yet.",
            ),
            (
                "Score timeline (newest first)",
                ["assessed", "kind", "methodology", "band", "score", "by", "next due"],
                [
                    [
                        f"{a['assessed_at']:%Y-%m-%d %H:%M}",
                        a["kind"],
                        a["methodology"],
                        a["band"],
                        a["score"],
                        a["by"] or "system",
                        a["next_due"],
                    ]
                    for a in r["timeline"]
                ],
                "No assessments yet.",
            ),
            (
                "Members",
                ["person id", "name", "role", "joined", "left"],
                [
                    [
                        m["nominal_id"],
                        m["name"],
                        m["role"],
                        m["joined_on"] or "",
                        m["left_on"] or "current",
                    ]
                    for m in r["members"]
                ],
                "No members recorded.",
            ),
            (
                "Lifecycle (oldest first)",
                ["when", "from", "to", "reason"],
                [
                    [f"{c['at']:%Y-%m-%d %H:%M}", c["from"], c["to"], c["reason"]]
                    for c in r["lifecycle"]
                ],
                "",
            ),
        ]
        for title, header, rows, empty in sections:
            out.write("")
            out.write(title)
            if rows:
                write_table(out, header, rows)
            elif empty:
                out.write(f"  {empty}")
