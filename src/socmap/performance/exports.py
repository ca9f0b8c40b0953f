"""Every performance table as (title, header, rows), built once from a selector's result and
used by the pages (the table under each chart and its CSV/XLSX download), the command line
(table, CSV, JSON) and the PDF reports, so they all show the same figures in the same form.
Numbers stay numbers (a spreadsheet can sort them); a rate or share with no value is empty."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from socmap.performance import rules
from socmap.performance import selectors as s


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    header: list[str]
    rows: list[list]

    def records(self) -> list[dict]:
        return [dict(zip(self.header, row, strict=True)) for row in self.rows]


def _v(value):
    """A cell: None -> "", Decimal kept as its exact text."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return value


def _round(value: float | None, places: int = 2):
    return "" if value is None else round(value, places)


RANKING_HEADER = [
    "rank",
    "force",
    "region",
    "disruptions",
    "population",
    "population year",
    "per 1,000 population",
    "ratio to the average",
    "in the comparison",
    "note",
]


def _ranked_row(r: rules.RankedForce) -> list:
    return [
        _v(r.rank),
        r.name,
        r.region,
        r.count,
        _v(r.population),
        _v(r.population_year),
        _v(r.rate),
        _v(r.ratio),
        "yes" if r.in_comparison else "no",
        r.note,
    ]


def ranking_tables(result: s.RankingResult) -> dict[str, Table]:
    average = result.average
    options = result.options
    rows = [_ranked_row(r) for r in result.shown]
    rows.append(
        [
            "",
            f"Average of the {average.forces} forces compared",
            "",
            average.count,
            average.population,
            result.ranking.population_years,
            _v(average.rate),
            "1.00",
            "",
            f"{options.counting.capitalize()}, {options.period.label}.",
        ]
    )
    regions = [
        [
            a.name,
            a.count,
            _v(a.population),
            a.population_years,
            _v(a.rate),
            a.forces,
            a.left_out,
        ]
        for a in result.regions
    ]
    regions.append(
        [
            "England and Wales (the comparison)",
            average.count,
            average.population,
            result.ranking.population_years,
            _v(average.rate),
            average.forces,
            len(result.ranking.excluded),
        ]
    )
    return {
        "ranking": Table(
            "ranking",
            f"Disruptions per 1,000 population by force, {options.period.label}",
            RANKING_HEADER,
            rows,
        ),
        "regions": Table(
            "regions",
            f"Disruptions per 1,000 population by region, {options.period.label}",
            REGION_HEADER,
            regions,
        ),
    }


REGION_HEADER = [
    "region",
    "disruptions",
    "population",
    "population years",
    "per 1,000 population",
    "forces compared",
    "forces left out",
]

THREAT_HEADER = [
    "rank",
    "force",
    "region",
    "active threats",
    "population",
    "population year",
    "per million population",
    "ratio to the average",
    "in the comparison",
    "note",
]


def threat_table(table: rules.Ranking, period: rules.Period) -> Table:
    rows = [_ranked_row(r) for r in table.rows]
    average = table.average
    if average is not None:
        rows.append(
            [
                "",
                f"Average of the {average.forces} forces compared",
                "",
                average.count,
                average.population,
                table.population_years,
                _v(average.rate),
                "1.00",
                "",
                "",
            ]
        )
    else:
        rows.append(["", "No average", "", "", "", "", "", "", "", table.empty_reason])
    return Table(
        "threats",
        f"Active threats per million population on {period.end:%-d %B %Y}",
        THREAT_HEADER,
        rows,
    )


TREND_HEADER = ["period", "from", "to", "disruptions", "per 1,000 population", "part period"]


def trend_table(result: s.TrendResult) -> Table:
    return Table(
        "trend",
        f"{result.options.counting.capitalize()} by {result.options.by}, {result.area.name}, "
        f"{result.options.period.label}",
        TREND_HEADER,
        [
            [
                p.label,
                p.start.isoformat(),
                p.end.isoformat(),
                p.count,
                _v(p.rate),
                "yes" if p.partial else "",
            ]
            for p in result.points
        ],
    )


PART_HEADER = ["code", "name", "disruptions", "share %"]


def _parts(name: str, title: str, parts: Sequence[rules.Part]) -> Table:
    return Table(
        name, title, PART_HEADER, [[p.code, p.label, p.count, _v(p.percent)] for p in parts]
    )


def breakdown_tables(result: s.BreakdownResult) -> dict[str, Table]:
    where = f"{result.area.name}, {result.options.period.label}"
    return {
        "categories": _parts("categories", f"By 4P category, {where}", result.categories),
        "tactics": _parts("tactics", f"By tactic, {where}", result.tactics),
        "grades": _parts("grades", f"By impact grade, {where}", result.grades),
        "crime_types": _parts(
            "crime_types",
            f"By the threats' predominant crime type, {where}",
            result.crime_types,
        ),
    }


COMPLIANCE_HEADER = [
    "force",
    "active threats",
    "with an LRO %",
    "plan under all four Ps %",
    "plan review on time %",
    "re-assessment on time %",
    "disruptions recorded",
    "graded %",
    "validated %",
    "threats mapped and adopted",
    "median days to first disruption",
    "not disrupted yet",
]


def _compliance_row(row: s.ComplianceRow) -> list:
    days = row.to_first_disruption
    return [
        row.name,
        row.active_threats,
        _v(row.with_lro.percent),
        _v(row.plan_all_four.percent),
        _v(row.review_on_time.percent),
        _v(row.reassessment_on_time.percent),
        row.disruptions,
        _v(row.graded.percent),
        _v(row.validated.percent),
        days.n + days.never,
        _v(days.median),
        days.never,
    ]


def compliance_tables(result: s.ComplianceResult) -> dict[str, Table]:
    days = result.total.to_first_disruption
    return {
        "compliance": Table(
            "compliance",
            f"Compliance measures on {result.today:%-d %B %Y}; disruptions and mapping "
            f"{result.options.period.label}",
            COMPLIANCE_HEADER,
            [_compliance_row(r) for r in result.rows] + [_compliance_row(result.total)],
        ),
        "first_disruption": Table(
            "first_disruption",
            "Days from mapping to the first disruption (threats mapped in the period)",
            ["days", "threats"],
            [[label, n] for label, n in days.buckets] + [["not disrupted yet", days.never]],
        ),
    }


WORKS_HEADER = [
    "approach",
    "kind",
    "intervals with it",
    "matched intervals without it",
    "strata",
    "unmatched",
    "mean score change with",
    "mean score change without",
    "difference in score change",
    "95% interval from",
    "95% interval to",
    "difference in moving to a lower band (points)",
    "95% interval from (band)",
    "95% interval to (band)",
    "note",
]


def _works_row(row: s.WorksRow) -> list:
    score, band = row.score, row.lower_band
    return [
        row.label,
        row.kind,
        score.treated,
        score.control,
        score.strata,
        score.unmatched,
        _round(score.treated_mean),
        _round(score.control_mean),
        _round(score.difference.estimate),
        _round(score.difference.low),
        _round(score.difference.high),
        _round(band.difference.estimate, 1),
        _round(band.difference.low, 1),
        _round(band.difference.high, 1),
        score.note,
    ]


SURVIVAL_HEADER = [
    "approach",
    "threats",
    "ended",
    "still active or merged (censored)",
    "median days active",
    "active after 180 days %",
    "active after 365 days %",
    "note",
]
CURVE_HEADER = ["approach", "day", "at risk", "ended", "censored", "survival", "from", "to"]


def what_works_tables(result: s.WhatWorksResult) -> dict[str, Table]:
    where = result.options.period.label
    return {
        "tactics": Table(
            "tactics",
            f"Change at the next re-assessment after a disruption, by tactic ({where})",
            WORKS_HEADER,
            [_works_row(r) for r in result.tactics],
        ),
        "categories": Table(
            "categories",
            f"Change at the next re-assessment after a disruption, by 4P category ({where})",
            WORKS_HEADER,
            [_works_row(r) for r in result.categories],
        ),
        "survival": Table(
            "survival",
            f"How long threats stay active, by main approach (to {result.options.period.end})",
            SURVIVAL_HEADER,
            [
                [
                    r.label,
                    r.curve.n,
                    r.curve.ended,
                    r.curve.n - r.curve.ended,
                    _v(r.curve.median_days),
                    round(100 * r.curve.at(180), 1),
                    round(100 * r.curve.at(365), 1),
                    "Small sample: read with care." if r.small else "",
                ]
                for r in result.survival
            ],
        ),
        "curve": Table(
            "curve",
            "Survival curve steps (Kaplan-Meier, Greenwood 95% interval)",
            CURVE_HEADER,
            [
                [
                    r.label,
                    step.day,
                    step.at_risk,
                    step.ended,
                    step.censored,
                    round(step.survival, 4),
                    round(step.low, 4),
                    round(step.high, 4),
                ]
                for r in result.survival
                for step in r.curve.steps
            ],
        ),
    }
