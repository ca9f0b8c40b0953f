"""Scoring results shaped for people: the same rows for the pages, CSV exports, the API and
the commands, so that every channel says the same thing. No database writes; reads only what
the selectors already returned."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from socmap.scoring.methodology import Methodology
from socmap.scoring.selectors import CalibrationReport, ConsistencyReport

# Krippendorff's own guidance (Content Analysis, 2004): rely on alpha >= 0.800, draw only
# tentative conclusions for 0.667 <= alpha < 0.800, and discard data below 0.667.
ALPHA_GOOD = 0.8
ALPHA_TENTATIVE = 0.667


def alpha_reading(alpha: float | None) -> str:
    """Krippendorff's alpha in plain words."""
    if alpha is None:
        return "not measurable (too few answers, or everyone gave the same answer every time)"
    if alpha >= ALPHA_GOOD:
        return "good agreement"
    if alpha >= ALPHA_TENTATIVE:
        return "tentative agreement: guidance would help"
    return "poor agreement: target guidance here"


def alpha_level(alpha: float | None) -> str:
    """A short code for styling: good, tentative, poor or none."""
    if alpha is None:
        return "none"
    if alpha >= ALPHA_GOOD:
        return "good"
    if alpha >= ALPHA_TENTATIVE:
        return "tentative"
    return "poor"


def format_alpha(alpha: float | None) -> str:
    return "n/a" if alpha is None else f"{alpha:.3f}"


# --------------------------------------------------------------------------- methodologies


def plain_number(value: Decimal) -> str:
    """``Decimal('8.00')`` -> ``'8'``, ``Decimal('10')`` -> ``'10'`` (never ``1E+1``)."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class AttributeRow:
    key: str
    label: str
    component: str
    weight: Decimal
    objective: bool
    scored: bool
    guidance: str
    answers: list[dict]
    top_points: Decimal
    share: Decimal | None  # percentage of its component's maximum, for scored attributes


def attribute_rows(rules: Methodology) -> list[AttributeRow]:
    """Every attribute with its answers and how much of the total it can move."""
    maxima: dict[str, Decimal] = {}
    for attribute in rules.scored_attributes:
        maxima[attribute.component] = (
            maxima.get(attribute.component, Decimal(0)) + attribute.weight * attribute.top_points
        )
    rows = []
    for attribute in rules.attributes:
        share = None
        if attribute.scored and maxima.get(attribute.component):
            share = (
                Decimal(100) * attribute.weight * attribute.top_points / maxima[attribute.component]
            ).quantize(Decimal("0.1"))
        rows.append(
            AttributeRow(
                key=attribute.key,
                label=attribute.label,
                component=attribute.component,
                weight=attribute.weight,
                objective=attribute.objective,
                scored=attribute.scored,
                guidance=attribute.guidance,
                answers=[
                    {
                        "key": a.key,
                        "label": a.label,
                        "points": a.points,
                        "weighted": plain_number(a.points * attribute.weight),
                        "guidance": a.guidance,
                    }
                    for a in attribute.answers
                ],
                top_points=attribute.top_points,
                share=share,
            )
        )
    return rows


def total_description(rules: Methodology) -> str:
    """How the total is formed, in words."""
    if rules.total == "weighted_sum":
        return (
            f"Score = {rules.scale} × (sum over the scored attributes of weight × the answer's "
            "points) ÷ (sum of weight × the attribute's top points). Every scored attribute at "
            f"its top answer gives {rules.scale}; every one at its lowest gives the lowest score."
        )
    components = ", ".join(rules.components)
    return (
        f"Each component ({components}) is its own weighted sum, normalised to 0–1: (sum of "
        "weight × the answer's points) ÷ (sum of weight × top points) over the component's "
        f"attributes. Score = {rules.scale} × the product of the components, so a threat scores "
        "high only if it is high on every component."
    )


# --------------------------------------------------------------------------- consistency


def subjective_differences(rules: Methodology, first: dict, second: dict) -> list[dict]:
    """The scored judgement answers (not objective) on which two assessments differ."""
    differences = []
    for attribute in rules.attributes:
        if attribute.objective or not attribute.scored:
            continue
        a, b = first.get(attribute.key, ""), second.get(attribute.key, "")
        if a != b:
            answer_a, answer_b = attribute.answer(a), attribute.answer(b)
            differences.append(
                {
                    "attribute": attribute.key,
                    "label": attribute.label,
                    "first": answer_a.label if answer_a else a,
                    "second": answer_b.label if answer_b else b,
                }
            )
    return differences


def consistency_rows(report: ConsistencyReport) -> list[dict]:
    """One row per inconsistent pair: both threats, their bands, how alike they are on the
    objective attributes, and the judgements that differ."""
    rules = report.methodology.rules()
    rows = []
    for pair in report.pairs:
        first = report.threats[pair.first.threat_id]
        second = report.threats[pair.second.threat_id]
        rows.append(
            {
                "first": first,
                "second": second,
                "first_band": pair.first.band,
                "second_band": pair.second.band,
                "distance": pair.distance,
                "band_gap": pair.band_gap,
                "subjective_differences": subjective_differences(
                    rules,
                    report.inputs.get(first.pk, {}),
                    report.inputs.get(second.pk, {}),
                ),
            }
        )
    return rows


CONSISTENCY_HEADER = [
    "first_threat",
    "first_name",
    "first_band",
    "second_threat",
    "second_name",
    "second_band",
    "distance",
    "band_gap",
    "subjective_answers_that_differ",
]


def consistency_table(report: ConsistencyReport) -> list[list]:
    return [
        [
            row["first"].reference,
            row["first"].name,
            row["first_band"],
            row["second"].reference,
            row["second"].name,
            row["second_band"],
            f"{row['distance']:.3f}",
            row["band_gap"],
            "; ".join(
                f"{d['label']}: {d['first']} / {d['second']}" for d in row["subjective_differences"]
            )
            or "none (the objective differences alone moved the band)",
        ]
        for row in consistency_rows(report)
    ]


# --------------------------------------------------------------------------- calibration

CALIBRATION_HEADER = ["measure", "attribute", "organisation", "value", "reading"]


def calibration_table(report: CalibrationReport) -> list[list]:
    """The whole calibration report in long form (one measure a row), for CSV and the CLI."""
    rows: list[list] = [
        ["band alpha", "", "", format_alpha(report.band_alpha), alpha_reading(report.band_alpha)]
    ]
    for attribute in report.attributes:
        rows.append(
            [
                "attribute alpha",
                attribute.label,
                "",
                format_alpha(attribute.alpha),
                alpha_reading(attribute.alpha),
            ]
        )
    for attribute in report.attributes:
        for organisation, alpha in attribute.by_organisation.items():
            rows.append(
                [
                    "attribute alpha within organisation",
                    attribute.label,
                    organisation,
                    format_alpha(alpha),
                    alpha_reading(alpha),
                ]
            )
    for row in report.organisations:
        difference = row["mean_difference_from_median"]
        rows.append(
            [
                "mean difference from case median score",
                "",
                row["organisation"],
                f"{difference:+.1f}",
                "scores higher than the others"
                if difference > 0
                else "scores lower than the others"
                if difference < 0
                else "in line with the others",
            ]
        )
    return rows
