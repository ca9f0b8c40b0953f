"""Scoring methodologies as data, and the pure rules that turn answers into a score and band.

A methodology is a YAML document (see ``methodologies/``): its attributes, each attribute's
allowed answers and their points, the weights, how the total is formed and the band
thresholds. Nothing here touches the database; the same answers always give the same score.

Two ways of forming the total are supported:

``weighted_sum``
    score = scale x (sum of weight x points) / (sum of weight x the attribute's top points).

``product``
    the attributes are grouped into components (e.g. harm and likelihood); each component is
    its own weighted sum normalised to 0..1, and score = scale x the product of the components.

Attributes with ``scored: false`` (e.g. MoRiLE's confidence and organisational position) are
recorded with the assessment but do not change the score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

METHODOLOGY_DIR = Path(__file__).resolve().parent / "methodologies"
TOTAL_METHODS = ("weighted_sum", "product")
DOCUMENT_KEYS = {
    "name",
    "version",
    "title",
    "description",
    "applies_to",
    "total",
    "scale",
    "reassessment_interval_days",
    "attributes",
    "bands",
}
ATTRIBUTE_KEYS = {
    "key",
    "label",
    "weight",
    "component",
    "objective",
    "scored",
    "guidance",
    "answers",
}
ANSWER_KEYS = {"key", "label", "points", "guidance"}
BAND_KEYS = {"code", "from", "to", "label"}
PLACES = Decimal("0.1")
# The threat kinds a methodology may score (socmap.threats.models.ThreatKind; kept here so that
# this module needs no database; a test checks the two agree).
THREAT_KINDS = ("ocg", "priority_individual", "vulnerability")


class MethodologyError(ValueError):
    """A methodology document is not usable; ``problems`` names each problem."""

    def __init__(self, name: str, problems: list[str]):
        self.problems = problems
        super().__init__(f"Methodology {name} is not usable: " + "; ".join(problems))


class AnswerError(ValueError):
    """Answers given for an assessment do not fit the methodology."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


@dataclass(frozen=True)
class Answer:
    key: str
    label: str
    points: Decimal
    guidance: str = ""


@dataclass(frozen=True)
class Attribute:
    key: str
    label: str
    weight: Decimal
    answers: tuple[Answer, ...]
    component: str = "total"
    objective: bool = True
    scored: bool = True
    guidance: str = ""

    @property
    def top_points(self) -> Decimal:
        return max(a.points for a in self.answers)

    def answer(self, key: str) -> Answer | None:
        return next((a for a in self.answers if a.key == key), None)


@dataclass(frozen=True)
class Band:
    code: str
    lower: Decimal  # inclusive
    upper: Decimal  # exclusive, except the top band which includes it
    label: str = ""


@dataclass(frozen=True)
class Methodology:
    name: str
    version: int
    title: str
    applies_to: tuple[str, ...]
    total: str
    scale: Decimal
    attributes: tuple[Attribute, ...]
    bands: tuple[Band, ...]  # highest first
    components: tuple[str, ...] = ("total",)
    description: str = ""
    reassessment_interval_days: int = 90
    source: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def attribute(self, key: str) -> Attribute | None:
        return next((a for a in self.attributes if a.key == key), None)

    @property
    def scored_attributes(self) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if a.scored)

    @property
    def objective_attributes(self) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if a.scored and a.objective)


# --------------------------------------------------------------------------- parsing


def _unknown_keys(mapping: dict, allowed: set[str], where: str, problems: list[str]) -> None:
    """Name settings the format does not have: usually a typo, or a label with an unquoted
    comma that YAML split into extra keys."""
    unknown = sorted(str(k) for k in mapping if k not in allowed)
    if unknown:
        problems.append(
            f"{where} has unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"
            " (a label containing a comma must be in quotes)"
        )


def _decimal(value: Any, where: str, problems: list[str]) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        problems.append(f"{where} is missing or not a number")
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        problems.append(f"{where} is not a number ({value!r})")
        return None
    if not number.is_finite():
        problems.append(f"{where} is not a finite number")
        return None
    return number


def parse_methodology(document: dict[str, Any]) -> Methodology:
    """Check a methodology document and build it, or raise naming every problem."""
    if not isinstance(document, dict):
        raise MethodologyError("(unnamed)", ["the document is not a mapping of settings"])
    name = str(document.get("name") or "").strip()
    problems: list[str] = []
    _unknown_keys(document, DOCUMENT_KEYS, "the document", problems)
    if not name:
        problems.append("it has no name")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version must be a whole number of 1 or more")
    total = document.get("total", "weighted_sum")
    if total not in TOTAL_METHODS:
        problems.append(f"total must be one of {', '.join(TOTAL_METHODS)}, not {total!r}")
    scale = _decimal(document.get("scale", 100), "scale", problems)
    if scale is not None and scale <= 0:
        problems.append("scale must be greater than zero")
    applies_to = tuple(document.get("applies_to") or ())
    if not applies_to:
        problems.append("applies_to must list the threat kinds it scores")
    unknown_kinds = [str(k) for k in applies_to if k not in THREAT_KINDS]
    if unknown_kinds:
        problems.append(
            f"applies_to names unknown threat kinds {', '.join(unknown_kinds)} "
            f"(use {', '.join(THREAT_KINDS)})"
        )
    interval = document.get("reassessment_interval_days", 90)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
        problems.append("reassessment_interval_days must be a whole number of days")

    attributes: list[Attribute] = []
    raw_attributes = document.get("attributes")
    if not isinstance(raw_attributes, list) or not raw_attributes:
        problems.append("it has no attributes")
        raw_attributes = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_attributes, start=1):
        if not isinstance(raw, dict):
            problems.append(f"attribute {index} is not a mapping")
            continue
        key = str(raw.get("key") or "").strip()
        where = f"attribute '{key or index}'"
        _unknown_keys(raw, ATTRIBUTE_KEYS, where, problems)
        if not key:
            problems.append(f"attribute {index} has no key")
        elif key in seen:
            problems.append(f"attribute '{key}' is listed twice")
        seen.add(key)
        scored = bool(raw.get("scored", True))
        if "weight" not in raw and scored:
            problems.append(f"{where} has no weight")
            weight = None
        else:
            weight = _decimal(raw.get("weight", 0), f"{where} weight", problems)
        if weight is not None and weight < 0:
            problems.append(f"{where} has a negative weight")
        answers: list[Answer] = []
        raw_answers = raw.get("answers")
        if not isinstance(raw_answers, list) or len(raw_answers) < 2:
            problems.append(f"{where} needs at least two allowed answers")
            raw_answers = []
        answer_keys: set[str] = set()
        for position, raw_answer in enumerate(raw_answers, start=1):
            if not isinstance(raw_answer, dict) or not raw_answer.get("key"):
                problems.append(f"{where} answer {position} has no key")
                continue
            answer_key = str(raw_answer["key"])
            _unknown_keys(raw_answer, ANSWER_KEYS, f"{where} answer '{answer_key}'", problems)
            if answer_key in answer_keys:
                problems.append(f"{where} lists answer '{answer_key}' twice")
            answer_keys.add(answer_key)
            points = _decimal(
                raw_answer.get("points"), f"{where} answer '{answer_key}' points", problems
            )
            if points is not None and points < 0:
                problems.append(f"{where} answer '{answer_key}' has negative points")
            answers.append(
                Answer(
                    answer_key,
                    str(raw_answer.get("label") or answer_key),
                    points if points is not None else Decimal(0),
                    str(raw_answer.get("guidance") or ""),
                )
            )
        if scored and answers and weight is not None and max(a.points for a in answers) <= 0:
            problems.append(f"{where} has no answer worth any points")
        attributes.append(
            Attribute(
                key=key,
                label=str(raw.get("label") or key),
                weight=weight if weight is not None else Decimal(0),
                answers=tuple(answers),
                component=str(raw.get("component") or "total"),
                objective=bool(raw.get("objective", True)),
                scored=scored,
                guidance=str(raw.get("guidance") or ""),
            )
        )

    components = tuple(dict.fromkeys(a.component for a in attributes if a.scored))
    if total == "weighted_sum" and len(components) > 1:
        problems.append("a weighted_sum methodology cannot group attributes into components")
    if total == "product" and len(components) < 2:
        problems.append("a product methodology needs attributes in at least two components")
    for component in components:
        if not any(a.weight > 0 for a in attributes if a.scored and a.component == component):
            problems.append(f"component '{component}' has no attribute with a positive weight")

    bands = _parse_bands(document.get("bands"), scale, problems)
    if problems:
        raise MethodologyError(name or "(unnamed)", problems)
    return Methodology(
        name=name,
        version=version,
        title=str(document.get("title") or name),
        applies_to=applies_to,
        total=total,
        scale=scale,
        attributes=tuple(attributes),
        bands=bands,
        components=components,
        description=str(document.get("description") or ""),
        reassessment_interval_days=interval,
        source=document,
    )


def _parse_bands(raw_bands: Any, scale: Decimal | None, problems: list[str]) -> tuple[Band, ...]:
    if not isinstance(raw_bands, list) or not raw_bands:
        problems.append("it has no bands")
        return ()
    bands: list[Band] = []
    for index, raw in enumerate(raw_bands, start=1):
        if not isinstance(raw, dict) or not raw.get("code"):
            problems.append(f"band {index} has no code")
            continue
        code = str(raw["code"])
        _unknown_keys(raw, BAND_KEYS, f"band {code}", problems)
        lower = _decimal(raw.get("from"), f"band {code} 'from'", problems)
        upper = _decimal(raw.get("to"), f"band {code} 'to'", problems)
        if lower is None or upper is None:
            continue
        if upper <= lower:
            problems.append(f"band {code} ends ({upper}) at or below where it starts ({lower})")
            continue
        bands.append(Band(code, lower, upper, str(raw.get("label") or "")))
    codes = [b.code for b in bands]
    for code in {c for c in codes if codes.count(c) > 1}:
        problems.append(f"band {code} is listed twice")
    ordered = sorted(bands, key=lambda b: b.lower)
    for below, above in zip(ordered, ordered[1:], strict=False):
        if above.lower < below.upper:
            problems.append(
                f"bands {below.code} ({below.lower}-{below.upper}) and {above.code} "
                f"({above.lower}-{above.upper}) overlap"
            )
        elif above.lower > below.upper:
            problems.append(
                f"no band covers scores from {below.upper} to {above.lower} "
                f"(between {below.code} and {above.code})"
            )
    if ordered and scale is not None:
        if ordered[0].lower > 0:
            problems.append(f"no band covers scores from 0 to {ordered[0].lower}")
        if ordered[0].lower < 0:
            problems.append(f"band {ordered[0].code} starts below 0 ({ordered[0].lower})")
        if ordered[-1].upper < scale:
            problems.append(f"no band covers scores from {ordered[-1].upper} to {scale}")
        if ordered[-1].upper > scale:
            problems.append(
                f"band {ordered[-1].code} ends above the top score ({ordered[-1].upper} > {scale})"
            )
    return tuple(reversed(ordered))


def load_methodology_file(path: Path) -> Methodology:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as broken:
        raise MethodologyError(path.name, [f"the YAML cannot be read: {broken}"]) from broken
    return parse_methodology(document)


def shipped_methodologies() -> list[Methodology]:
    """The methodologies that ship with socmap, one per file."""
    return [load_methodology_file(p) for p in sorted(METHODOLOGY_DIR.glob("*.yaml"))]


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Contribution:
    attribute: str
    label: str
    answer: str
    answer_label: str
    points: Decimal
    weight: Decimal
    component: str
    contribution: Decimal  # in score units for weighted_sum; share of its component for product
    of_maximum: Decimal  # the most this attribute could have contributed, same units


@dataclass(frozen=True)
class Result:
    methodology: str
    score: Decimal
    band: str
    components: dict[str, Decimal]
    contributions: tuple[Contribution, ...]
    recorded: dict[str, str]  # answers to unscored attributes (confidence, position...)

    def explanation(self) -> list[str]:
        """One sentence per scored attribute, largest contribution first."""
        lines = []
        for c in sorted(self.contributions, key=lambda c: (-c.contribution, c.attribute)):
            where = "" if c.component == "total" else f" of {c.component}"
            lines.append(
                f"{c.label}: '{c.answer_label}' gives {c.contribution}{where} "
                f"(of a possible {c.of_maximum})"
            )
        return lines


def _round(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def _express(methodology: Methodology, fraction: Decimal) -> Decimal:
    """A share of the maximum in the units the explanation shows: score points for a weighted
    sum, the fraction of its component (three places) for a product."""
    if methodology.total == "weighted_sum":
        return _round(methodology.scale * fraction)
    return fraction.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def check_answers(methodology: Methodology, answers: dict[str, str]) -> None:
    problems: dict[str, str] = {}
    for attribute in methodology.attributes:
        given = answers.get(attribute.key)
        if given in (None, ""):
            problems[attribute.key] = f"{attribute.label} needs an answer"
        elif attribute.answer(str(given)) is None:
            allowed = ", ".join(a.key for a in attribute.answers)
            problems[attribute.key] = (
                f"'{given}' is not an allowed answer for {attribute.label} (allowed: {allowed})"
            )
    for key in answers:
        if methodology.attribute(key) is None:
            problems[key] = f"'{key}' is not an attribute of {methodology.label}"
    if problems:
        raise AnswerError(problems)


def band_for(methodology: Methodology, score: Decimal) -> str:
    """The band whose range holds ``score``; the top band includes its upper bound."""
    top = methodology.bands[0]
    if score >= top.upper:
        return top.code
    for band in methodology.bands:
        if band.lower <= score < band.upper:
            return band.code
    return methodology.bands[-1].code


def score(methodology: Methodology, answers: dict[str, str]) -> Result:
    """Score a set of answers. Deterministic; raises :class:`AnswerError` on bad answers."""
    check_answers(methodology, answers)
    component_values: dict[str, Decimal] = {}
    contributions: list[Contribution] = []
    for component in methodology.components:
        members = [a for a in methodology.scored_attributes if a.component == component]
        maximum = sum((a.weight * a.top_points for a in members), Decimal(0))
        achieved = Decimal(0)
        for attribute in members:
            answer = attribute.answer(answers[attribute.key])
            achieved += attribute.weight * answer.points
            contributions.append(
                Contribution(
                    attribute=attribute.key,
                    label=attribute.label,
                    answer=answer.key,
                    answer_label=answer.label,
                    points=answer.points,
                    weight=attribute.weight,
                    component=component,
                    contribution=_express(methodology, attribute.weight * answer.points / maximum),
                    of_maximum=_express(
                        methodology, attribute.weight * attribute.top_points / maximum
                    ),
                )
            )
        component_values[component] = achieved / maximum
    if methodology.total == "weighted_sum":
        raw = methodology.scale * component_values["total"]
    else:
        raw = methodology.scale
        for value in component_values.values():
            raw *= value
    total = _round(raw)
    recorded = {a.key: answers[a.key] for a in methodology.attributes if not a.scored}
    return Result(
        methodology=methodology.label,
        score=total,
        band=band_for(methodology, total),
        components={
            k: v.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
            for k, v in component_values.items()
        },
        contributions=tuple(contributions),
        recorded=recorded,
    )
