"""Pure rules of 4P plans: review intervals and due dates, overdue actions, which Ps a plan
covers and an LRO's workload. No database: tested directly (with hypothesis where numeric)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models

from socmap.fourp import FourP

DEFAULT_REVIEW_DAYS = 90
MIN_REVIEW_DAYS = 7
MAX_REVIEW_DAYS = 365
DEFAULT_LRO_THREAT_LIMIT = 8


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
CLOSED_STATUSES = (ActionStatus.COMPLETED, ActionStatus.CANCELLED)
# An action counts towards covering its P unless it was cancelled.
COVERING_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED)


class Progress(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    CONCERNS = "concerns", "Some concerns"
    OFF_TRACK = "off_track", "Off track"


class GainAnswer(models.TextChoices):
    AWAITING = "awaiting", "Awaiting answer"
    HIT = "hit", "Hit"
    NO_HIT = "no_hit", "No hit"


class ProposalKind(models.TextChoices):
    ADOPT = "adopt", "Adopt the threat"
    ARCHIVE = "archive", "Archive the threat"
    CHANGE_TIER = "change_tier", "Change its tier"
    CHANGE_OWNER = "change_owner", "Change its owner"
    CHANGE_LRO = "change_lro", "Change its LRO"


class Outcome(models.TextChoices):
    AGREED = "agreed", "Agreed"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred to a later meeting"


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Open"
    DEFERRED = "deferred", "Deferred"
    AGREED = "agreed", "Agreed"
    REJECTED = "rejected", "Rejected"


OPEN_PROPOSALS = (ProposalStatus.OPEN, ProposalStatus.DEFERRED)


def review_interval(override: int | None, default: int = DEFAULT_REVIEW_DAYS) -> int:
    """The days between reviews of a plan: its own interval if set, else the default."""
    return override if override else default


def interval_problem(days: int | None) -> str:
    """Why ``days`` cannot be a plan's review interval, or ``""`` (``None``: use the default)."""
    if days is None:
        return ""
    if not MIN_REVIEW_DAYS <= days <= MAX_REVIEW_DAYS:
        return f"A review interval must be between {MIN_REVIEW_DAYS} and {MAX_REVIEW_DAYS} days."
    return ""


def next_review_due(last: dt.date, interval_days: int) -> dt.date:
    """When the next review is due: ``interval_days`` after the last review (or the start)."""
    return last + dt.timedelta(days=interval_days)


def days_overdue(due: dt.date | None, today: dt.date) -> int:
    """How many days ``due`` has passed (0 when not yet due or no date)."""
    if due is None or due >= today:
        return 0
    return (today - due).days


def is_action_overdue(status: str, due_on: dt.date | None, today: dt.date) -> bool:
    return status in OPEN_STATUSES and due_on is not None and due_on < today


def uncovered(categories: Iterable[str]) -> list[str]:
    """The Ps (in strategy order) with no action among ``categories``."""
    present = set(categories)
    return [p for p in FourP.values if p not in present]


def over_limit(threats_led: int, limit: int) -> int:
    """How many threats an LRO carries beyond ``limit`` (0 if within it)."""
    return max(0, threats_led - limit)
