"""Pure rules of local profiles and the control strategy: the six-month review date and its
state, how a threat relates to a control strategy, what a partner edition withholds, and the
difference between two versions. No database here."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Editable sections of a profile, in display order: key, heading, shown to partners?
SECTIONS: tuple[tuple[str, str, bool], ...] = (
    ("summary", "Summary", True),
    ("narrative", "Assessment narrative (internal)", False),
    ("partner_data", "Partner data and insight", True),
    ("recommendations", "Recommendations and partnership actions", True),
)
SECTION_KEYS = tuple(key for key, _, _ in SECTIONS)
SECTION_LIMIT = 20_000  # characters in one section

# Generated figures a partner edition leaves out, and how the edition says so.
INTERNAL_FIGURES: dict[str, str] = {
    "top_threats": "the named threats table (threat names, operation names, Lead Responsible "
    "Officers and the people named as priority individuals)",
    "vulnerabilities_named": "the names of the vulnerabilities",
    "intelligence": "intelligence report figures",
}
WITHHELD_SECTIONS = tuple(title for key, title, partner in SECTIONS if not partner)

REVIEW_SOON_DAYS = 30


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved on by ``months`` calendar months (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def six_month_review_due(approved_on: dt.date) -> dt.date:
    return add_months(approved_on, 6)


class ReviewState:
    REVIEWED = "reviewed"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_DUE = "not_due"

    LABELS = {
        REVIEWED: "Reviewed",
        OVERDUE: "Overdue",
        DUE_SOON: "Due soon",
        NOT_DUE: "Not yet due",
    }


def review_state(review_due: dt.date, reviewed_on: dt.date | None, today: dt.date) -> str:
    if reviewed_on is not None:
        return ReviewState.REVIEWED
    if review_due < today:
        return ReviewState.OVERDUE
    if (review_due - today).days <= REVIEW_SOON_DAYS:
        return ReviewState.DUE_SOON
    return ReviewState.NOT_DUE


@dataclass(frozen=True)
class ThreatFacts:
    """What the control strategy rule needs to know of a threat."""

    threat_id: int
    crime_types: frozenset[str]  # predominant and other crime type codes
    local_area_ids: frozenset[int]
    force_ids: frozenset[int]  # the owner and the force areas it touches


@dataclass(frozen=True)
class PriorityFacts:
    kind: str  # "crime_type" | "area" | "threat"
    strategy: str  # e.g. "Wiltshire 2026"
    crime_type: str = ""
    local_area_id: int | None = None
    force_id: int | None = None
    threat_id: int | None = None
    label: str = ""


@dataclass(frozen=True)
class Relation:
    kind: str
    strategy: str
    label: str

    @property
    def text(self) -> str:
        words = {
            "crime_type": "Priority crime type",
            "area": "Priority area",
            "threat": "Named priority",
        }[self.kind]
        return f"{words}: {self.label} ({self.strategy})"


def relations(threat: ThreatFacts, priorities: Iterable[PriorityFacts]) -> list[Relation]:
    """How ``threat`` relates to the current priorities: named, crime type, area (in that
    order); each relation once."""
    found: dict[tuple[str, str, str], Relation] = {}
    for p in priorities:
        hit = (
            (p.kind == "threat" and p.threat_id == threat.threat_id)
            or (p.kind == "crime_type" and p.crime_type in threat.crime_types)
            or (
                p.kind == "area"
                and (
                    (p.local_area_id is not None and p.local_area_id in threat.local_area_ids)
                    or (p.force_id is not None and p.force_id in threat.force_ids)
                )
            )
        )
        if hit:
            found.setdefault((p.kind, p.strategy, p.label), Relation(p.kind, p.strategy, p.label))
    order = {"threat": 0, "crime_type": 1, "area": 2}
    return sorted(found.values(), key=lambda r: (order[r.kind], r.strategy, r.label))


def partner_figures(figures: Mapping) -> dict:
    """The generated figures without what partners may not see."""
    return {k: v for k, v in figures.items() if k not in INTERNAL_FIGURES}


def partner_sections(sections: Mapping[str, str]) -> dict[str, str]:
    shared = {key for key, _, partner in SECTIONS if partner}
    return {k: v for k, v in sections.items() if k in shared}


def withheld_statement() -> list[str]:
    """What a partner edition leaves out, in words."""
    return [
        *INTERNAL_FIGURES.values(),
        *(f"the section '{title}'" for title in WITHHELD_SECTIONS),
        "any record not shared with your organisation: every figure is a count, and no person, "
        "intelligence report or operation is named",
    ]


def section_diff(old: Mapping[str, str], new: Mapping[str, str]) -> list[dict]:
    """Per section that changed: its heading and a unified diff of its lines."""
    changes = []
    for key, title, _ in SECTIONS:
        before, after = (old.get(key) or "").splitlines(), (new.get(key) or "").splitlines()
        if before == after:
            continue
        lines = list(difflib.unified_diff(before, after, lineterm="", n=2))[2:]
        changes.append({"key": key, "title": title, "lines": lines})
    return changes


def change_label(current: int, previous: int) -> str:
    """A trend in words: "up 3 from 9", "down 2 from 5", "no change", "up 4 from none"."""
    if current == previous:
        return "no change"
    if previous == 0:
        return f"up {current} from none"
    word = "up" if current > previous else "down"
    return f"{word} {abs(current - previous)} from {previous}"


def quarter_of(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def quarters_back(end: dt.date, count: int) -> list[tuple[str, dt.date, dt.date]]:
    """The ``count`` calendar quarters up to and including the one ``end`` falls in, oldest
    first, as (label, first day, last day)."""
    start_month = (end.month - 1) // 3 * 3 + 1
    first = dt.date(end.year, start_month, 1)
    out = []
    for _ in range(count):
        last = add_months(first, 3) - dt.timedelta(days=1)
        out.append((quarter_of(first), first, last))
        first = add_months(first, -3)
    return list(reversed(out))
