"""Pure rules for disruptions: no database, tested directly.

The same checks serve a disruption recorded on a page, through the API, and each row of an
import file, so a rule is written once: what a disruption must say (a threat, a date that is not
in the future, a 4P category its tactic belongs to, a grade with its rationale, quantities that
apply to the tactic), who may validate a claim, when a claim is overdue for validation, and the
period a rate is counted over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models

from socmap.fourp import FourP

EARLIEST_DATE = dt.date(2000, 1, 1)
MAX_OPERATION_NAME = 120
MAX_NARRATIVE = 10_000
MAX_RATIONALE = 5_000
MAX_EVIDENCE_ITEMS = 20
MAX_EVIDENCE_LENGTH = 300
DEFAULT_VALIDATION_DAYS = 28


class ImpactGrade(models.TextChoices):
    """The national impact scale. The guidance for each grade is reference data
    (``fixtures/impact_grades.yaml``); the five grades themselves are fixed."""

    MAJOR = "major", "Major"
    MODERATE = "moderate", "Moderate"
    MINOR = "minor", "Minor"
    NONE = "none", "None"
    NEGATIVE = "negative", "Negative"


# Highest impact first, for sorting.
GRADE_RANK = {grade.value: rank for rank, grade in enumerate(ImpactGrade)}
# A validated disruption of these grades flags its threats for re-assessment.
REASSESSMENT_GRADES = frozenset({ImpactGrade.MAJOR, ImpactGrade.MODERATE})


class DisruptionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for validation"
    VALIDATED = "validated", "Validated"
    RETURNED = "returned", "Returned to the claimant"


UNVALIDATED = (DisruptionStatus.DRAFT, DisruptionStatus.SUBMITTED, DisruptionStatus.RETURNED)
EDITABLE = (DisruptionStatus.DRAFT, DisruptionStatus.RETURNED)


@dataclass(frozen=True)
class Quantity:
    """A measure a disruption may record, where its tactic says it applies."""

    code: str
    label: str
    unit: str
    whole: bool  # a count of things, or an amount with decimals
    maximum: Decimal
    places: int = 0

    def describe(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label


QUANTITIES: tuple[Quantity, ...] = (
    Quantity("arrests", "Arrests", "people", True, Decimal(10_000)),
    Quantity("people_safeguarded", "People safeguarded", "people", True, Decimal(10_000)),
    Quantity("drugs_kg", "Drugs seized", "kg", False, Decimal(1_000_000), 3),
    Quantity("firearms", "Firearms seized", "", True, Decimal(10_000)),
    Quantity("cash", "Cash seized, restrained or frozen", "£", False, Decimal(10**11), 2),
    Quantity("custodial_years", "Custodial sentences", "years", False, Decimal(10_000), 1),
    Quantity("lines_closed", "County lines closed", "", True, Decimal(1_000)),
)
QUANTITY_CODES = tuple(q.code for q in QUANTITIES)
QUANTITY_BY_CODE = {q.code: q for q in QUANTITIES}


@dataclass(frozen=True)
class TacticRule:
    """What the rules need to know of a tactic (``models.Tactic.rule`` builds one)."""

    code: str
    name: str
    categories: frozenset[str]
    quantities: frozenset[str]
    is_active: bool = True

    def allows(self, category: str) -> bool:
        return category in self.categories


def category_label(category: str) -> str:
    return FourP(category).label if category in FourP.values else category


def _either(labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def tactic_category_problem(tactic: TacticRule, category: str) -> str:
    """Why ``tactic`` cannot be recorded under ``category`` ("" if it can)."""
    if tactic.allows(category):
        return ""
    allowed = [category_label(c) for c in FourP.values if c in tactic.categories]
    return (
        f"{tactic.name} is a {_either(allowed)} tactic: it cannot be recorded under "
        f"{category_label(category)}."
    )


def parse_quantity(quantity: Quantity, raw) -> tuple[Decimal | int | None, str]:
    """``(value, problem)`` for one quantity given as text or a number; blank is ``None``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    text = str(raw).strip().replace(",", "").lstrip("£")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, f"'{raw}' is not a number."
    if not value.is_finite():
        return None, f"'{raw}' is not a number."
    if value < 0:
        return None, "Cannot be negative."
    if value > quantity.maximum:
        return None, f"{value:,} is more than socmap accepts ({quantity.maximum:,})."
    if quantity.whole:
        if value != value.to_integral_value():
            return None, "Must be a whole number."
        return int(value), ""
    step = Decimal(1).scaleb(-quantity.places)
    if value != value.quantize(step):
        return None, f"Give at most {quantity.places} decimal places."
    return value.quantize(step), ""


def check_disruption(
    *,
    threat_count: int,
    occurred_on: dt.date | None,
    today: dt.date,
    category: str,
    tactic: TacticRule | None,
    grade: str,
    rationale: str,
    quantities: Mapping[str, object],
    narrative: str = "",
    operation_name: str = "",
    evidence: Iterable[str] = (),
    require_grade: bool = False,
) -> tuple[dict[str, list[str]], dict[str, Decimal | int | None]]:
    """Every problem with a disruption, by field, and its quantities as numbers.

    ``quantities`` maps quantity codes to what was given (text, numbers or ``None``); a code
    socmap does not know is refused. ``require_grade`` is set when the claim is submitted."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if threat_count < 1:
        add(
            "threats",
            "Say which threat (organised crime group, priority individual or vulnerability) "
            "the disruption acted on.",
        )
    if occurred_on is None:
        add("occurred_on", "Give the date of the disruption.")
    elif not isinstance(occurred_on, dt.date):
        add("occurred_on", f"'{occurred_on}' is not a date: use 2026-03-14 or 14/03/2026.")
    elif occurred_on > today:
        add("occurred_on", f"The date cannot be in the future (today is {today:%-d %B %Y}).")
    elif occurred_on < EARLIEST_DATE:
        add("occurred_on", f"The date cannot be before {EARLIEST_DATE:%-d %B %Y}.")
    if category not in FourP.values:
        add("category", "Choose the 4P category: Pursue, Prevent, Protect or Prepare.")
    if tactic is None:
        add("tactic", "Choose the tactic used.")
    elif not tactic.is_active:
        add("tactic", f"{tactic.name} is no longer in use: choose another tactic.")
    elif category in FourP.values and not tactic.allows(category):
        add("tactic", tactic_category_problem(tactic, category))
    rationale = (rationale or "").strip()
    if grade and grade not in ImpactGrade.values:
        add("grade", "Choose the impact grade: major, moderate, minor, none or negative.")
    elif grade and not rationale:
        add("rationale", "Give the rationale for the impact grade: why it is graded so.")
    elif not grade and rationale:
        add("grade", "Choose the impact grade the rationale explains.")
    elif not grade and require_grade:
        add("grade", "Grade the disruption's impact before submitting it for validation.")
    if len(rationale) > MAX_RATIONALE:
        add("rationale", f"The rationale must be {MAX_RATIONALE:,} characters or fewer.")
    numbers: dict[str, Decimal | int | None] = {}
    for code, raw in quantities.items():
        quantity = QUANTITY_BY_CODE.get(code)
        if quantity is None:
            add(code, f"socmap records no quantity called '{code}'.")
            continue
        value, problem = parse_quantity(quantity, raw)
        if problem:
            add(code, problem)
            continue
        numbers[code] = value
        if value is not None and tactic is not None and code not in tactic.quantities:
            applies = [
                QUANTITY_BY_CODE[c].label.lower() for c in QUANTITY_CODES if c in tactic.quantities
            ]
            hint = f" (it records {_either(applies)})" if applies else ""
            add(
                code,
                f"{quantity.label} does not apply to {tactic.name}{hint}: record it as a "
                "disruption of its own.",
            )
    if len(narrative or "") > MAX_NARRATIVE:
        add("narrative", f"The narrative must be {MAX_NARRATIVE:,} characters or fewer.")
    if len((operation_name or "").strip()) > MAX_OPERATION_NAME:
        add(
            "operation_name",
            f"The operation name must be {MAX_OPERATION_NAME} characters or fewer.",
        )
    items = [e for e in evidence if e]
    if len(items) > MAX_EVIDENCE_ITEMS:
        add("evidence", f"Link at most {MAX_EVIDENCE_ITEMS} evidence records.")
    if any(len(e) > MAX_EVIDENCE_LENGTH for e in items):
        add(
            "evidence",
            f"Each evidence reference must be {MAX_EVIDENCE_LENGTH} characters or fewer.",
        )
    return errors, numbers


def clean_evidence(evidence: Iterable[str] | str) -> list[str]:
    """Evidence references, one per line or separated by ';', blanks and repeats dropped."""
    if isinstance(evidence, str):
        evidence = evidence.replace("\r", "\n").replace(";", "\n").split("\n")
    return list(dict.fromkeys(e.strip() for e in evidence if e and e.strip()))


def is_web_link(reference: str) -> bool:
    """Only http(s) addresses are shown as links; anything else is shown as text."""
    return reference.lower().startswith(("https://", "http://"))


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class Person:
    """Who someone is, for the independence rule: their id, name and team."""

    id: int
    name: str
    team_id: int | None = None
    team_name: str = ""


def independence_problem(
    *,
    validator: Person,
    claimants: Iterable[Person],
    separate_team: bool,
    organisation_name: str,
) -> str:
    """Why ``validator`` may not validate a claim made by ``claimants`` ("" if they may).

    The validator must not be a claimant (anyone who recorded, changed, graded or submitted
    the claim); when the owning organisation requires a separate validation team, they must
    not share a team with any claimant either."""
    claimants = list(claimants)
    if any(c.id == validator.id for c in claimants):
        return "You made or changed this claim, so someone else must validate it."
    if separate_team and validator.team_id is not None:
        for claimant in claimants:
            if claimant.team_id == validator.team_id:
                return (
                    f"{organisation_name} requires disruptions to be validated by a separate "
                    f"team: you and {claimant.name} are both in the {validator.team_name}."
                )
    return ""


def validation_overdue(submitted_on: dt.date | None, today: dt.date, days: int) -> bool:
    """A claim waiting for validation is overdue once more than ``days`` days have passed."""
    return submitted_on is not None and (today - submitted_on).days > days


def flags_reassessment(grade: str) -> bool:
    return grade in REASSESSMENT_GRADES


def assessed_since(last_assessed_on: dt.date | None, occurred_on: dt.date) -> bool:
    """Whether a threat has been assessed after the day a disruption took place (then that
    assessment could take the disruption into account, and no new request is needed)."""
    return last_assessed_on is not None and last_assessed_on > occurred_on


# --------------------------------------------------------------------------- periods


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def counting_period(end: dt.date, years: int = 2) -> tuple[dt.date, dt.date]:
    """The ``years`` years ending on ``end`` (inclusive): 2 years to 31 March 2026 is
    1 April 2024 to 31 March 2026."""
    if years < 1:
        raise ValueError("A counting period is at least a year.")
    return years_before(end, years) + dt.timedelta(days=1), end
