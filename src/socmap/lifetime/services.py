"""Operations of lifetime management: custody and release, orders (applied, granted, refused,
varied, discharged, expired), their conditions, breaches (recorded as disruptions where they
lead to action) and decisions to consider an order. Each function is one transaction with
its audit event; each step of an order is appended to its history.

The statutory rules live in :mod:`socmap.lifetime.rules` (pure functions) and the order types'
figures in ``fixtures/order_types.yaml``; this module gathers the facts and applies them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from socmap.audit.services import record_event
from socmap.errors import InvalidInput
from socmap.fourp import FourP
from socmap.lifetime import rules
from socmap.lifetime.checks import check_date, clean_text
from socmap.lifetime.models import (
    CONDITION_DETAILS,
    Applicant,
    Breach,
    BreachOutcome,
    ConditionKind,
    CustodyRecord,
    Decision,
    Order,
    OrderAction,
    OrderCondition,
    OrderConsideration,
    OrderEvent,
    OrderSubject,
    OrderType,
)
from socmap.lifetime.rules import LIVE, CustodyType, OrderStatus, StartOnRelease
from socmap.orgs.models import Organisation, OrganisationKind, Role
from socmap.orgs.permissions import require_can_write, require_role
from socmap.orgs.scoping import can_see, organisations_in_scope, visible_to
from socmap.people.models import Nominal
from socmap.reference import reference_loader
from socmap.threats.models import Membership, Status, Threat

EDITORS = (Role.OFFENDER_MANAGER, Role.LRO)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ORDER_TYPES_FILE = FIXTURES / "order_types.yaml"
BREACH_OUTCOMES_FILE = FIXTURES / "breach_outcomes.yaml"
MAX_TEXT = 5000
MAX_CONDITIONS = 40
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


# --------------------------------------------------------------------------- reference data


def _months(value, where: str, problems: list[str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(f"{where} must be a whole number of months")
        return None
    return value


def _duration(entry, where: str, problems: list[str]) -> dict:
    if not isinstance(entry, dict):
        problems.append(f"{where} must be a mapping")
        return {}
    unknown = set(entry) - {"min_months", "max_months", "indefinite", "time_limited"}
    if unknown:
        problems.append(f"{where}: unknown settings {', '.join(sorted(unknown))}")
    low = _months(entry.get("min_months"), f"{where}.min_months", problems)
    high = _months(entry.get("max_months"), f"{where}.max_months", problems)
    if low and high and low > high:
        problems.append(f"{where}: the minimum is longer than the maximum")
    time_limited = entry.get("time_limited", True)
    if not time_limited and (low or high or entry.get("indefinite")):
        problems.append(f"{where}: an order with no duration has no limits")
    return {
        "min_months": low,
        "max_months": high,
        "indefinite": bool(entry.get("indefinite", False)),
        "time_limited": bool(time_limited),
    }


TYPE_KEYS = {
    "code",
    "name",
    "short",
    "statute",
    "duration",
    "duration_under_18",
    "max_months_magistrates",
    "max_months_life_sentence",
    "max_months_initial",
    "minimum_age",
    "applicants",
    "start_on_release",
    "min_custodial_months",
    "new_applications",
    "subject",
    "description",
    "simplified",
    "is_active",
}


def parse_order_types(document) -> tuple[list[dict], list[dict], list[str]]:
    """Applicants and order types from the YAML document, with every problem found."""
    problems: list[str] = []
    if not isinstance(document, dict):
        return [], [], ["the file must have 'applicants' and 'order_types'"]
    applicants = []
    codes = set()
    for index, entry in enumerate(document.get("applicants") or [], start=1):
        if not isinstance(entry, dict) or not entry.get("code") or not entry.get("name"):
            problems.append(f"applicant {index} needs a code and a name")
            continue
        if entry["code"] in codes:
            problems.append(f"applicant '{entry['code']}' is listed twice")
        codes.add(entry["code"])
        applicants.append({"code": entry["code"], "name": entry["name"]})
    types, seen = [], set()
    for index, entry in enumerate(document.get("order_types") or [], start=1):
        if not isinstance(entry, dict) or not entry.get("code") or not entry.get("name"):
            problems.append(f"order type {index} needs a code and a name")
            continue
        code = entry["code"]
        if code in seen:
            problems.append(f"order type '{code}' is listed twice")
        seen.add(code)
        unknown = set(entry) - TYPE_KEYS
        if unknown:
            problems.append(f"'{code}': unknown settings {', '.join(sorted(unknown))}")
        if not (entry.get("statute") or "").strip():
            problems.append(f"'{code}': name the statute the order comes from")
        duration = _duration(entry.get("duration") or {}, f"'{code}'.duration", problems)
        under_18 = None
        if entry.get("duration_under_18") is not None:
            under_18 = _duration(
                entry["duration_under_18"], f"'{code}'.duration_under_18", problems
            )
        extra = {
            key: _months(entry.get(key), f"'{code}'.{key}", problems)
            for key in (
                "max_months_magistrates",
                "max_months_life_sentence",
                "max_months_initial",
                "min_custodial_months",
            )
        }
        age = entry.get("minimum_age")
        if age is not None and (isinstance(age, bool) or not isinstance(age, int) or age < 1):
            problems.append(f"'{code}'.minimum_age must be a whole number of years")
        release = entry.get("start_on_release", "no")
        if release not in StartOnRelease.values:
            problems.append(
                f"'{code}'.start_on_release must be one of {', '.join(StartOnRelease.values)}"
            )
        if release == StartOnRelease.REQUIRED and not duration.get("time_limited", True):
            problems.append(f"'{code}': an order that starts on release needs a duration")
        subject = entry.get("subject", OrderSubject.PERSON)
        if subject not in OrderSubject.values:
            problems.append(f"'{code}'.subject must be one of {', '.join(OrderSubject.values)}")
        named = entry.get("applicants") or []
        if not named:
            problems.append(f"'{code}': say who may apply for it")
        stray = [a for a in named if a not in codes]
        if stray:
            problems.append(f"'{code}': unknown applicants {', '.join(map(str, stray))}")
        types.append(
            {
                "code": code,
                "name": entry["name"],
                "short_name": entry.get("short") or entry["name"],
                "statute": (entry.get("statute") or "").strip(),
                "description": " ".join((entry.get("description") or "").split()),
                "simplified": " ".join((entry.get("simplified") or "").split()),
                "subject": subject,
                "duration": duration,
                "under_18": under_18,
                "minimum_age": age,
                "start_on_release": release,
                "new_applications": bool(entry.get("new_applications", True)),
                "is_active": bool(entry.get("is_active", True)),
                "applicants": list(dict.fromkeys(named)),
                **extra,
            }
        )
    if not types:
        problems.append("no order types are listed")
    return applicants, types, problems


def _order_types_loaded() -> bool:
    return OrderType.objects.exists()


@reference_loader(60, "Ancillary and civil order types", is_loaded=_order_types_loaded)
def load_order_types(actor=None, path: Path | None = None) -> str:
    """Load the order types and their statutory rules; a code in use is never removed."""
    document = yaml.safe_load((path or ORDER_TYPES_FILE).read_text(encoding="utf-8"))
    applicants, types, problems = parse_order_types(document)
    if problems:
        raise InvalidInput({"order_types": problems})
    created = updated = 0
    with transaction.atomic():
        for position, entry in enumerate(applicants):
            Applicant.objects.update_or_create(
                code=entry["code"], defaults={"name": entry["name"], "position": position}
            )
        for position, entry in enumerate(types):
            duration, under_18 = entry["duration"], entry["under_18"] or {}
            order_type, made = OrderType.objects.update_or_create(
                code=entry["code"],
                defaults={
                    "name": entry["name"],
                    "short_name": entry["short_name"],
                    "statute": entry["statute"],
                    "description": entry["description"],
                    "simplified": entry["simplified"],
                    "subject": entry["subject"],
                    "time_limited": duration["time_limited"],
                    "min_months": duration["min_months"],
                    "max_months": duration["max_months"],
                    "indefinite": duration["indefinite"],
                    "has_under_18_rule": bool(entry["under_18"]),
                    "under_18_min_months": under_18.get("min_months"),
                    "under_18_max_months": under_18.get("max_months"),
                    "under_18_indefinite": bool(under_18.get("indefinite", False)),
                    "max_months_magistrates": entry["max_months_magistrates"],
                    "max_months_life_sentence": entry["max_months_life_sentence"],
                    "max_months_initial": entry["max_months_initial"],
                    "min_custodial_months": entry["min_custodial_months"],
                    "minimum_age": entry["minimum_age"],
                    "start_on_release": entry["start_on_release"],
                    "new_applications": entry["new_applications"],
                    "is_active": entry["is_active"],
                    "position": position,
                },
            )
            order_type.applicants.set(Applicant.objects.filter(code__in=entry["applicants"]))
            created += made
            updated += not made
        record_event(
            actor=actor,
            action="reference.order_types_loaded",
            target_type="lifetime.ordertype",
            target_repr="ancillary and civil order types",
            changes={"created": created, "updated": updated, "applicants": len(applicants)},
        )
    return f"{created} new, {updated} refreshed, {len(applicants)} applicants"


def _outcomes_loaded() -> bool:
    return BreachOutcome.objects.exists()


@reference_loader(61, "Breach outcomes", is_loaded=_outcomes_loaded)
def load_breach_outcomes(actor=None, path: Path | None = None) -> str:
    from socmap.disruptions.models import Tactic

    entries = yaml.safe_load((path or BREACH_OUTCOMES_FILE).read_text(encoding="utf-8")) or []
    problems, seen = [], set()
    tactics = set(Tactic.objects.values_list("code", flat=True))
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("code") or not entry.get("name"):
            problems.append(f"entry {index} needs a code and a name")
            continue
        if entry["code"] in seen:
            problems.append(f"outcome '{entry['code']}' is listed twice")
        seen.add(entry["code"])
        if entry.get("action") and not entry.get("tactic"):
            problems.append(f"'{entry['code']}': an outcome with action needs a tactic")
        if entry.get("tactic") and tactics and entry["tactic"] not in tactics:
            problems.append(f"'{entry['code']}': '{entry['tactic']}' is not a disruption tactic")
    if problems:
        raise InvalidInput({"breach_outcomes": problems})
    with transaction.atomic():
        for position, entry in enumerate(entries):
            BreachOutcome.objects.update_or_create(
                code=entry["code"],
                defaults={
                    "name": entry["name"],
                    "action": bool(entry.get("action")),
                    "tactic": entry.get("tactic") or "",
                    "arrests": entry.get("arrests"),
                    "position": position,
                },
            )
        record_event(
            actor=actor,
            action="reference.breach_outcomes_loaded",
            target_type="lifetime.breachoutcome",
            target_repr="breach outcomes",
            changes={"outcomes": [e["code"] for e in entries]},
        )
    return f"{len(entries)} outcomes"


# --------------------------------------------------------------------------- helpers


def may_edit(user) -> bool:
    return user is not None and user.has_role(*EDITORS) and not user.is_read_only


def _require_editor(actor, action: str) -> None:
    require_role(actor, *EDITORS, action=action)
    require_can_write(actor, action=action)


def _require_visible(actor, record) -> None:
    if actor is not None and not can_see(actor, record):
        raise PermissionDenied("That record is not available to you.")


def _owner_for(actor, owner: Organisation | None, nominal: Nominal) -> Organisation:
    if owner is None:
        owner = actor.organisation if actor is not None and actor.organisation else nominal.owner
    if owner.kind == OrganisationKind.PARTNER:
        raise PermissionDenied(
            "Partner agencies do not record orders or custody in socmap: ask the force or ROCU "
            "you work with."
        )
    if actor is not None and not organisations_in_scope(actor).filter(pk=owner.pk).exists():
        raise PermissionDenied(f"You may not record lifetime management for {owner}.")
    return owner


def _today() -> dt.date:
    return timezone.localdate()


def _check_date(value, name: str, errors: dict, **kwargs) -> dt.date | None:
    return check_date(value, name, errors, earliest=rules.EARLIEST_DATE, **kwargs)


def _text(value: str, name: str, errors: dict, *, required: str = "", limit: int = MAX_TEXT):
    return clean_text(value, name, errors, limit=limit, required=required)


def _event(order: Order, action: str, by, on: dt.date, **fields) -> OrderEvent:
    return OrderEvent.objects.create(order=order, action=action, by=by, on=on, **fields)


def _snapshot(order: Order) -> dict:
    def day(value):
        return value.isoformat() if value else None

    return {
        "nominal": order.nominal_id,
        "order_type": order.order_type_id,
        "applicant": order.applicant_id,
        "owner": order.owner.slug,
        "status": order.status,
        "court": order.court,
        "court_reference": order.court_reference,
        "threat": order.threat_id,
        "applied_on": day(order.applied_on),
        "decided_on": day(order.decided_on),
        "starts_on_release": order.starts_on_release,
        "starts_on": day(order.starts_on),
        "start_is_provisional": order.start_is_provisional,
        "duration_months": order.duration_months,
        "until_further_order": order.until_further_order,
        "ends_on": day(order.ends_on),
    }


# --------------------------------------------------------------------------- custody


def _open_custody(nominal: Nominal, *, exclude: int | None = None):
    qs = CustodyRecord.objects.filter(nominal=nominal, released_on__isnull=True)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.first()


def custody_at(nominal: Nominal, day: dt.date) -> CustodyRecord | None:
    """The custody the person was in on ``day`` (the latest that covers it)."""
    from django.db.models import Q

    return (
        CustodyRecord.objects.filter(nominal=nominal, started_on__lte=day)
        .filter(Q(released_on__isnull=True) | Q(released_on__gte=day))
        .order_by("-started_on", "-id")
        .first()
    )


CUSTODY_FIELDS = (
    "custody_type",
    "establishment",
    "offence",
    "started_on",
    "sentence_months",
    "indeterminate",
    "expected_release_on",
    "released_on",
    "notes",
)


def _clean_custody(data: Mapping, today: dt.date) -> dict:
    errors = rules.custody_problems(
        custody_type=data.get("custody_type") or "",
        start=data.get("started_on"),
        sentence_months=data.get("sentence_months"),
        indeterminate=bool(data.get("indeterminate")),
        expected_release_on=data.get("expected_release_on"),
        released_on=data.get("released_on"),
        today=today,
    )
    for key, limit in (("establishment", 120), ("offence", 200)):
        if len((data.get(key) or "").strip()) > limit:
            errors.setdefault(key, []).append(f"Keep it to {limit} characters or fewer.")
    if len((data.get("notes") or "").strip()) > MAX_TEXT:
        errors.setdefault("notes", []).append(f"Keep it to {MAX_TEXT:,} characters or fewer.")
    if errors:
        raise InvalidInput(errors)
    return {
        "custody_type": data["custody_type"],
        "establishment": (data.get("establishment") or "").strip(),
        "offence": (data.get("offence") or "").strip(),
        "started_on": data["started_on"],
        "sentence_months": data.get("sentence_months"),
        "indeterminate": bool(data.get("indeterminate")),
        "expected_release_on": data.get("expected_release_on"),
        "released_on": data.get("released_on"),
        "notes": (data.get("notes") or "").strip(),
    }


def _custody_snapshot(custody: CustodyRecord) -> dict:
    return {
        key: (value.isoformat() if isinstance(value, dt.date) else value)
        for key in CUSTODY_FIELDS
        for value in [getattr(custody, key)]
    }


def record_custody(
    *, actor, nominal: Nominal, owner: Organisation | None = None, **fields
) -> CustodyRecord:
    """Record that a person is (or was) on remand or serving a sentence."""
    _require_editor(actor, "record custody")
    _require_visible(actor, nominal)
    owner = _owner_for(actor, owner, nominal)
    unknown = set(fields) - set(CUSTODY_FIELDS)
    if unknown:
        raise InvalidInput({key: ["This is not a custody field."] for key in sorted(unknown)})
    cleaned = _clean_custody(fields, _today())
    if cleaned["released_on"] is None:
        current = _open_custody(nominal)
        if current is not None:
            raise InvalidInput(
                {
                    "nominal": [
                        f"{nominal} is already recorded in custody ({current.reference}): "
                        "record that release, or change that record."
                    ]
                }
            )
    try:
        with transaction.atomic():
            custody = CustodyRecord.objects.create(
                owner=owner, nominal=nominal, recorded_by=actor, **cleaned
            )
            record_event(
                actor=actor,
                action="custody.recorded",
                target=custody,
                changes=_custody_snapshot(custody),
            )
    except IntegrityError as clash:  # a concurrent record for the same person
        raise InvalidInput({"nominal": [f"{nominal} is already recorded in custody."]}) from clash
    return custody


def _restart_orders(actor, custody: CustodyRecord, *, note: str) -> list[str]:
    """Recompute the start (and end) of the orders that start on this custody's release."""
    changed = []
    for order in custody.orders.filter(starts_on_release=True, status__in=LIVE):
        dates = rules.order_dates(
            made_on=order.decided_on,
            starts_on_release=True,
            released_on=custody.released_on,
            expected_release_on=custody.expected_release_on,
            months=order.duration_months,
            end=None,
        )
        if (dates.start, dates.end, dates.provisional) == (
            order.starts_on,
            order.ends_on,
            order.start_is_provisional,
        ):
            continue
        before = {
            "starts_on": order.starts_on.isoformat() if order.starts_on else None,
            "ends_on": order.ends_on.isoformat() if order.ends_on else None,
        }
        came_into_force = not dates.provisional and order.start_is_provisional
        order.starts_on, order.ends_on = dates.start, dates.end
        order.start_is_provisional = dates.provisional
        order.save(update_fields=["starts_on", "ends_on", "start_is_provisional", "updated_at"])
        _event(
            order,
            OrderAction.IN_FORCE if came_into_force else OrderAction.START_MOVED,
            actor,
            dates.start or _today(),
            note=note,
            changes={
                "starts_on": [
                    before["starts_on"],
                    dates.start.isoformat() if dates.start else None,
                ],
                "ends_on": [before["ends_on"], dates.end.isoformat() if dates.end else None],
            },
        )
        changed.append(order.reference)
    return changed


def update_custody(*, actor, custody: CustodyRecord, reason: str = "", **changes) -> CustodyRecord:
    """Correct or bring up to date a custody record (e.g. a new expected release date, or a
    remand that became a sentence). Orders that start on its release follow the new dates."""
    _require_editor(actor, "change custody records")
    _require_visible(actor, custody)
    unknown = set(changes) - set(CUSTODY_FIELDS)
    if unknown:
        raise InvalidInput({key: ["This cannot be changed here."] for key in sorted(unknown)})
    merged = {key: getattr(custody, key) for key in CUSTODY_FIELDS}
    merged.update(changes)
    cleaned = _clean_custody(merged, _today())
    if cleaned["released_on"] is None and _open_custody(custody.nominal, exclude=custody.pk):
        raise InvalidInput({"released_on": ["The person has another open custody record."]})
    before = _custody_snapshot(custody)
    with transaction.atomic():
        for key, value in cleaned.items():
            setattr(custody, key, value)
        custody.save()
        after = _custody_snapshot(custody)
        diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        moved = _restart_orders(
            actor, custody, note=reason.strip() or f"{custody.reference} changed"
        )
        if diff:
            record_event(
                actor=actor,
                action="custody.changed",
                target=custody,
                changes={**diff, "orders_moved": moved},
                reason=reason,
            )
    return custody


def record_release(
    *, actor, custody: CustodyRecord, released_on: dt.date, note: str = ""
) -> CustodyRecord:
    """Record the release; orders that start on release come into force that day."""
    _require_editor(actor, "record releases")
    _require_visible(actor, custody)
    if custody.released_on is not None:
        raise InvalidInput(
            {"released_on": [f"{custody.reference} already has its release recorded."]}
        )
    return update_custody(
        actor=actor,
        custody=custody,
        released_on=released_on,
        reason=note or f"Released on {released_on:%-d %B %Y}",
    )


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class ConditionInput:
    """A condition as given on a page, the API or a command."""

    kind: str
    wording: str
    details: Mapping[str, str] = field(default_factory=dict)
    associate: Nominal | None = None


def _clean_conditions(
    actor, conditions: Sequence[ConditionInput], errors: dict
) -> list[ConditionInput]:
    cleaned = []
    if len(conditions) > MAX_CONDITIONS:
        errors.setdefault("conditions", []).append(
            f"Record at most {MAX_CONDITIONS} conditions at once."
        )
        return []
    for number, condition in enumerate(conditions, start=1):
        problems = []
        if condition.kind not in ConditionKind.values:
            problems.append("choose what kind of condition it is")
        wording = (condition.wording or "").strip()
        if not wording:
            problems.append("give its wording as the court worded it")
        elif len(wording) > 2000:
            problems.append("keep the wording to 2,000 characters or fewer")
        details = {
            str(k): str(v).strip()
            for k, v in (condition.details or {}).items()
            if v is not None and str(v).strip()
        }
        needed = dict(CONDITION_DETAILS.get(condition.kind, ()))
        unknown = set(details) - set(needed)
        if unknown:
            problems.append(f"it has no detail called {', '.join(sorted(unknown))}")
        for key, label in needed.items():
            if key == "person" and condition.associate is not None:
                continue
            if not details.get(key):
                problems.append(f"give '{label.lower()}'")
        for key in ("from_time", "to_time"):
            if details.get(key) and not TIME.match(details[key]):
                problems.append(f"'{details[key]}' is not a time (use 21:00)")
        if details.get("amount"):
            try:
                if Decimal(details["amount"].replace(",", "").lstrip("£")) <= 0:
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(f"'{details['amount']}' is not an amount of money")
        if details.get("due_on"):
            try:
                dt.date.fromisoformat(details["due_on"])
            except ValueError:
                problems.append(f"'{details['due_on']}' is not a date (use 2026-03-14)")
        if condition.associate is not None:
            if condition.kind != ConditionKind.NON_ASSOCIATION:
                problems.append("only a non-association condition names a person")
            elif actor is not None and not can_see(actor, condition.associate):
                problems.append(f"there is no person with id {condition.associate.pk} you can see")
        if problems:
            errors.setdefault("conditions", []).append(
                f"Condition {number}: {'; '.join(problems)}."
            )
        else:
            cleaned.append(ConditionInput(condition.kind, wording, details, condition.associate))
    return cleaned


def _add_conditions(order: Order, conditions: Sequence[ConditionInput], event: OrderEvent):
    for condition in conditions:
        details = dict(condition.details)
        if condition.associate is not None:
            details.setdefault("person", str(condition.associate))
        OrderCondition.objects.create(
            order=order,
            kind=condition.kind,
            wording=condition.wording,
            details=details,
            associate=condition.associate,
            added_in=event,
        )


# --------------------------------------------------------------------------- orders


@dataclass
class _Terms:
    """An order's terms once checked: where it starts and ends."""

    starts_on_release: bool = False
    custody: CustodyRecord | None = None
    dates: rules.OrderDates = field(default_factory=lambda: rules.OrderDates(None, None))
    duration_months: int | None = None
    until_further_order: bool = False


def _check_terms(
    *,
    order_type: OrderType,
    nominal: Nominal,
    decided_on: dt.date,
    court: str,
    starts_on_release: bool,
    start_on: dt.date | None,
    duration_months: int | None,
    ends_on: dt.date | None,
    until_further_order: bool,
    first_grant: bool,
    original_start: dt.date | None = None,
    errors: dict,
) -> _Terms:
    rule = order_type.rule
    terms = _Terms(duration_months=duration_months, until_further_order=until_further_order)
    custody = custody_at(nominal, decided_on)
    if rule.start_on_release == StartOnRelease.REQUIRED:
        starts_on_release = True
    if starts_on_release:
        if rule.start_on_release == StartOnRelease.NO:
            errors.setdefault("starts_on_release", []).append(
                f"{rules.an(order_type.name)} cannot be made to start on release."
            )
        elif custody is None:
            errors.setdefault("starts_on_release", []).append(
                f"{nominal} is not recorded in custody on {decided_on:%-d %B %Y}: record the "
                "custody first, so that the order can start on release."
            )
        if start_on is not None:
            errors.setdefault("start_on", []).append(
                "An order that starts on release has no other start date."
            )
    if rule.min_custodial_months:
        if custody is None or custody.custody_type != CustodyType.SENTENCED:
            errors.setdefault("order_type", []).append(
                f"{rules.an(order_type.name)} is made on a custodial sentence of at least "
                f"{rules.describe_months(rule.min_custodial_months)}: record the sentence first."
            )
        elif not rules.meets_custodial_minimum(
            rule.min_custodial_months, custody.sentence_months, custody.indeterminate
        ):
            errors.setdefault("order_type", []).append(
                f"{rules.an(order_type.name)} needs a custodial sentence of at least "
                f"{rules.describe_months(rule.min_custodial_months)}; {custody.reference} is "
                f"{custody.sentence_text.lower()}."
            )
    if start_on is not None and not starts_on_release and start_on < decided_on:
        errors.setdefault("start_on", []).append("An order cannot start before the court made it.")
    if court and court not in rules.Court.values:
        errors.setdefault("court", []).append(f"Choose one of {', '.join(rules.Court.labels)}.")
    age = None
    if nominal.date_of_birth is not None:
        age = rules.age_on(nominal.date_of_birth, decided_on)
    limits = rules.limits_for(
        rule,
        age=age,
        court=court,
        life_sentence=bool(custody and custody.indeterminate),
        first_grant=first_grant,
    )
    if starts_on_release and custody is not None:
        terms.dates = rules.order_dates(
            made_on=decided_on,
            starts_on_release=True,
            released_on=custody.released_on,
            expected_release_on=custody.expected_release_on,
            months=duration_months,
            end=None,
        )
        start_for_check = None if ends_on is None else terms.dates.start
    else:
        start = original_start or start_on or decided_on
        terms.dates = rules.order_dates(
            made_on=decided_on,
            starts_on_release=False,
            start_on=start,
            months=duration_months,
            end=ends_on,
        )
        start_for_check = start
    if starts_on_release and ends_on is not None:
        start_for_check = None  # refused below: a start on release takes months
    duration_errors = rules.duration_problems(
        limits,
        start=start_for_check,
        months=duration_months,
        end=ends_on,
        until_further_order=until_further_order,
        type_name=order_type.name,
    )
    for key, messages in duration_errors.items():
        errors.setdefault(key, []).extend(messages)
    terms.starts_on_release = starts_on_release
    terms.custody = custody if starts_on_release else None
    return terms


def _check_subject(order_type: OrderType, nominal: Nominal, on: dt.date, errors: dict) -> None:
    if order_type.subject != OrderSubject.PERSON:
        return
    problem = rules.age_problem(order_type.minimum_age, nominal.date_of_birth, on, order_type.name)
    if problem:
        errors.setdefault("nominal", []).append(problem)


def _check_type(order_type, applicant, errors: dict, *, applying: bool) -> None:
    if order_type is None:
        errors.setdefault("order_type", []).append("Choose the type of order.")
        return
    if not order_type.is_active:
        errors.setdefault("order_type", []).append(f"{order_type.name} is no longer in use.")
    if applying and not order_type.new_applications:
        errors.setdefault("order_type", []).append(
            f"No new {order_type.name}s can be applied for ({order_type.statute}); record an "
            "existing order as granted."
        )
    if applicant is None:
        errors.setdefault("applicant", []).append("Say who applied for the order.")
    elif not order_type.applicants.filter(pk=applicant.pk).exists():
        allowed = ", ".join(a.name for a in order_type.applicants.all())
        errors.setdefault("applicant", []).append(
            f"{rules.an(order_type.name)} may only be applied for by: {allowed}."
        )


def _check_threat(actor, threat: Threat | None, errors: dict) -> None:
    if threat is not None and actor is not None and not can_see(actor, threat):
        errors.setdefault("threat", []).append(
            f"There is no threat {threat.reference} that you can see."
        )


def record_order(
    *,
    actor,
    nominal: Nominal,
    order_type: OrderType | None,
    applicant: Applicant | None,
    status: str = OrderStatus.GRANTED,
    applied_on: dt.date | None = None,
    decided_on: dt.date | None = None,
    owner: Organisation | None = None,
    court: str = "",
    court_reference: str = "",
    threat: Threat | None = None,
    starts_on_release: bool = False,
    start_on: dt.date | None = None,
    duration_months: int | None = None,
    ends_on: dt.date | None = None,
    until_further_order: bool = False,
    conditions: Sequence[ConditionInput] = (),
    notes: str = "",
) -> Order:
    """Record an application for an order (``status='applied'``) or an order the court has
    made (``status='granted'``), with its conditions. A granted order is checked against its
    type's statutory rules: the subject's age, who applied, its duration, and a start on
    release only where the type allows it and the subject is in custody."""
    _require_editor(actor, "record orders")
    _require_visible(actor, nominal)
    owner = _owner_for(actor, owner, nominal)
    today = _today()
    errors: dict[str, list[str]] = {}
    if status not in (OrderStatus.APPLIED, OrderStatus.GRANTED):
        raise InvalidInput(
            {"status": ["Record an order as applied for or as granted; other steps follow it."]}
        )
    applying = status == OrderStatus.APPLIED
    _check_type(order_type, applicant, errors, applying=applying)
    _check_threat(actor, threat, errors)
    applied_on = _check_date(
        applied_on,
        "applied_on",
        errors,
        label="application date",
        required=applying,
        not_after=today,
    )
    if not applying:
        decided_on = _check_date(
            decided_on,
            "decided_on",
            errors,
            label="date the order was made",
            not_after=today,
            not_before=applied_on,
            before_label="the application",
        )
    elif decided_on is not None:
        errors.setdefault("decided_on", []).append(
            "An application has no decision yet: grant or refuse it once the court decides."
        )
    court_reference = _text(court_reference, "court_reference", errors, limit=80)
    notes = _text(notes, "notes", errors)
    if order_type is not None:
        _check_subject(order_type, nominal, decided_on or applied_on or today, errors)
    terms = None
    cleaned_conditions = _clean_conditions(actor, list(conditions), errors)
    if not applying and order_type is not None and isinstance(decided_on, dt.date):
        terms = _check_terms(
            order_type=order_type,
            nominal=nominal,
            decided_on=decided_on,
            court=court,
            starts_on_release=starts_on_release,
            start_on=start_on,
            duration_months=duration_months,
            ends_on=ends_on,
            until_further_order=until_further_order,
            first_grant=True,
            errors=errors,
        )
    elif applying and court and court not in rules.Court.values:
        errors.setdefault("court", []).append(f"Choose one of {', '.join(rules.Court.labels)}.")
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        order = Order.objects.create(
            owner=owner,
            nominal=nominal,
            order_type=order_type,
            applicant=applicant,
            court=court,
            court_reference=court_reference,
            threat=threat,
            status=status,
            applied_on=applied_on,
            notes=notes,
            recorded_by=actor,
        )
        if applying:
            event = _event(
                order, OrderAction.APPLIED, actor, applied_on, to_status=OrderStatus.APPLIED
            )
        else:
            if applied_on:
                _event(order, OrderAction.APPLIED, actor, applied_on, to_status="applied")
            event = _grant(actor, order, terms, decided_on, note="", previous="")
        _add_conditions(order, cleaned_conditions, event)
        record_event(
            actor=actor,
            action="order.recorded",
            target=order,
            changes={**_snapshot(order), "conditions": len(cleaned_conditions)},
        )
    return order


def _grant(actor, order: Order, terms: _Terms, decided_on, *, note: str, previous: str):
    order.status = OrderStatus.GRANTED
    order.decided_on = decided_on
    order.starts_on_release = terms.starts_on_release
    order.custody = terms.custody
    order.starts_on, order.ends_on = terms.dates.start, terms.dates.end
    order.start_is_provisional = terms.dates.provisional
    order.duration_months = terms.duration_months
    order.until_further_order = terms.until_further_order
    order.save()
    return _event(
        order,
        OrderAction.GRANTED,
        actor,
        decided_on,
        from_status=previous,
        to_status=OrderStatus.GRANTED,
        note=note,
        changes={
            "starts_on": order.starts_on.isoformat() if order.starts_on else None,
            "ends_on": order.ends_on.isoformat() if order.ends_on else None,
            "starts_on_release": order.starts_on_release,
            "provisional": order.start_is_provisional,
        },
    )


def _require_status(order: Order, allowed: Iterable[str], doing: str) -> None:
    allowed = tuple(allowed)
    if order.status not in allowed:
        wanted = " or ".join(OrderStatus(s).label.lower() for s in allowed)
        raise InvalidInput(
            {
                "status": [
                    f"{order.reference} is {order.get_status_display().lower()}: only an order "
                    f"that is {wanted} can be {doing}."
                ]
            }
        )


def grant_order(
    *,
    actor,
    order: Order,
    decided_on: dt.date | None,
    court: str = "",
    starts_on_release: bool = False,
    start_on: dt.date | None = None,
    duration_months: int | None = None,
    ends_on: dt.date | None = None,
    until_further_order: bool = False,
    conditions: Sequence[ConditionInput] = (),
    note: str = "",
) -> Order:
    """The court granted an application: record its terms and conditions."""
    _require_editor(actor, "record court decisions on orders")
    _require_visible(actor, order)
    _require_status(order, [OrderStatus.APPLIED], "granted")
    errors: dict[str, list[str]] = {}
    decided_on = _check_date(
        decided_on,
        "decided_on",
        errors,
        label="date the order was made",
        not_after=_today(),
        not_before=order.applied_on,
        before_label="the application",
    )
    note = _text(note, "note", errors)
    court = court or order.court
    cleaned_conditions = _clean_conditions(actor, list(conditions), errors)
    terms = None
    if isinstance(decided_on, dt.date):
        _check_subject(order.order_type, order.nominal, decided_on, errors)
        terms = _check_terms(
            order_type=order.order_type,
            nominal=order.nominal,
            decided_on=decided_on,
            court=court,
            starts_on_release=starts_on_release,
            start_on=start_on,
            duration_months=duration_months,
            ends_on=ends_on,
            until_further_order=until_further_order,
            first_grant=True,
            errors=errors,
        )
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        order.court = court
        event = _grant(actor, order, terms, decided_on, note=note, previous=OrderStatus.APPLIED)
        _add_conditions(order, cleaned_conditions, event)
        record_event(
            actor=actor,
            action="order.granted",
            target=order,
            changes={**_snapshot(order), "conditions": len(cleaned_conditions)},
            reason=note,
        )
    return order


def refuse_order(*, actor, order: Order, decided_on: dt.date | None, reason: str) -> Order:
    _require_editor(actor, "record court decisions on orders")
    _require_visible(actor, order)
    _require_status(order, [OrderStatus.APPLIED], "refused")
    errors: dict[str, list[str]] = {}
    decided_on = _check_date(
        decided_on,
        "decided_on",
        errors,
        label="date of the decision",
        not_after=_today(),
        not_before=order.applied_on,
        before_label="the application",
    )
    reason = _text(reason, "reason", errors, required="Record why the court refused it.")
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        order.status, order.decided_on = OrderStatus.REFUSED, decided_on
        order.save(update_fields=["status", "decided_on", "updated_at"])
        _event(
            order,
            OrderAction.REFUSED,
            actor,
            decided_on,
            from_status=OrderStatus.APPLIED,
            to_status=OrderStatus.REFUSED,
            note=reason,
        )
        record_event(
            actor=actor,
            action="order.refused",
            target=order,
            changes={"status": [OrderStatus.APPLIED, OrderStatus.REFUSED]},
            reason=reason,
        )
    return order


NOT_GIVEN = object()


def vary_order(
    *,
    actor,
    order: Order,
    varied_on: dt.date | None,
    reason: str,
    duration_months=NOT_GIVEN,
    ends_on=NOT_GIVEN,
    until_further_order=NOT_GIVEN,
    add_conditions: Sequence[ConditionInput] = (),
    remove_conditions: Iterable[int] = (),
) -> Order:
    """The court varied an order: a new duration (measured from the original start, within the
    type's limits), conditions added, conditions removed (they are kept, marked removed)."""
    _require_editor(actor, "record variations of orders")
    _require_visible(actor, order)
    _require_status(order, LIVE, "varied")
    errors: dict[str, list[str]] = {}
    varied_on = _check_date(
        varied_on,
        "varied_on",
        errors,
        label="date of the variation",
        not_after=_today(),
        not_before=order.decided_on,
        before_label="the order was made",
    )
    reason = _text(reason, "reason", errors, required="Record what the court varied and why.")
    cleaned_conditions = _clean_conditions(actor, list(add_conditions), errors)
    removing = list(dict.fromkeys(int(pk) for pk in remove_conditions))
    current = {c.pk: c for c in order.current_conditions}
    stray = [str(pk) for pk in removing if pk not in current]
    if stray:
        errors.setdefault("remove_conditions", []).append(
            f"{order.reference} has no current conditions with ids {', '.join(stray)}."
        )
    new_duration = any(v is not NOT_GIVEN for v in (duration_months, ends_on, until_further_order))
    terms = None
    if new_duration and isinstance(varied_on, dt.date):
        months = None if duration_months is NOT_GIVEN else duration_months
        end = None if ends_on is NOT_GIVEN else ends_on
        indefinite = False if until_further_order is NOT_GIVEN else bool(until_further_order)
        terms = _check_terms(
            order_type=order.order_type,
            nominal=order.nominal,
            decided_on=order.decided_on,
            court=order.court,
            starts_on_release=order.starts_on_release,
            start_on=None,
            duration_months=months,
            ends_on=end,
            until_further_order=indefinite,
            first_grant=False,
            original_start=order.starts_on,
            errors=errors,
        )
    if not errors and not (new_duration or cleaned_conditions or removing):
        errors["__all__"] = ["Say what the court varied: the duration or the conditions."]
    if errors:
        raise InvalidInput(errors)
    before = _snapshot(order)
    with transaction.atomic():
        previous = order.status
        order.status = OrderStatus.VARIED
        if terms is not None:
            order.duration_months = terms.duration_months
            order.until_further_order = terms.until_further_order
            order.ends_on = terms.dates.end
        order.save()
        after = _snapshot(order)
        diff = {k: [before[k], after[k]] for k in after if before[k] != after[k] and k != "status"}
        event = _event(
            order,
            OrderAction.VARIED,
            actor,
            varied_on,
            from_status=previous,
            to_status=OrderStatus.VARIED,
            note=reason,
            changes={
                **diff,
                "conditions_added": len(cleaned_conditions),
                "conditions_removed": removing,
            },
        )
        _add_conditions(order, cleaned_conditions, event)
        if removing:
            OrderCondition.objects.filter(pk__in=removing).update(removed_in=event)
        record_event(
            actor=actor,
            action="order.varied",
            target=order,
            changes=event.changes,
            reason=reason,
        )
    return order


def discharge_order(*, actor, order: Order, discharged_on: dt.date | None, reason: str) -> Order:
    _require_editor(actor, "record discharges of orders")
    _require_visible(actor, order)
    _require_status(order, LIVE, "discharged")
    errors: dict[str, list[str]] = {}
    discharged_on = _check_date(
        discharged_on,
        "discharged_on",
        errors,
        label="date of the discharge",
        not_after=_today(),
        not_before=order.decided_on,
        before_label="the order was made",
    )
    reason = _text(reason, "reason", errors, required="Record why the order was discharged.")
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        previous = order.status
        order.status, order.ended_on = OrderStatus.DISCHARGED, discharged_on
        order.save(update_fields=["status", "ended_on", "updated_at"])
        _event(
            order,
            OrderAction.DISCHARGED,
            actor,
            discharged_on,
            from_status=previous,
            to_status=OrderStatus.DISCHARGED,
            note=reason,
        )
        record_event(
            actor=actor,
            action="order.discharged",
            target=order,
            changes={"status": [previous, OrderStatus.DISCHARGED], "on": discharged_on.isoformat()},
            reason=reason,
        )
    return order


def expire_orders(*, actor, today: dt.date | None = None, orders=None) -> list[Order]:
    """Record the expiry of every live order (visible to ``actor``) whose last day has passed."""
    if actor is not None:
        require_can_write(actor, action="record the expiry of orders")
    today = today or _today()
    queryset = orders if orders is not None else Order.objects.all()
    if actor is not None:
        queryset = visible_to(actor, queryset)
    due = list(
        queryset.filter(status__in=LIVE, ends_on__lt=today, start_is_provisional=False)
        .select_related("order_type", "nominal")
        .order_by("ends_on", "id")
    )
    with transaction.atomic():
        for order in due:
            previous = order.status
            expired_on = order.ends_on + dt.timedelta(days=1)
            order.status, order.ended_on = OrderStatus.EXPIRED, expired_on
            order.save(update_fields=["status", "ended_on", "updated_at"])
            _event(
                order,
                OrderAction.EXPIRED,
                actor,
                expired_on,
                from_status=previous,
                to_status=OrderStatus.EXPIRED,
                note=f"Its last day in force was {order.ends_on:%-d %B %Y}.",
            )
        if due:
            record_event(
                actor=actor,
                action="orders.expired",
                target_type="lifetime.order",
                target_repr=f"{len(due)} orders past their end date",
                changes={"orders": [o.reference for o in due], "today": today.isoformat()},
            )
    return due


# --------------------------------------------------------------------------- disruptions


def threats_of(actor, nominal: Nominal, extra: Threat | None = None) -> list[Threat]:
    """The threats a disruption about ``nominal`` acts on by default: the order's threat, the
    active or assessed groups the person is a current member of, and priority individual
    threats about them, that ``actor`` may see."""
    found: list[Threat] = [extra] if extra is not None else []
    memberships = Membership.objects.filter(nominal=nominal, left_on__isnull=True).exclude(
        threat__status=Status.ARCHIVED
    )
    found += [m.threat for m in memberships.select_related("threat")]
    found += list(Threat.objects.filter(subject=nominal).exclude(status=Status.ARCHIVED))
    unique = list(dict.fromkeys(found))
    return [t for t in unique if actor is None or can_see(actor, t)]


def _record_disruption(
    actor, *, owner, threats, nominal, occurred_on, tactic_code, arrests, narrative
):
    from socmap.disruptions.models import Tactic
    from socmap.disruptions.services import record_disruption

    if not threats:
        raise InvalidInput(
            {
                "threats": [
                    f"{nominal} is not linked to a threat you can see: name the threat the "
                    "action disrupted."
                ]
            }
        )
    tactic = Tactic.objects.filter(pk=tactic_code).first()
    quantities = {}
    if tactic is not None and arrests and "arrests" in tactic.quantities:
        quantities["arrests"] = arrests
    return record_disruption(
        actor=actor,
        threats=threats,
        occurred_on=occurred_on,
        category=FourP.PURSUE,
        tactic=tactic,
        owner=owner,
        nominals=[nominal],
        quantities=quantities,
        narrative=narrative,
    )


def record_breach(
    *,
    actor,
    order: Order,
    occurred_on: dt.date | None,
    description: str,
    outcome: BreachOutcome | None,
    conditions: Iterable[OrderCondition] = (),
    record_as_disruption: bool = False,
    threats: Sequence[Threat] | None = None,
) -> Breach:
    """Record a breach of an order in force on the day. If it led to action and
    ``record_as_disruption`` is set, the action is recorded as a disruption (draft, for its
    claimant to grade and submit) in the same transaction; otherwise it waits for an analyst
    or LRO to record it (see :func:`record_breach_disruption`)."""
    _require_editor(actor, "record breaches of orders")
    _require_visible(actor, order)
    errors: dict[str, list[str]] = {}
    today = _today()
    occurred_on = _check_date(
        occurred_on, "occurred_on", errors, label="date of the breach", not_after=today
    )
    description = _text(description, "description", errors, required="Describe the breach.")
    if outcome is None:
        errors.setdefault("outcome", []).append("Say what followed the breach.")
    if order.status in (OrderStatus.APPLIED, OrderStatus.REFUSED):
        errors.setdefault("order", []).append(
            f"{order.reference} was never in force, so it cannot have been breached."
        )
    elif isinstance(occurred_on, dt.date):
        if order.starts_on is None or order.start_is_provisional:
            errors.setdefault("occurred_on", []).append(
                f"{order.reference} starts on release and has not come into force yet."
            )
        elif occurred_on < order.starts_on:
            errors.setdefault("occurred_on", []).append(
                f"{order.reference} came into force on {order.starts_on:%-d %B %Y}: a breach "
                "cannot be before that."
            )
        elif order.ends_on and occurred_on > order.ends_on:
            errors.setdefault("occurred_on", []).append(
                f"{order.reference}'s last day in force was {order.ends_on:%-d %B %Y}."
            )
        elif order.status == OrderStatus.DISCHARGED and occurred_on >= order.ended_on:
            errors.setdefault("occurred_on", []).append(
                f"{order.reference} was discharged on {order.ended_on:%-d %B %Y}."
            )
    conditions = list(conditions)
    stray = [c for c in conditions if c.order_id != order.pk]
    if stray:
        errors.setdefault("conditions", []).append(
            "Choose conditions of the order that was breached."
        )
    if record_as_disruption and outcome is not None and not outcome.action:
        errors.setdefault("record_as_disruption", []).append(
            f"'{outcome.name}' is not enforcement action, so it is not a disruption."
        )
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        breach = Breach.objects.create(
            order=order,
            occurred_on=occurred_on,
            description=description,
            outcome=outcome,
            recorded_by=actor,
        )
        breach.conditions.set(conditions)
        record_event(
            actor=actor,
            action="order.breach_recorded",
            target=order,
            changes={
                "breach": breach.reference,
                "occurred_on": occurred_on.isoformat(),
                "outcome": outcome.code,
                "conditions": [c.pk for c in conditions],
            },
        )
        if record_as_disruption:
            _breach_disruption(actor, breach, threats)
    return breach


def _breach_disruption(actor, breach: Breach, threats: Sequence[Threat] | None):
    order = breach.order
    chosen = list(threats) if threats else threats_of(actor, order.nominal, order.threat)
    disruption = _record_disruption(
        actor,
        owner=order.owner,
        threats=chosen,
        nominal=order.nominal,
        occurred_on=breach.occurred_on,
        tactic_code=breach.outcome.tactic,
        arrests=breach.outcome.arrests,
        narrative=(
            f"Breach of {order.order_type.name} {order.reference} ({breach.reference}): "
            f"{breach.outcome.name.lower()}. {breach.description}"
        )[:10_000],
    )
    breach.disruption = disruption
    breach.save(update_fields=["disruption"])
    record_event(
        actor=actor,
        action="order.breach_disruption_recorded",
        target=order,
        changes={"breach": breach.reference, "disruption": disruption.reference},
    )
    return disruption


def record_breach_disruption(*, actor, breach: Breach, threats: Sequence[Threat] | None = None):
    """Record the action that followed a breach as a disruption (a draft for the claimant to
    grade and submit). Needs the roles that record disruptions (analyst or LRO)."""
    _require_visible(actor, breach)
    if not breach.outcome.action:
        raise InvalidInput(
            {"outcome": [f"'{breach.outcome.name}' is not enforcement action: no disruption."]}
        )
    if breach.disruption_id:
        raise InvalidInput(
            {"disruption": [f"{breach.reference} is already recorded as a disruption."]}
        )
    with transaction.atomic():
        return _breach_disruption(actor, breach, threats)


def record_order_disruption(*, actor, order: Order, threats: Sequence[Threat] | None = None):
    """Record a granted order as an 'ancillary order obtained' disruption (a draft)."""
    _require_visible(actor, order)
    if order.status not in (*LIVE, OrderStatus.EXPIRED, OrderStatus.DISCHARGED):
        raise InvalidInput({"status": [f"{order.reference} has not been granted."]})
    if order.disruption_id:
        raise InvalidInput(
            {"disruption": [f"{order.reference} is already recorded as a disruption."]}
        )
    chosen = list(threats) if threats else threats_of(actor, order.nominal, order.threat)
    with transaction.atomic():
        disruption = _record_disruption(
            actor,
            owner=order.owner,
            threats=chosen,
            nominal=order.nominal,
            occurred_on=order.decided_on,
            tactic_code="ancillary-order",
            arrests=None,
            narrative=(
                f"{order.order_type.name} {order.reference} obtained against {order.nominal} "
                f"({order.duration_text.lower()})."
            ),
        )
        order.disruption = disruption
        order.save(update_fields=["disruption", "updated_at"])
        record_event(
            actor=actor,
            action="order.disruption_recorded",
            target=order,
            changes={"disruption": disruption.reference},
        )
    return disruption


# --------------------------------------------------------------------------- considering an order


def consider_order(
    *,
    actor,
    nominal: Nominal,
    decision: str,
    reason: str,
    decided_on: dt.date | None = None,
    threat: Threat | None = None,
    order_type: OrderType | None = None,
    review_on: dt.date | None = None,
    owner: Organisation | None = None,
) -> OrderConsideration:
    """Record the decision taken on whether to seek an order for a person, with its reason."""
    _require_editor(actor, "record decisions on orders")
    _require_visible(actor, nominal)
    owner = _owner_for(actor, owner, nominal)
    today = _today()
    errors: dict[str, list[str]] = {}
    decided_on = _check_date(
        decided_on or today, "decided_on", errors, label="date of the decision", not_after=today
    )
    if decision not in Decision.values:
        errors.setdefault("decision", []).append(
            f"Choose the decision: {', '.join(Decision.labels)}."
        )
    reason = _text(reason, "reason", errors, required="Record the reason for the decision.")
    if decision == Decision.APPLY and order_type is None:
        errors.setdefault("order_type", []).append("Say which order is to be applied for.")
    if order_type is not None and decision == Decision.APPLY:
        if not order_type.is_active or not order_type.new_applications:
            errors.setdefault("order_type", []).append(
                f"No new {order_type.name}s can be applied for."
            )
        else:
            _check_subject(order_type, nominal, decided_on or today, errors)
    if decision == Decision.REVIEW_LATER:
        if review_on is None:
            errors.setdefault("review_on", []).append("Say when the decision will be reviewed.")
        elif isinstance(decided_on, dt.date) and review_on <= decided_on:
            errors.setdefault("review_on", []).append("The review must come after the decision.")
    _check_threat(actor, threat, errors)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        consideration = OrderConsideration.objects.create(
            owner=owner,
            nominal=nominal,
            threat=threat,
            decided_on=decided_on,
            decision=decision,
            order_type=order_type,
            reason=reason,
            review_on=review_on if decision == Decision.REVIEW_LATER else None,
            decided_by=actor,
        )
        record_event(
            actor=actor,
            action="order.considered",
            target=nominal,
            changes={
                "decision": decision,
                "order_type": order_type.code if order_type else None,
                "threat": threat.reference if threat else None,
                "decided_on": decided_on.isoformat(),
            },
            reason=reason,
        )
    return consideration
