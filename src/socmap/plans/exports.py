"""The tables of plans as plain records, shared by the pages' CSV/XLSX exports, the API and
the commands, so the three give the same columns for the same filters."""

from __future__ import annotations

import datetime as dt

from socmap.fourp import FourP
from socmap.plans import rules
from socmap.plans.selectors import Gap, Workload, uncovered_of


def _day(value) -> str:
    return value.isoformat() if value else ""


def plan_record(plan, today: dt.date) -> dict:
    threat = plan.threat
    return {
        "plan": plan.reference,
        "threat": threat.reference,
        "name": threat.name,
        "owner": threat.owner.name,
        "status": threat.status,
        "band": threat.current_band,
        "lro": threat.lro.username if threat.lro_id else "",
        **{f"{p}_actions": getattr(plan, f"{p}_actions", 0) for p in FourP.values},
        "open_actions": getattr(plan, "open_actions", 0),
        "overdue_actions": getattr(plan, "overdue_actions", 0),
        "uncovered": ", ".join(FourP(p).label for p in uncovered_of(plan)),
        "next_review_due": _day(plan.next_review_due),
        "review_days_overdue": rules.days_overdue(plan.next_review_due, today),
    }


def action_record(action, today: dt.date) -> dict:
    threat = action.plan.threat
    return {
        "action": action.reference,
        "threat": threat.reference,
        "threat_name": threat.name,
        "category": action.category,
        "description": action.description,
        "owner": action.owner_name,
        "owner_kind": "officer" if action.owner_user_id else "partner organisation",
        "due_on": _day(action.due_on),
        "status": action.status,
        "overdue": rules.is_action_overdue(action.status, action.due_on, today),
        "days_overdue": rules.days_overdue(action.due_on, today)
        if action.status in rules.OPEN_STATUSES
        else 0,
        "outcome": action.outcome,
    }


def gap_record(gap: Gap) -> dict:
    threat = gap.threat
    return {
        "gap": gap.kind,
        "gap_label": gap.label,
        "threat": threat.reference,
        "name": threat.name,
        "owner": threat.owner.name,
        "band": threat.current_band,
        "lro": threat.lro.username if threat.lro_id else "",
        "plan": gap.plan.reference if gap.plan else "",
        "detail": gap.detail,
    }


def workload_record(row: Workload) -> dict:
    return {
        "lro": row.lro.username,
        "name": row.lro.display_name,
        "organisation": row.lro.organisation.name if row.lro.organisation_id else "",
        "active_threats": row.threats,
        "limit": row.limit,
        "over_by": row.over_by,
    }


def review_due_record(plan, today: dt.date) -> dict:
    threat = plan.threat
    return {
        "plan": plan.reference,
        "threat": threat.reference,
        "name": threat.name,
        "owner": threat.owner.name,
        "lro": threat.lro.username if threat.lro_id else "",
        "next_review_due": _day(plan.next_review_due),
        "days_overdue": rules.days_overdue(plan.next_review_due, today),
        "open_actions": getattr(plan, "open_actions", 0),
        "uncovered": ", ".join(FourP(p).label for p in uncovered_of(plan)),
    }


PLAN_HEADER = [
    "plan", "threat", "name", "owner", "status", "band", "lro",
    *[f"{p}_actions" for p in FourP.values],
    "open_actions", "overdue_actions", "uncovered", "next_review_due", "review_days_overdue",
]  # fmt: skip
ACTION_HEADER = [
    "action", "threat", "threat_name", "category", "description", "owner", "owner_kind",
    "due_on", "status", "overdue", "days_overdue", "outcome",
]  # fmt: skip
GAP_HEADER = ["gap", "gap_label", "threat", "name", "owner", "band", "lro", "plan", "detail"]
WORKLOAD_HEADER = ["lro", "name", "organisation", "active_threats", "limit", "over_by"]
REVIEW_HEADER = [
    "plan", "threat", "name", "owner", "lro", "next_review_due", "days_overdue",
    "open_actions", "uncovered",
]  # fmt: skip


def rows(records: list[dict], columns: list[str]) -> list[list]:
    return [[_cell(r[c]) for c in columns] for r in records]


def _cell(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value
