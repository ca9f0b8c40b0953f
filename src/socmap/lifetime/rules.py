"""Pure date rules for ancillary and civil orders and for custody: no database, tested
directly (with hypothesis at the boundaries).

Conventions (see docs/methodology.md, "Lifetime management"):

* A period of N months *beginning with* a day ends on the day before the same date N months
  later; when that month is shorter (31 January + 1 month), the later date is the last day of
  the month. :func:`last_day` gives the last day an order of N months is in force.
* An order's end date is the last day it is in force; it has expired from the next day.
* A person attains an age at the start of the anniversary of their birth; someone born on
  29 February attains it on 1 March in a year that is not a leap year (the usual reading of the
  Family Law Reform Act 1969, s. 9).
* The statutory limits of an order type are data (``fixtures/order_types.yaml``) read into an
  :class:`OrderTypeRule`; the functions here apply them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db import models

EARLIEST_DATE = dt.date(1990, 1, 1)
ADULT_AGE = 18
ALERT_DAYS_DEFAULT = 90
MAX_ALERT_DAYS = 3650
MAX_DURATION_MONTHS = 12 * 50


class OrderStatus(models.TextChoices):
    APPLIED = "applied", "Applied for"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"
    VARIED = "varied", "Varied"
    DISCHARGED = "discharged", "Discharged"
    EXPIRED = "expired", "Expired"


# Statuses in which an order has been made and not ended.
LIVE = (OrderStatus.GRANTED, OrderStatus.VARIED)
CLOSED = (OrderStatus.REFUSED, OrderStatus.DISCHARGED, OrderStatus.EXPIRED)


class OrderState(models.TextChoices):
    """Where an order stands on a given day (derived from its status and dates)."""

    PENDING = "pending", "Application pending"
    AWAITING_RELEASE = "awaiting_release", "Starts on release"
    NOT_YET_IN_FORCE = "not_yet_in_force", "Not yet in force"
    IN_FORCE = "in_force", "In force"
    PAST_END = "past_end", "Past its end date (expiry not yet recorded)"
    REFUSED = "refused", "Refused"
    DISCHARGED = "discharged", "Discharged"
    EXPIRED = "expired", "Expired"


class StartOnRelease(models.TextChoices):
    NO = "no", "Cannot start on release"
    ALLOWED = "allowed", "May start on release, if the court says so"
    REQUIRED = "required", "Always starts on release"


class Court(models.TextChoices):
    MAGISTRATES = "magistrates", "Magistrates' court"
    YOUTH = "youth", "Youth court"
    CROWN = "crown", "Crown Court"
    HIGH = "high", "High Court"
    COUNTY = "county", "County court"


# --------------------------------------------------------------------------- calendar


def add_months(day: dt.date, months: int) -> dt.date:
    """The same date ``months`` later (or earlier); the month's last day when it is shorter."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def last_day(start: dt.date, months: int) -> dt.date:
    """The last day of a period of ``months`` months beginning with ``start``."""
    return add_months(start, months) - dt.timedelta(days=1)


def age_on(born: dt.date, day: dt.date) -> int:
    """Completed years of age on ``day`` (a 29 February birthday counts from 1 March in other
    years, because (2, 28) < (2, 29) below)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def birthday(born: dt.date, years: int) -> dt.date:
    """The day on which someone born on ``born`` attains ``years`` years of age."""
    year = born.year + years
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return dt.date(year, 3, 1)
    return dt.date(year, born.month, born.day)


def an(name: str, *, capital: bool = True) -> str:
    """``name`` with its indefinite article: "an account freezing order", "a SCPO"."""
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article.capitalize() if capital else article} {name}"


def describe_months(months: int) -> str:
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year{'s' if years != 1 else ''}")
    if rest or not parts:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " and ".join(parts)


# --------------------------------------------------------------------------- order types


@dataclass(frozen=True)
class DurationLimits:
    """How long an order may last. ``None`` for no statutory minimum or maximum."""

    min_months: int | None = None
    max_months: int | None = None
    indefinite: bool = False  # may be made "until further order"
    time_limited: bool = True  # False: the order has no duration (confiscation, UWO)

    def describe(self) -> str:
        if not self.time_limited:
            return "No fixed duration"
        parts = []
        if self.min_months and self.max_months:
            parts.append(
                f"{describe_months(self.min_months)} to {describe_months(self.max_months)}"
            )
        elif self.min_months:
            parts.append(f"at least {describe_months(self.min_months)}")
        elif self.max_months:
            parts.append(f"up to {describe_months(self.max_months)}")
        else:
            parts.append("any fixed period")
        if self.indefinite:
            parts.append("or until further order")
        text = ", ".join(parts)
        return text[0].upper() + text[1:]


@dataclass(frozen=True)
class OrderTypeRule:
    code: str
    name: str
    duration: DurationLimits = field(default_factory=DurationLimits)
    duration_under_18: DurationLimits | None = None
    minimum_age: int | None = None
    applicants: frozenset[str] = frozenset()
    start_on_release: str = StartOnRelease.NO
    min_custodial_months: int | None = None  # a sentence at least this long is required
    max_months_magistrates: int | None = None  # a lower ceiling in a magistrates' court
    max_months_life_sentence: int | None = None  # a higher ceiling after a life sentence
    max_months_initial: int | None = None  # the ceiling when first made (extendable later)
    new_applications: bool = True  # False: repealed, only existing orders are recorded
    is_active: bool = True


def limits_for(
    rule: OrderTypeRule,
    *,
    age: int | None,
    court: str = "",
    life_sentence: bool = False,
    first_grant: bool = True,
) -> DurationLimits:
    """The duration limits that apply to one order of this type."""
    limits = rule.duration
    if rule.duration_under_18 is not None and age is not None and age < ADULT_AGE:
        limits = rule.duration_under_18
    maximum = limits.max_months
    if court in (Court.MAGISTRATES, Court.YOUTH) and rule.max_months_magistrates:
        maximum = rule.max_months_magistrates
    elif life_sentence and rule.max_months_life_sentence:
        maximum = rule.max_months_life_sentence
    if first_grant and rule.max_months_initial and maximum:
        maximum = min(maximum, rule.max_months_initial)
    return DurationLimits(limits.min_months, maximum, limits.indefinite, limits.time_limited)


def duration_problems(
    limits: DurationLimits,
    *,
    start: dt.date | None,
    months: int | None = None,
    end: dt.date | None = None,
    until_further_order: bool = False,
    type_name: str = "order",
) -> dict[str, list[str]]:
    """What is wrong with a duration given as months from the start, an end date, or "until
    further order". With no start yet (an order that starts on release, before a release
    date is known) only the months are checked."""
    errors: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    given = sum(x is not None and x is not False for x in (months, end, until_further_order))
    if not limits.time_limited:
        if given:
            add("duration", f"{an(type_name)} has no fixed duration: leave the duration empty.")
        return errors
    if given == 0:
        add("duration", f"Give the duration of the {type_name} in months, or its end date.")
        return errors
    if given > 1:
        add(
            "duration",
            "Give the duration in months, an end date or 'until further order', not more.",
        )
        return errors
    if until_further_order:
        if not limits.indefinite:
            add(
                "until_further_order",
                f"{an(type_name)} cannot be made until further order: {limits.describe().lower()}.",
            )
        return errors
    if months is not None:
        if months < 1 or months > MAX_DURATION_MONTHS:
            add("duration_months", "Give a duration of at least one month.")
            return errors
        if limits.min_months and months < limits.min_months:
            add(
                "duration_months",
                f"{an(type_name)} lasts at least {describe_months(limits.min_months)}; "
                f"{describe_months(months)} is too short.",
            )
        if limits.max_months and months > limits.max_months:
            add(
                "duration_months",
                f"{an(type_name)} lasts at most {describe_months(limits.max_months)}; "
                f"{describe_months(months)} is too long.",
            )
        return errors
    assert end is not None
    if start is None:
        add(
            "ends_on",
            "An order that starts on release is given a duration in months, not an end date.",
        )
        return errors
    if end < start:
        add("ends_on", "The end date is before the order starts.")
        return errors
    if limits.min_months and end < last_day(start, limits.min_months):
        add(
            "ends_on",
            f"{an(type_name)} lasts at least {describe_months(limits.min_months)}: from "
            f"{start:%-d %B %Y} it must run to {last_day(start, limits.min_months):%-d %B %Y} "
            "or later.",
        )
    if limits.max_months and end > last_day(start, limits.max_months):
        add(
            "ends_on",
            f"{an(type_name)} lasts at most {describe_months(limits.max_months)}: from "
            f"{start:%-d %B %Y} it must end by {last_day(start, limits.max_months):%-d %B %Y}.",
        )
    return errors


def age_problem(minimum_age: int | None, born: dt.date | None, on: dt.date, type_name: str) -> str:
    """Why the subject cannot be made subject to the order on ``on`` ("" if they can)."""
    if not minimum_age:
        return ""
    if born is None:
        return (
            f"{an(type_name)} needs the subject to be {minimum_age} or over: record their date of "
            "birth first."
        )
    if age_on(born, on) < minimum_age:
        return (
            f"The subject is {age_on(born, on)} on {on:%-d %B %Y}; "
            f"{an(type_name, capital=False)} needs them to be {minimum_age} or over "
            f"(they are {minimum_age} from {birthday(born, minimum_age):%-d %B %Y})."
        )
    return ""


# --------------------------------------------------------------------------- order dates


@dataclass(frozen=True)
class OrderDates:
    """When an order is in force. ``start`` is ``None`` while a start on release has no date
    yet; ``provisional`` when it rests on an expected (not an actual) release date."""

    start: dt.date | None
    end: dt.date | None  # the last day in force; None: until further order, or no duration
    provisional: bool = False


def order_dates(
    *,
    made_on: dt.date,
    starts_on_release: bool,
    start_on: dt.date | None = None,
    released_on: dt.date | None = None,
    expected_release_on: dt.date | None = None,
    months: int | None = None,
    end: dt.date | None = None,
) -> OrderDates:
    """The start and last day of an order made on ``made_on``: from the court's start date
    (or the day it was made), or from release when the court says so (the actual release,
    else the expected one, provisionally)."""
    provisional = False
    if starts_on_release:
        if released_on is not None:
            start = max(released_on, made_on)
        elif expected_release_on is not None:
            start, provisional = max(expected_release_on, made_on), True
        else:
            return OrderDates(None, None, True)
    else:
        start = start_on or made_on
    if months is not None:
        return OrderDates(start, last_day(start, months), provisional)
    return OrderDates(start, end, provisional)


def order_state(
    status: str,
    dates: OrderDates,
    today: dt.date,
    *,
    starts_on_release: bool = False,
) -> str:
    """Where an order stands on ``today``."""
    if status == OrderStatus.APPLIED:
        return OrderState.PENDING
    if status in (OrderStatus.REFUSED, OrderStatus.DISCHARGED, OrderStatus.EXPIRED):
        return status
    if dates.start is None or (starts_on_release and dates.provisional):
        return OrderState.AWAITING_RELEASE
    if today < dates.start:
        return OrderState.NOT_YET_IN_FORCE
    if dates.end is not None and today > dates.end:
        return OrderState.PAST_END
    return OrderState.IN_FORCE


def is_due_to_expire(status: str, end: dt.date | None, today: dt.date) -> bool:
    """A live order whose last day has passed: its expiry is recorded from the next day."""
    return status in LIVE and end is not None and today > end


def within(day: dt.date | None, today: dt.date, days: int) -> bool:
    """Whether ``day`` falls in the next ``days`` days (today included)."""
    return day is not None and today <= day <= today + dt.timedelta(days=days)


def clamp_days(days: int | None, default: int = ALERT_DAYS_DEFAULT) -> int:
    if days is None:
        return default
    return max(0, min(MAX_ALERT_DAYS, int(days)))


# --------------------------------------------------------------------------- custody


class CustodyType(models.TextChoices):
    REMAND = "remand", "Remanded in custody"
    SENTENCED = "sentenced", "Serving a custodial sentence"


def sentence_expiry(start: dt.date, months: int | None) -> dt.date | None:
    """The day a determinate sentence of ``months`` beginning on ``start`` expires: the
    latest possible release."""
    return None if months is None else add_months(start, months)


def custody_problems(
    *,
    custody_type: str,
    start: dt.date | None,
    sentence_months: int | None,
    indeterminate: bool,
    expected_release_on: dt.date | None,
    released_on: dt.date | None,
    today: dt.date,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    if custody_type not in CustodyType.values:
        add("custody_type", "Say whether the person is remanded or sentenced.")
        return errors
    if start is None:
        add("started_on", "Give the date custody began (remand or sentence).")
        return errors
    if start > today:
        add("started_on", "Custody cannot begin in the future.")
    if start < EARLIEST_DATE:
        add("started_on", f"Give a date from {EARLIEST_DATE:%Y} on.")
    if custody_type == CustodyType.SENTENCED:
        if indeterminate and sentence_months is not None:
            add("sentence_months", "An indeterminate or life sentence has no length in months.")
        elif not indeterminate and sentence_months is None:
            add("sentence_months", "Give the length of the sentence in months.")
        elif sentence_months is not None and not 1 <= sentence_months <= MAX_DURATION_MONTHS:
            add("sentence_months", "Give a sentence of at least one month.")
    elif sentence_months is not None or indeterminate:
        add("sentence_months", "A remand in custody has no sentence length.")
    expiry = (
        add_months(start, sentence_months) if not errors and sentence_months is not None else None
    )
    if expected_release_on is not None:
        if expected_release_on < start:
            add("expected_release_on", "The expected release is before custody began.")
        elif expiry is not None and expected_release_on > expiry:
            add(
                "expected_release_on",
                f"The expected release is after the sentence expires ({expiry:%-d %B %Y}).",
            )
    if released_on is not None:
        if released_on < start:
            add("released_on", "The release is before custody began.")
        if released_on > today:
            add("released_on", "The release cannot be in the future: record it when it happens.")
    return errors


def meets_custodial_minimum(
    required_months: int | None, sentence_months: int | None, indeterminate: bool
) -> bool:
    if not required_months:
        return True
    return indeterminate or (sentence_months is not None and sentence_months >= required_months)
