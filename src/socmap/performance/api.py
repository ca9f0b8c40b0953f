"""The API of performance and learning: the same selectors, filters and figures as the pages
and the commands (rates are exact decimal strings, as in the CSV downloads)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from socmap.errors import InvalidInput
from socmap.performance import pdf, rules
from socmap.performance import selectors as s

router = Router(tags=["Performance"])


class Filters(Schema):
    start: date | None = Field(None, description="First day counted (with end)")
    end: date | None = Field(None, description="Last day counted (default today)")
    months: int = Field(rules.DEFAULT_MONTHS, description="Months ending on end, without start")
    counting: str = Field("validated", description="validated (default) or all (not drafts)")
    forces: list[str] = Field(default_factory=list, description="Compare only these forces")
    exclude: list[str] = Field(default_factory=list, description="Leave these forces out")
    region: str = Field("", description="Region slug: rows shown, or the area of a figure")
    force: str = Field("", description="Force slug: the area of a trend, breakdown, report")
    population_year: int | None = Field(None, description="Default: latest on or before end")
    by: str = Field("month", description="Trend by month or quarter")
    sort: str = Field("rank", description="Ranking order: rank, name, count, rate, region")


def _options(filters: Filters) -> s.Options:
    values = filters.dict()
    values["forces"] = values["forces"] or None
    return s.check_options(**values)


class OptionsOut(Schema):
    start: date
    end: date
    period: str
    counting: str
    validated_only: bool
    forces: list[str] | None
    exclude: list[str]
    region: str
    force: str
    population_year: int | None


def _options_out(options: s.Options) -> OptionsOut:
    return OptionsOut(
        start=options.period.start,
        end=options.period.end,
        period=options.period.label,
        counting=options.counting,
        validated_only=options.validated_only,
        forces=list(options.include) if options.include is not None else None,
        exclude=list(options.exclude),
        region=options.region,
        force=options.force,
        population_year=options.population_year,
    )


class ForceRateOut(Schema):
    rank: int | None
    slug: str
    name: str
    region: str
    count: int
    population: int | None
    population_year: int | None
    rate: Decimal | None
    ratio: Decimal | None
    in_comparison: bool
    note: str


class AverageOut(Schema):
    count: int
    population: int
    rate: Decimal
    forces: int
    population_years: str


class AreaRateOut(Schema):
    name: str
    count: int
    population: int | None
    rate: Decimal | None
    forces: int
    left_out: int
    population_years: str


class RankingOut(Schema):
    options: OptionsOut
    per: int
    average: AverageOut
    forces: list[ForceRateOut]
    regions: list[AreaRateOut]


def _forces(rows) -> list[ForceRateOut]:
    return [ForceRateOut(**r.__dict__) for r in rows]


def _average(table: rules.Ranking) -> AverageOut:
    return AverageOut(**table.average.__dict__, population_years=table.population_years)


@router.get(
    "/ranking",
    response=RankingOut,
    summary="Disruptions per 1,000 population by force, ranked, with the average and ratios",
)
def ranking(request, filters: Query[Filters]):
    result = s.ranking(request.user, _options(filters))
    return RankingOut(
        options=_options_out(result.options),
        per=result.ranking.per,
        average=_average(result.ranking),
        forces=_forces(result.shown),
        regions=[AreaRateOut(**a.__dict__) for a in result.regions],
    )


class RatesOut(Schema):
    options: OptionsOut
    national: AverageOut
    regions: list[AreaRateOut]
    forces: list[ForceRateOut]
    threats_national: AverageOut | None
    threats_note: str
    threats_per_million: list[ForceRateOut]


@router.get(
    "/rates",
    response=RatesOut,
    summary="Disruptions per 1,000 by force, region and nationally; threats per million",
)
def rates(request, filters: Query[Filters]):
    result = s.rates(request.user, _options(filters))
    return RatesOut(
        options=_options_out(result.options),
        national=_average(result.ranking.ranking),
        regions=[AreaRateOut(**a.__dict__) for a in result.ranking.regions],
        forces=_forces(result.ranking.shown),
        threats_national=_average(result.threats) if result.threats.average else None,
        threats_note=result.threats.empty_reason,
        threats_per_million=_forces(result.threats.rows),
    )


class TrendPointOut(Schema):
    label: str
    start: date
    end: date
    count: int
    rate: Decimal | None
    partial: bool


class TrendOut(Schema):
    options: OptionsOut
    area: str
    by: str
    population: int | None
    population_years: str
    points: list[TrendPointOut]


@router.get("/trends", response=TrendOut, summary="Disruptions by month or quarter for an area")
def trends(request, filters: Query[Filters]):
    result = s.trends(request.user, _options(filters))
    return TrendOut(
        options=_options_out(result.options),
        area=result.area.name,
        by=result.options.by,
        population=result.population,
        population_years=result.population_years,
        points=[TrendPointOut(**p.__dict__) for p in result.points],
    )


class PartOut(Schema):
    code: str
    label: str
    count: int
    percent: Decimal | None


class BreakdownOut(Schema):
    options: OptionsOut
    area: str
    total: int
    categories: list[PartOut]
    tactics: list[PartOut]
    grades: list[PartOut]
    crime_types: list[PartOut]


@router.get(
    "/breakdown",
    response=BreakdownOut,
    summary="Counts by 4P category, tactic, impact grade and crime type for an area",
)
def breakdown(request, filters: Query[Filters]):
    result = s.breakdown(request.user, _options(filters))

    def parts(items):
        return [PartOut(**p.__dict__) for p in items]

    return BreakdownOut(
        options=_options_out(result.options),
        area=result.area.name,
        total=result.total,
        categories=parts(result.categories),
        tactics=parts(result.tactics),
        grades=parts(result.grades),
        crime_types=parts(result.crime_types),
    )


class ShareOut(Schema):
    count: int
    of: int
    percent: Decimal | None


class DaysOut(Schema):
    n: int
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    buckets: list[tuple[str, int]]
    never: int


class ComplianceRowOut(Schema):
    name: str
    slug: str
    active_threats: int
    with_lro: ShareOut
    plan_all_four: ShareOut
    review_on_time: ShareOut
    reassessment_on_time: ShareOut
    disruptions: int
    graded: ShareOut
    validated: ShareOut
    to_first_disruption: DaysOut


class ComplianceOut(Schema):
    options: OptionsOut
    today: date
    forces: list[ComplianceRowOut]
    total: ComplianceRowOut


def _share(share: rules.Share) -> ShareOut:
    return ShareOut(count=share.count, of=share.of, percent=share.percent)


def _compliance_row(row: s.ComplianceRow) -> ComplianceRowOut:
    values = dict(row.__dict__)
    for key, value in values.items():
        if isinstance(value, rules.Share):
            values[key] = _share(value)
    values["to_first_disruption"] = DaysOut(**row.to_first_disruption.__dict__)
    return ComplianceRowOut(**values)


@router.get(
    "/compliance",
    response=ComplianceOut,
    summary="Compliance measures by force among the records you may see",
)
def compliance(request, filters: Query[Filters]):
    result = s.compliance(request.user, _options(filters))
    return ComplianceOut(
        options=_options_out(result.options),
        today=result.today,
        forces=[_compliance_row(r) for r in result.rows],
        total=_compliance_row(result.total),
    )


class ComparisonOut(Schema):
    treated: int
    control: int
    strata: int
    unmatched: int
    treated_mean: float | None
    control_mean: float | None
    difference: float | None
    low: float | None
    high: float | None
    method: str
    small: bool
    note: str


class WorksRowOut(Schema):
    code: str
    label: str
    kind: str
    score: ComparisonOut
    lower_band: ComparisonOut


class SurvivalStepOut(Schema):
    day: int
    at_risk: int
    ended: int
    censored: int
    survival: float
    low: float
    high: float


class SurvivalOut(Schema):
    code: str
    label: str
    threats: int
    ended: int
    median_days: int | None
    small: bool
    steps: list[SurvivalStepOut]


class WhatWorksOut(Schema):
    options: OptionsOut
    intervals: int
    threats: int
    categories: list[WorksRowOut]
    tactics: list[WorksRowOut]
    survival: list[SurvivalOut]


def _comparison(c: rules.Comparison) -> ComparisonOut:
    return ComparisonOut(
        treated=c.treated,
        control=c.control,
        strata=c.strata,
        unmatched=c.unmatched,
        treated_mean=c.treated_mean,
        control_mean=c.control_mean,
        difference=c.difference.estimate,
        low=c.difference.low,
        high=c.difference.high,
        method=c.difference.method,
        small=c.small,
        note=c.note,
    )


def _works(rows) -> list[WorksRowOut]:
    return [
        WorksRowOut(
            code=r.code,
            label=r.label,
            kind=r.kind,
            score=_comparison(r.score),
            lower_band=_comparison(r.lower_band),
        )
        for r in rows
    ]


@router.get(
    "/what-works",
    response=WhatWorksOut,
    summary="Change at the next re-assessment by tactic and 4P category; survival by approach",
)
def what_works(request, filters: Query[Filters]):
    result = s.what_works(request.user, _options(filters))
    return WhatWorksOut(
        options=_options_out(result.options),
        intervals=result.intervals,
        threats=result.threats,
        categories=_works(result.categories),
        tactics=_works(result.tactics),
        survival=[
            SurvivalOut(
                code=r.code,
                label=r.label,
                threats=r.curve.n,
                ended=r.curve.ended,
                median_days=r.curve.median_days,
                small=r.small,
                steps=[SurvivalStepOut(**step.__dict__) for step in r.curve.steps],
            )
            for r in result.survival
        ],
    )


class PublicSummaryOut(Schema):
    options: OptionsOut
    area: str
    sentences: list[str]
    rate: Decimal | None
    population_year: int | None
    rank: int | None
    compared: int


@router.get(
    "/public-summary",
    response=PublicSummaryOut,
    summary="The public summary of a force's or region's results (rounded; partners may read)",
)
def public_summary(request, filters: Query[Filters]):
    summary = s.public_summary(request.user, _options(filters))
    return PublicSummaryOut(
        options=_options_out(summary.options),
        area=summary.area.name,
        sentences=summary.sentences,
        rate=summary.rate,
        population_year=summary.population_year,
        rank=summary.rank,
        compared=summary.compared,
    )


@router.get(
    "/report",
    summary="The performance pack (kind=pack) or public summary (kind=public) as a PDF",
    response={200: None},
)
def report(request, filters: Query[Filters], kind: str = "pack"):
    options = _options(filters)
    if kind not in ("pack", "public"):
        raise InvalidInput({"kind": ["Choose pack or public."]})
    if not (options.force or options.region):
        raise InvalidInput({"force": ["Choose a force or a region for the report."]})
    content, name = pdf.report_pdf(request.user, options, kind)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
