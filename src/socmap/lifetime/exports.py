"""Exports of lifetime management (CSV, XLSX, JSON records) shared by the pages, the API and
the commands, so all three give the same columns. Spreadsheet cells that could run as a
formula are escaped (web.tables.safe_cell, used by both writers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.utils import timezone

from socmap.disruptions.exports import xlsx_response
from socmap.web.tables import csv_response

CHUNK = 2000


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def order_record(order, today: dt.date) -> dict:
    return {
        "reference": order.reference,
        "person_id": order.nominal_id,
        "person": str(order.nominal),
        "order_type": order.order_type_id,
        "order_type_name": order.order_type.name,
        "status": order.status,
        "state": order.state(today),
        "applicant": order.applicant_id,
        "court": order.court,
        "court_reference": order.court_reference,
        "owner": order.owner.name,
        "threat": order.threat.reference if order.threat_id else "",
        "applied_on": _day(order.applied_on),
        "decided_on": _day(order.decided_on),
        "starts_on_release": order.starts_on_release,
        "starts_on": _day(order.starts_on),
        "start_is_provisional": order.start_is_provisional,
        "duration": order.duration_text,
        "ends_on": _day(order.ends_on),
        "ended_on": _day(order.ended_on),
    }


ORDER_HEADER = [
    "reference",
    "person id",
    "person",
    "order type",
    "order type name",
    "status",
    "state",
    "applicant",
    "court",
    "court reference",
    "owner",
    "threat",
    "applied on",
    "made on",
    "starts on release",
    "starts on",
    "start provisional",
    "duration",
    "last day in force",
    "ended on",
]


def order_records(queryset, today=None) -> Iterator[dict]:
    today = today or timezone.localdate()
    for order in queryset.iterator(chunk_size=CHUNK):
        yield order_record(order, today)


def custody_record(custody) -> dict:
    return {
        "reference": custody.reference,
        "person_id": custody.nominal_id,
        "person": str(custody.nominal),
        "custody_type": custody.custody_type,
        "sentence": custody.sentence_text,
        "sentence_months": custody.sentence_months,
        "establishment": custody.establishment,
        "offence": custody.offence,
        "started_on": _day(custody.started_on),
        "expected_release_on": _day(custody.expected_release_on),
        "released_on": _day(custody.released_on),
        "owner": custody.owner.name,
    }


CUSTODY_HEADER = [
    "reference",
    "person id",
    "person",
    "custody",
    "sentence",
    "sentence months",
    "establishment",
    "offence",
    "started on",
    "expected release",
    "released on",
    "owner",
]


def custody_records(queryset) -> Iterator[dict]:
    for custody in queryset.iterator(chunk_size=CHUNK):
        yield custody_record(custody)


def consider_record(row) -> dict:
    return {
        "person_id": row.nominal.pk,
        "person": str(row.nominal),
        "owner": row.nominal.owner.name,
        "threats": [t.reference for t in row.threats],
        "convicted_on": _day(row.convicted_on),
        "evidence": row.evidence,
        "days_since": row.days_since,
        "last_decision": row.last_decision.get_decision_display() if row.last_decision else "",
        "last_decided_on": _day(row.last_decision.decided_on) if row.last_decision else "",
        "live_orders": [o.reference for o in row.live_orders],
    }


CONSIDER_HEADER = [
    "person id",
    "person",
    "owner",
    "threats",
    "convicted on",
    "evidence",
    "days since",
    "last decision",
    "last decided on",
    "live orders",
]


def breach_record(breach) -> dict:
    return {
        "reference": breach.reference,
        "order": breach.order.reference,
        "person_id": breach.order.nominal_id,
        "person": str(breach.order.nominal),
        "order_type": breach.order.order_type_id,
        "occurred_on": _day(breach.occurred_on),
        "outcome": breach.outcome_id,
        "action": breach.outcome.action,
        "disruption": breach.disruption.reference if breach.disruption_id else "",
        "description": breach.description,
    }


BREACH_HEADER = [
    "reference",
    "order",
    "person id",
    "person",
    "order type",
    "occurred on",
    "outcome",
    "enforcement action",
    "disruption",
    "description",
]


def rows(records: Iterable[dict]) -> Iterator[list]:
    for record in records:
        yield ["; ".join(map(str, v)) if isinstance(v, list) else v for v in record.values()]


def table_response(fmt: str, stem: str, title: str, header: list[str], records: Iterable[dict]):
    if fmt == "xlsx":
        return xlsx_response(stem, [(title, header, rows(records))])
    return csv_response(stem, header, rows(records))
