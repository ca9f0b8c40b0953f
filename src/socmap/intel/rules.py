"""Pure rules for intelligence handling: no database, tested directly.

* Gradings: 3x5x2 (current) and the legacy 5x5x5, each checked on its own scales, with a
  message that says so when the two are mixed up; handling code C needs written conditions.
* Classification: the Government Security Classifications, in order, and clearance to read an
  original up to a level.
* Sanitisation: passages of an original marked as source-identifying (between ``[[`` and
  ``]]``, or listed separately) must not survive into a sanitised copy.
* Sharing a sanitised copy with a partner agency: only where the handling code allows it.
* Process measures: rates with their numerator and denominator, and no rate without a
  denominator.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

MAX_TEXT = 20_000
MAX_CONDITIONS = 2_000
EARLIEST_DATE = dt.date(1990, 1, 1)
DEFAULT_3X5X2_FROM = dt.date(2020, 1, 1)
REMOVED = "[source-identifying detail removed]"
MARKED = re.compile(r"\[\[(.+?)\]\]", re.DOTALL)


class GradingSystem(models.TextChoices):
    G3X5X2 = "3x5x2", "3x5x2"
    G5X5X5 = "5x5x5", "5x5x5 (legacy)"


SOURCE_3X5X2 = {"1": "Reliable", "2": "Untested", "3": "Not reliable"}
INTELLIGENCE_3X5X2 = {
    "A": "Known directly to the source",
    "B": "Known indirectly to the source but corroborated",
    "C": "Known indirectly to the source",
    "D": "Not known",
    "E": "Suspected to be false or malicious",
}
HANDLING_3X5X2 = {
    "P": "Lawful sharing permitted",
    "C": "Lawful sharing permitted subject to conditions",
}
SOURCE_5X5X5 = {
    "A": "Always reliable",
    "B": "Mostly reliable",
    "C": "Sometimes reliable",
    "D": "Unreliable",
    "E": "Untested source",
}
INTELLIGENCE_5X5X5 = {
    "1": "Known to be true without reservation",
    "2": "Known personally to the source but not to the officer",
    "3": "Not personally known to the source but corroborated",
    "4": "Cannot be judged",
    "5": "Suspected to be false",
}
HANDLING_5X5X5 = {
    "1": "May be disseminated to other law enforcement and prosecuting agencies",
    "2": "May be disseminated to UK non-prosecuting parties",
    "3": "May be disseminated to non-EEA law enforcement agencies (special conditions)",
    "4": "Within the originating agency only",
    "5": "No further dissemination: refer to the originator",
}
SCALES = {
    GradingSystem.G3X5X2: (SOURCE_3X5X2, INTELLIGENCE_3X5X2, HANDLING_3X5X2),
    GradingSystem.G5X5X5: (SOURCE_5X5X5, INTELLIGENCE_5X5X5, HANDLING_5X5X5),
}
# 5x5x5 handling codes under which a sanitised copy may go to a partner agency.
PARTNER_HANDLING_5X5X5 = frozenset({"1", "2"})


class Classification(models.TextChoices):
    """Government Security Classifications, lowest first (OFFICIAL-SENSITIVE is OFFICIAL
    material with the SENSITIVE handling caveat)."""

    OFFICIAL = "official", "OFFICIAL"
    OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"
    SECRET = "secret", "SECRET"
    TOP_SECRET = "top_secret", "TOP SECRET"


RANK = {code: rank for rank, code in enumerate(Classification.values)}
# The most a partner agency receives through socmap.
PARTNER_CEILING = Classification.OFFICIAL_SENSITIVE


def rank(classification: str) -> int:
    return RANK.get(classification, len(RANK))


def covers(cleared_to: str | None, classification: str) -> bool:
    """Whether clearance to ``cleared_to`` lets its holder read ``classification``."""
    return cleared_to is not None and rank(cleared_to) >= rank(classification)


# --------------------------------------------------------------------------- grading


@dataclass(frozen=True)
class Grading:
    system: str
    source: str
    intelligence: str
    handling: str
    conditions: str = ""

    @property
    def code(self) -> str:
        return f"{self.source}{self.intelligence}{self.handling}"

    def describe(self) -> str:
        scales = SCALES.get(self.system)
        if scales is None:
            return self.code
        source, intelligence, handling = scales
        return (
            f"{self.system} {self.code}: source {source.get(self.source, '?').lower()}; "
            f"intelligence {intelligence.get(self.intelligence, '?').lower()}; "
            f"{handling.get(self.handling, '?').lower()}"
        )


def _normal(value) -> str:
    return str(value or "").strip().upper()


def grading_problems(
    *,
    system: str,
    source: str,
    intelligence: str,
    handling: str,
    conditions: str = "",
    reported_on: dt.date | None = None,
    legacy_until: dt.date = DEFAULT_3X5X2_FROM,
) -> dict[str, list[str]]:
    """Every problem with a grading, worded for the person who gave it. Values from the other
    system's scale are named as such, so a 5x5x5 code typed into a 3x5x2 grading says so."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if system not in SCALES:
        add("grading_system", "Choose the grading system: 3x5x2, or 5x5x5 for historic records.")
        return errors
    source, intelligence, handling = _normal(source), _normal(intelligence), _normal(handling)
    ours = SCALES[system]
    other_system = GradingSystem.G5X5X5 if system == GradingSystem.G3X5X2 else GradingSystem.G3X5X2
    theirs = SCALES[other_system]
    labels = (
        ("source_evaluation", "source evaluation"),
        ("intelligence_assessment", "intelligence assessment"),
        ("handling_code", "handling code"),
    )
    for value, scale, other, (name, label) in zip(
        (source, intelligence, handling), ours, theirs, labels, strict=True
    ):
        allowed = ", ".join(f"{k} ({v.lower()})" for k, v in scale.items())
        if not value:
            add(name, f"Give the {label}: {allowed}.")
        elif value not in scale:
            if value in other:
                add(
                    name,
                    f"'{value}' is a {other_system} {label}; a {system} grading uses {allowed}.",
                )
            else:
                add(name, f"'{value}' is not a {system} {label}: use {allowed}.")
    conditions = (conditions or "").strip()
    if system == GradingSystem.G3X5X2:
        if handling == "C" and not conditions:
            add(
                "handling_conditions",
                "Handling code C permits sharing only subject to conditions: write them.",
            )
        elif handling == "P" and conditions:
            add(
                "handling_conditions",
                "Conditions go with handling code C; with P sharing is permitted without them.",
            )
    if len(conditions) > MAX_CONDITIONS:
        add("handling_conditions", f"Keep the conditions to {MAX_CONDITIONS:,} characters.")
    if system == GradingSystem.G5X5X5 and reported_on is not None and reported_on >= legacy_until:
        add(
            "grading_system",
            f"5x5x5 is for historic records, before {legacy_until:%-d %B %Y}; grade a report "
            f"of {reported_on:%-d %B %Y} on the 3x5x2 scale.",
        )
    return errors


def clean_grading(
    system: str, source: str, intelligence: str, handling: str, conditions: str = ""
) -> Grading:
    return Grading(
        system,
        _normal(source),
        _normal(intelligence),
        _normal(handling),
        (conditions or "").strip(),
    )


def may_share_with_partner(grading: Grading) -> tuple[bool, str]:
    """Whether a sanitised copy of a report so graded may go to a partner agency, and if not,
    why."""
    if grading.system == GradingSystem.G3X5X2:
        return True, ""
    if grading.handling in PARTNER_HANDLING_5X5X5:
        return True, ""
    label = HANDLING_5X5X5.get(grading.handling, grading.handling).lower()
    return False, (
        f"The original is graded 5x5x5 with handling code {grading.handling} ({label}): it may "
        "not go to a partner agency, even sanitised. Ask the originator to re-grade it."
    )


# --------------------------------------------------------------------------- sanitising


def _squash(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def marked_passages(text: str) -> list[str]:
    """Passages of ``text`` marked as source-identifying between [[ and ]]."""
    return [" ".join(m.split()) for m in MARKED.findall(text or "") if m.strip()]


def protected_phrases(text: str, listed: Iterable[str]) -> list[str]:
    """The marked passages and the separately listed phrases, each once."""
    phrases = [*marked_passages(text), *(" ".join(p.split()) for p in listed if p and p.strip())]
    seen, unique = set(), []
    for phrase in phrases:
        key = phrase.casefold()
        if key not in seen:
            seen.add(key)
            unique.append(phrase)
    return unique


def draft_sanitised(text: str, listed: Iterable[str] = ()) -> str:
    """A first draft of a sanitised copy: marked passages and listed phrases replaced."""
    draft = MARKED.sub(REMOVED, text or "")
    for phrase in sorted((p for p in listed if p and p.strip()), key=len, reverse=True):
        pattern = r"\s+".join(re.escape(word) for word in phrase.split())
        draft = re.sub(pattern, REMOVED, draft, flags=re.IGNORECASE)
    return draft


WINDOW = 4  # this many consecutive words of a marked passage are enough to identify it


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", (text or "").casefold())


def leaked_phrases(copy_text: str, phrases: Iterable[str]) -> list[str]:
    """The protected text that still appears in ``copy_text`` (ignoring case, spacing and
    punctuation): a whole phrase, or any run of four consecutive words of a longer one."""
    copy_words = _words(copy_text)
    haystack = f" {' '.join(copy_words)} "
    found = []
    for phrase in phrases:
        words = _words(phrase)
        if not words:
            continue
        if f" {' '.join(words)} " in haystack:
            found.append(phrase)
            continue
        for start in range(len(words) - WINDOW + 1):
            run = " ".join(words[start : start + WINDOW])
            if f" {run} " in haystack:
                found.append(f"…{run}…")
                break
    return found


def sanitisation_problems(
    *,
    copy_text: str,
    phrases: Iterable[str],
    original_classification: str,
    classification: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    text = (copy_text or "").strip()
    if not text:
        errors["text"] = ["Write the sanitised text."]
    elif len(text) > MAX_TEXT:
        errors["text"] = [f"Keep it to {MAX_TEXT:,} characters or fewer."]
    else:
        leaks = leaked_phrases(text, phrases)
        if leaks:
            quoted = "; ".join(f"'{p}'" for p in leaks[:5])
            errors["text"] = [
                f"The copy still contains text marked as source-identifying: {quoted}. "
                "Remove it before the copy can be saved."
            ]
        elif "[[" in text or "]]" in text:
            errors["text"] = ["The copy still contains [[ ]] source markings: remove them."]
    if classification not in Classification.values:
        errors["classification"] = ["Choose the classification of the copy."]
    elif rank(classification) > rank(original_classification):
        errors["classification"] = ["A sanitised copy cannot be classified above its original."]
    return errors


# --------------------------------------------------------------------------- measures


def rate(numerator: int, denominator: int, per: int = 100) -> Decimal | None:
    """``numerator`` per ``per`` of ``denominator``, to one decimal place; ``None`` when there
    is nothing to divide by."""
    if not denominator:
        return None
    value = Decimal(numerator) * per / Decimal(denominator)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def share(numerator: int, denominator: int) -> Decimal | None:
    """A percentage to one decimal place."""
    return rate(numerator, denominator, 100)


def year_ending(end: dt.date) -> tuple[dt.date, dt.date]:
    """The twelve months ending on ``end`` (inclusive)."""
    try:
        start = end.replace(year=end.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        start = dt.date(end.year - 1, 3, 1)
    return start, end
