"""Retention review: load the review periods (reference data), work out which records are due
for review, and record each review decision. Each write is one transaction with its audit
event.

A record is due when it has no review yet and its anchor date (``ReviewPeriod.anchor``) is
more than the period ago, or when its latest decision was to retain it and the next review
date has come. A record whose latest decision is to dispose of it leaves the queue and is
listed as awaiting disposal (docs/retention.md says how disposal is carried out).

Who may review: a user whose organisation answers for the record (its own, or for a ROCU
its region's forces; national users for everyone), holding the analyst, administrator or
offender manager role. Partners and read-only inspectors may not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from socmap.audit.services import record_event
from socmap.errors import InvalidInput
from socmap.orgs.models import Role
from socmap.orgs.permissions import require_can_write, require_role
from socmap.orgs.scoping import can_see, organisations_in_scope, visible_to
from socmap.reference import reference_loader
from socmap.retention.models import Decision, ReviewDecision, ReviewPeriod

PERIODS_FILE = Path(__file__).resolve().parent / "fixtures" / "review_periods.yaml"
REVIEWERS = (Role.ANALYST, Role.ADMINISTRATOR, Role.OFFENDER_MANAGER)
MAX_RETAIN_YEARS = 25


def _periods_loaded() -> bool:
    return ReviewPeriod.objects.exists()


@reference_loader(90, "Retention review periods", is_loaded=_periods_loaded)
def load_review_periods(actor=None, path: Path | None = None) -> str:
    entries = yaml.safe_load((path or PERIODS_FILE).read_text(encoding="utf-8")) or []
    problems = []
    for n, entry in enumerate(entries, start=1):
        try:
            model = apps.get_model(entry["record_type"])
            field = model._meta.get_field(entry["from"])
        except (KeyError, LookupError, ValueError) as bad:
            problems.append(f"entry {n}: {bad}")
            continue
        if not isinstance(field, models.DateField):  # DateTimeField is a DateField
            problems.append(f"entry {n}: {entry['from']} is not a date")
        if not getattr(model, "scope_owner", None):
            problems.append(f"entry {n}: {entry['record_type']} has no owner to review it")
        if not 1 <= int(entry.get("months", 0)) <= 1200:
            problems.append(f"entry {n}: months must be 1 to 1200")
    if problems:
        raise InvalidInput({"review_periods": problems})
    with transaction.atomic():
        for entry in entries:
            ReviewPeriod.objects.update_or_create(
                record_type=entry["record_type"].lower(),
                defaults={
                    "months": int(entry["months"]),
                    "anchor": entry["from"],
                    "group": str(entry.get("group", "")),
                    "description": entry.get("description", ""),
                },
            )
        record_event(
            actor=actor,
            action="retention.periods_loaded",
            target_repr=f"{len(entries)} review periods",
        )
    return f"{len(entries)} review periods"


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_after(day: dt.date, months: int) -> dt.date:
    return _months_before(day, -months)


def _as_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@dataclass
class DueRecord:
    record: models.Model
    record_type: str
    period: ReviewPeriod
    due_on: dt.date
    last_decision: str | None
    last_reviewed_at: dt.datetime | None


def _annotated(user, period: ReviewPeriod):
    model = apps.get_model(period.record_type)
    content_type = ContentType.objects.get_for_model(model)
    latest = ReviewDecision.objects.filter(
        content_type=content_type, object_id=OuterRef("pk")
    ).order_by("-decided_at", "-id")
    return visible_to(user, model._default_manager.all()).annotate(
        last_decision=Subquery(latest.values("decision")[:1]),
        next_review=Subquery(latest.values("next_review_on")[:1]),
        last_reviewed_at=Subquery(latest.values("decided_at")[:1]),
    )


def _cutoff(period: ReviewPeriod, today: dt.date):
    model = apps.get_model(period.record_type)
    cutoff = _months_before(today, period.months)
    if isinstance(model._meta.get_field(period.anchor), models.DateTimeField):
        return timezone.make_aware(dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min))
    return cutoff


def due_for_review(user, *, record_type: str = "", today: dt.date | None = None):
    """The records ``user`` may see that are due for review, oldest due first."""
    today = today or timezone.localdate()
    periods = ReviewPeriod.objects.all()
    if record_type:
        periods = periods.filter(record_type=record_type)
    found: list[DueRecord] = []
    for period in periods:
        anchor_before = {
            f"{period.anchor}__lt"
            if isinstance(_cutoff(period, today), dt.datetime)
            else f"{period.anchor}__lte": _cutoff(period, today)
        }
        due = _annotated(user, period).filter(
            Q(last_decision__isnull=True, **anchor_before)
            | Q(last_decision=Decision.RETAIN, next_review__lte=today)
        )
        for record in due.order_by(period.anchor, "pk")[:2000]:
            if record.last_decision == Decision.RETAIN:
                due_on = record.next_review
            else:
                due_on = months_after(_as_date(getattr(record, period.anchor)), period.months)
            found.append(
                DueRecord(
                    record,
                    period.record_type,
                    period,
                    due_on,
                    record.last_decision,
                    record.last_reviewed_at,
                )
            )
    return sorted(found, key=lambda d: (d.due_on, d.record_type, d.record.pk))


def awaiting_disposal(user, *, record_type: str = ""):
    periods = ReviewPeriod.objects.all()
    if record_type:
        periods = periods.filter(record_type=record_type)
    found = []
    for period in periods:
        for record in _annotated(user, period).filter(last_decision=Decision.DISPOSE)[:2000]:
            found.append(
                DueRecord(
                    record,
                    period.record_type,
                    period,
                    None,
                    Decision.DISPOSE,
                    record.last_reviewed_at,
                )
            )
    return found


def _owner(record):
    owner = record
    for part in type(record).scope_owner.split("__"):
        owner = getattr(owner, part)
    return owner


def may_review(user, record) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or user.is_read_only:
        return False
    return (
        user.has_role(*REVIEWERS)
        and can_see(user, record)
        and organisations_in_scope(user).filter(pk=_owner(record).pk).exists()
    )


def period_for(record) -> ReviewPeriod:
    period = ReviewPeriod.objects.filter(record_type=record._meta.label_lower).first()
    if period is None:
        raise InvalidInput(f"No review period is set for {record._meta.verbose_name_plural}.")
    return period


def record_review(
    *, actor, record, decision: str, reason: str, next_review_on: dt.date | None = None
) -> ReviewDecision:
    """Record a review of ``record``: retain it until ``next_review_on`` (by default one
    period from today), or dispose of it."""
    require_can_write(actor, action="review records for retention")
    require_role(actor, *REVIEWERS, action="review records for retention")
    if actor is not None and not may_review(actor, record):
        raise PermissionDenied("Only the organisation answering for a record may review it.")
    period = period_for(record)
    errors: dict[str, list[str]] = {}
    if decision not in Decision.values:
        errors["decision"] = ["Choose to retain the record or to dispose of it."]
    reason = (reason or "").strip()
    if len(reason) < 10:
        errors["reason"] = ["Give the reason for the decision (at least 10 characters)."]
    today = timezone.localdate()
    if decision == Decision.RETAIN:
        next_review_on = next_review_on or months_after(today, period.months)
        if next_review_on <= today:
            errors["next_review_on"] = ["The next review must be after today."]
        elif next_review_on > months_after(today, MAX_RETAIN_YEARS * 12):
            errors["next_review_on"] = [f"Review again within {MAX_RETAIN_YEARS} years."]
    else:
        next_review_on = None
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        made = ReviewDecision.objects.create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            record_repr=str(record)[:255],
            owner=_owner(record),
            decision=decision,
            next_review_on=next_review_on,
            reason=reason[:2000],
            decided_by=actor,
        )
        record_event(
            actor=actor,
            action="retention.reviewed",
            target=record,
            reason=reason,
            changes={
                "decision": decision,
                "next_review_on": next_review_on.isoformat() if next_review_on else None,
            },
        )
    return made


def history(user, record):
    return visible_to(
        user,
        ReviewDecision.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        ).select_related("decided_by"),
    )
