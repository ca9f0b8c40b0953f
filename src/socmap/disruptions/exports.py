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
from socmap.disruptions.selectors import LinkedVisibility
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

FIGURES_HEADER = [
    "force",
    "validated disruptions",
    "of which major or moderate",
    "population",
    "population year",
    "per 1,000 population",
    "note",
]


def figure_row(row) -> list:
    """One force's (or the total's) line of the figures table, in :data:`FIGURES_HEADER` order.
    A force's caveat replaces its rate; the total's explains which forces its rate counts."""
    shown = row.per_thousand is not None and (not row.caveat or not row.slug)
    return [
        row.name,
        row.validated,
        row.major_or_moderate,
        row.population if row.population is not None else "",
        row.population_year or "",
        row.per_thousand if shown else "",
        row.caveat,
    ]


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def with_links(queryset: QuerySet[Disruption]) -> QuerySet[Disruption]:
    return queryset.prefetch_related(
        Prefetch("threats", queryset=Threat.objects.only("id", "kind")),
        "nominals",
    )


def _chunks(queryset: QuerySet[Disruption]) -> Iterator[list[Disruption]]:
    chunk: list[Disruption] = []
    for disruption in with_links(queryset).iterator(chunk_size=CHUNK):
        chunk.append(disruption)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def records(queryset: QuerySet[Disruption], user=None) -> Iterator[dict]:
    """One plain dict per disruption (the JSON export and the source of the other two).

    ``user`` is who asked: a threat or person they may not see (a claim shared with a partner
    may name one) is left out, as the disruption's page leaves it out."""
    visibility = LinkedVisibility(user)
    for chunk in _chunks(queryset):
        for d in chunk:
            yield {
                "reference": d.reference,
                "date": d.occurred_on.isoformat(),
                "threats": [t.reference for t in d.threats.all() if visibility.visible(t)],
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
                "nominals": [n.pk for n in d.nominals.all() if visibility.visible(n)],
                "recorded_by": d.recorded_by.username if d.recorded_by else "",
                "recorded_at": _when(d.recorded_at),
                "submitted_at": _when(d.submitted_at),
                "validated_by": d.validated_by.username if d.validated_by else "",
                "validated_at": _when(d.validated_at),
                "source": d.source,
            }


def rows(queryset: QuerySet[Disruption], user=None) -> Iterator[list]:
    """Table rows in the order of :data:`HEADER` (lists joined with '; ')."""
    for record in records(queryset, user):
        yield [
            "; ".join(v) if key in ("threats", "evidence") else
            "; ".join(map(str, v)) if key == "nominals" else v
            for key, v in record.items()
        ]  # fmt: skip


def filename(stem: str, suffix: str) -> str:
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.{suffix}"


def xlsx_response(stem: str, sheets) -> HttpResponse:
    from socmap.web.tables import audit_export, export_filename

    counter = [0]
    response = HttpResponse(
        xlsx_bytes(sheets, counter),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return audit_export(response, export_filename(stem, "xlsx"), "xlsx", counter[0])
