"""Exports of intelligence records shared by the pages, the API and the commands. An export
never carries the text of an original report: it is read one report at a time, audited."""

from __future__ import annotations

from collections.abc import Iterator

from socmap.lifetime.exports import rows, table_response  # noqa: F401  (one export writer)

CHUNK = 2000


def _day(value) -> str:
    return value.isoformat() if value else ""


REPORT_HEADER = [
    "reference",
    "reported on",
    "owner",
    "source type",
    "source organisation",
    "grading system",
    "grading",
    "source evaluation",
    "intelligence assessment",
    "handling code",
    "handling conditions",
    "classification",
    "people",
    "threats",
    "sanitised copies",
    "external reference",
]


def report_record(report) -> dict:
    return {
        "reference": report.reference,
        "reported_on": _day(report.reported_on),
        "owner": report.owner.name,
        "source_type": report.source_type,
        "source_organisation": report.source_organisation.name
        if report.source_organisation_id
        else "",
        "grading_system": report.grading_system,
        "grading": report.grading_code,
        "source_evaluation": report.source_evaluation,
        "intelligence_assessment": report.intelligence_assessment,
        "handling_code": report.handling_code,
        "handling_conditions": report.handling_conditions,
        "classification": report.classification,
        "nominals": [n.pk for n in report.nominals.all()],
        "threats": [t.reference for t in report.threats.all()],
        "sanitised_copies": [c.reference for c in report.sanitised_copies.all()],
        "external_reference": report.external_reference,
    }


def report_records(queryset) -> Iterator[dict]:
    queryset = queryset.prefetch_related("nominals", "threats", "sanitised_copies")
    for report in queryset.iterator(chunk_size=CHUNK):
        yield report_record(report)


COPY_HEADER = ["reference", "made on", "classification", "handling conditions", "text"]


def copy_record(copy) -> dict:
    return {
        "reference": copy.reference,
        "made_on": _day(copy.created_at.date()),
        "classification": copy.classification,
        "handling_conditions": copy.handling_conditions,
        "text": copy.text,
    }


def copy_records(queryset) -> Iterator[dict]:
    for copy in queryset.iterator(chunk_size=CHUNK):
        yield copy_record(copy)


TRIGGER_HEADER = [
    "reference",
    "submitted at",
    "from",
    "to",
    "title",
    "suggested kind",
    "crime type",
    "status",
    "threat",
    "decline reason",
    "decision note",
]


def trigger_record(trigger) -> dict:
    return {
        "reference": trigger.reference,
        "submitted_at": trigger.submitted_at.strftime("%Y-%m-%d %H:%M"),
        "from": trigger.submitted_by_organisation.name,
        "to": trigger.owner.name,
        "title": trigger.title,
        "suggested_kind": trigger.suggested_kind,
        "crime_type": trigger.crime_type_id or "",
        "status": trigger.status,
        "threat": trigger.threat.reference if trigger.threat_id else "",
        "decline_reason": trigger.decline_reason,
        "decision_note": trigger.decision_note,
    }


def trigger_records(queryset) -> Iterator[dict]:
    for trigger in queryset.iterator(chunk_size=CHUNK):
        yield trigger_record(trigger)


SAR_HEADER = [
    "reference",
    "received on",
    "owner",
    "reporter sector",
    "amount",
    "subject",
    "status",
    "triaged on",
    "package",
]


def sar_record(sar) -> dict:
    return {
        "reference": sar.reference,
        "received_on": _day(sar.received_on),
        "owner": sar.owner.name,
        "reporter_sector": sar.reporter_sector,
        "amount": str(sar.amount) if sar.amount is not None else "",
        "subject": sar.subject,
        "status": sar.status,
        "triaged_on": _day(sar.triaged_on),
        "package": sar.package.reference if sar.package_id else "",
    }


def sar_records(queryset) -> Iterator[dict]:
    for sar in queryset.iterator(chunk_size=CHUNK):
        yield sar_record(sar)


ARREST_HEADER = [
    "custody reference",
    "arrested on",
    "owner",
    "nationality",
    "person id",
    "ACRO check",
    "requested on",
    "answered on",
]


def arrest_record(arrest) -> dict:
    return {
        "custody_reference": arrest.custody_reference,
        "arrested_on": _day(arrest.arrested_on),
        "owner": arrest.owner.name,
        "nationality": arrest.nationality,
        "person_id": arrest.nominal_id or "",
        "acro_result": arrest.acro_result,
        "requested_on": _day(arrest.requested_on),
        "answered_on": _day(arrest.answered_on),
    }


def arrest_records(queryset) -> Iterator[dict]:
    for arrest in queryset.iterator(chunk_size=CHUNK):
        yield arrest_record(arrest)


MEASURE_HEADER = [
    "organisation",
    "SARs received",
    "SARs triaged",
    "SARs awaiting triage",
    "SARs in packages",
    "intelligence packages",
    "packages per 100 SARs received",
    "foreign nationals arrested",
    "ACRO checks",
    "share checked (%)",
    "overseas convictions found",
]


def measure_row(row) -> dict:
    return {
        "organisation": row.name,
        "sars_received": row.sars_received,
        "sars_triaged": row.sars_triaged,
        "sars_awaiting": row.sars_awaiting,
        "sars_in_packages": row.sars_in_packages,
        "packages": row.packages,
        "packages_per_100_sars": ""
        if row.packages_per_100_sars is None
        else str(row.packages_per_100_sars),
        "arrests": row.arrests,
        "acro_checked": row.acro_checked,
        "acro_share": "" if row.acro_share is None else str(row.acro_share),
        "convictions_found": row.convictions_found,
    }
