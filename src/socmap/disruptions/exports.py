"""Exports of disruptions (CSV, XLSX, JSON records) shared by the list page, the API and the
``socmap disruptions`` command, so the three give the same columns for the same filters.
Text cells that a spreadsheet would run as a formula are escaped (see web.tables.safe_cell)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils import timezone

from socmap.disruptions.files import xlsx_bytes
from socmap.disruptions.models import Disruption
from socmap.disruptions.rules import QUANTITIES
from socmap.threats.models import Threat

HEADER = [
    "reference",
    "date",
    "threats",
    "owner",
    "acting organisation",
    "4P category",
    "tactic",
    "grade",
    "grade rationale",
    "status",
    *[q.code for q in QUANTITIES],
    "operation",
    "narrative",
    "evidence",
    "nominals",
    "recorded by",
    "recorded at",
    "submitted at",
    "validated by",
    "validated at",
    "source",
]
CHUNK = 2000


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def with_links(queryset: QuerySet[Disruption]) -> QuerySet[Disruption]:
    return queryset.prefetch_related(
        Prefetch("threats", queryset=Threat.objects.only("id", "kind")),
        "nominals",
    )


def records(queryset: QuerySet[Disruption]) -> Iterator[dict]:
    """One plain dict per disruption (the JSON export and the source of the other two)."""
    for d in with_links(queryset).iterator(chunk_size=CHUNK):
        yield {
            "reference": d.reference,
            "date": d.occurred_on.isoformat(),
            "threats": [t.reference for t in d.threats.all()],
            "owner": d.owner.name,
            "acting_organisation": d.acting_organisation.name,
            "category": d.category,
            "tactic": d.tactic_id,
            "grade": d.grade,
            "grade_rationale": d.grade_rationale,
            "status": d.status,
            **{q.code: getattr(d, q.code) for q in QUANTITIES},
            "operation": d.operation_name,
            "narrative": d.narrative,
            "evidence": list(d.evidence),
            "nominals": [n.pk for n in d.nominals.all()],
            "recorded_by": d.recorded_by.username if d.recorded_by else "",
            "recorded_at": _when(d.recorded_at),
            "submitted_at": _when(d.submitted_at),
            "validated_by": d.validated_by.username if d.validated_by else "",
            "validated_at": _when(d.validated_at),
            "source": d.source,
        }


def rows(queryset: QuerySet[Disruption]) -> Iterator[list]:
    """Table rows in the order of :data:`HEADER` (lists joined with '; ')."""
    for record in records(queryset):
        yield [
            "; ".join(v) if key in ("threats", "evidence") else
            "; ".join(map(str, v)) if key == "nominals" else v
            for key, v in record.items()
        ]  # fmt: skip


def filename(stem: str, suffix: str) -> str:
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.{suffix}"


def xlsx_response(stem: str, sheets) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(sheets),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(stem, "xlsx")}"'
    return response
