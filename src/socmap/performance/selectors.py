"""Reads behind every performance figure: the page, the API, the command line, the exports and
the PDF reports all call these functions, so they cannot disagree.

What a user sees (docs/methodology.md, "Who sees what"):

* rates, rankings, trends and counts by category are **force-level aggregates** (counts of
  disruptions and threats per force, as the national return publishes them): every force,
  ROCU and national user sees them for every force, read from the rollup, never a record;
* compliance measures and what works are computed from **records** (threats, plans,
  assessments, claims), so they count only what the user may see (their force, their region,
  or everything for a national user), through the scoping module like every other read;
* a partner agency sees only the public summary (rounded figures, no names, no operations);
* a **restricted** operation's disruptions are left out of every figure of everyone not named
  in the restriction (docs/security.md): every rollup read subtracts
  :func:`hidden_by_restrictions`, the breakdown leaves out the same rows, the threats per
  million filter with the scoping module, compliance and what works read through it.

``user=None`` is the system operator at the command line, who sees everything.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from socmap.disruptions.models import Disruption, Tactic
from socmap.disruptions.rules import DisruptionStatus, ImpactGrade
from socmap.errors import InvalidInput
from socmap.fourp import FourP
from socmap.orgs.models import Organisation, OrganisationKind, PopulationFigure, Region
from socmap.orgs.scoping import (
    ScopeLevel,
    hidden_from,
    permitted_restrictions,
    restriction_filter,
    scope_for,
    visible_to,
)
from socmap.performance import rules
from socmap.performance.models import QUANTITY_SUMS, DisruptionDay
from socmap.threats.models import ArchiveReason, CrimeType, Status, Threat

VALIDATED = (DisruptionStatus.VALIDATED,)
CLAIMED = (DisruptionStatus.SUBMITTED, DisruptionStatus.RETURNED, DisruptionStatus.VALIDATED)
ENDED_REASONS = (
    ArchiveReason.DISMANTLED,
    ArchiveReason.NO_LONGER_ACTIVE,
    ArchiveReason.NO_INTELLIGENCE,
)
RANKING_SORTS = ("rank", "name", "count", "rate", "region")
NO_DISRUPTION = "no-disruption"


# --------------------------------------------------------------------------- who may see


def may_see_figures(user) -> bool:
    """Force, ROCU and national users see the comparison; partners the public summary only."""
    if user is None:
        return True
    return scope_for(user).level in (ScopeLevel.FORCE, ScopeLevel.REGION, ScopeLevel.NATIONAL)


def require_figures(user) -> None:
    if not may_see_figures(user):
        raise PermissionDenied(
            "Partner agencies see the public summary of results; the comparison, compliance "
            "and what-works figures are for police and the inspectorate."
        )


def may_see_public_summary(user) -> bool:
    return user is None or scope_for(user).level != ScopeLevel.NONE


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Options:
    """What a figure is computed over: the same for a page, the API and the command line."""

    period: rules.Period
    validated_only: bool = True
    include: tuple[str, ...] | None = None  # force slugs; None: every force
    exclude: tuple[str, ...] = ()
    region: str = ""  # a region slug: the rows shown (the average stays the comparison's)
    force: str = ""  # one force (trends, breakdowns, reports)
    population_year: int | None = None
    by: str = "month"
    sort: str = "rank"

    @property
    def statuses(self) -> tuple[str, ...]:
        return VALIDATED if self.validated_only else CLAIMED

    @property
    def counting(self) -> str:
        return (
            "validated disruptions"
            if self.validated_only
            else "claimed disruptions (submitted, returned or validated; never drafts)"
        )

    def as_query(self) -> dict[str, str]:
        query = {
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "counting": "validated" if self.validated_only else "all",
            "region": self.region,
            "force": self.force,
            "population_year": str(self.population_year or ""),
            "by": "" if self.by == "month" else self.by,
            "sort": "" if self.sort == "rank" else self.sort,
        }
        if self.include is not None:
            query["forces"] = ",".join(self.include)
        if self.exclude:
            query["exclude"] = ",".join(self.exclude)
        return {k: v for k, v in query.items() if v}


def _slugs(raw) -> tuple[str, ...]:
    if raw is None:
        return ()
    items = raw.split(",") if isinstance(raw, str) else [s for r in raw for s in str(r).split(",")]
    return tuple(dict.fromkeys(s.strip() for s in items if s and s.strip()))


def _date(raw, name: str, errors: dict) -> dt.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.date):
        return raw
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(str(raw).strip(), pattern).date()
        except ValueError:
            continue
    errors[name] = [f"'{raw}' is not a date: use 2026-03-31 or 31/03/2026."]
    return None


def check_options(
    *,
    start=None,
    end=None,
    months=rules.DEFAULT_MONTHS,
    counting: str = "validated",
    forces=None,
    exclude=None,
    region: str = "",
    force: str = "",
    population_year=None,
    by: str = "month",
    sort: str = "rank",
    today: dt.date | None = None,
) -> Options:
    """Options from what a caller gave, or :class:`InvalidInput` naming every problem."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    first = _date(start, "start", errors)
    last = _date(end, "end", errors)
    try:
        months = int(months or rules.DEFAULT_MONTHS)
    except (TypeError, ValueError):
        errors["months"] = [f"'{months}' is not a number of months."]
        months = rules.DEFAULT_MONTHS
    if (counting or "validated") not in ("validated", "all"):
        errors["counting"] = ["Count validated disruptions only ('validated') or all ('all')."]
    include = _slugs(forces) if forces not in (None, "", []) else None
    left_out = _slugs(exclude)
    named = set(include or ()) | set(left_out) | ({force} if force else set())
    known = set(
        Organisation.objects.filter(kind=OrganisationKind.FORCE, slug__in=named).values_list(
            "slug", flat=True
        )
    )
    unknown = sorted(named - known)
    if unknown:
        errors["forces"] = [f"Not a force: {', '.join(unknown)}."]
    if region and not Region.objects.filter(slug=region).exists():
        errors["region"] = [f"There is no region with the slug '{region}'."]
    year = None
    if population_year not in (None, ""):
        try:
            year = int(population_year)
        except (TypeError, ValueError):
            errors["population_year"] = [f"'{population_year}' is not a year."]
    if by not in ("month", "quarter"):
        errors["by"] = ["Show the trend by month or by quarter."]
    if (sort or "rank").lstrip("-") not in RANKING_SORTS:
        errors["sort"] = [f"Sort by one of {', '.join(RANKING_SORTS)} (- for reverse)."]
    period = None
    if not errors:
        try:
            period = rules.check_period(first, last, today=today, months=months)
        except InvalidInput as wrong:
            errors.update(wrong.field_errors)
    if errors:
        raise InvalidInput(errors)
    return Options(
        period=period,
        validated_only=(counting or "validated") == "validated",
        include=include,
        exclude=left_out,
        region=region,
        force=force,
        population_year=year,
        by=by,
        sort=sort or "rank",
    )


def default_options(today: dt.date | None = None) -> Options:
    return check_options(today=today)


# --------------------------------------------------------------------------- populations


def _population_figures() -> dict[int, dict[int, int]]:
    figures: dict[int, dict[int, int]] = defaultdict(dict)
    for force_id, year, population in PopulationFigure.objects.values_list(
        "force_id", "year", "population"
    ):
        figures[force_id][year] = population
    return figures


def _forces() -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind=OrganisationKind.FORCE)
        .select_related("region")
        .order_by("name")
    )


def force_inputs(
    counts: dict[int, int],
    recording: set[int],
    period: rules.Period,
    population_year: int | None,
    forces: Iterable[Organisation] | None = None,
) -> list[rules.ForceInput]:
    """What :func:`rules.rank_forces` needs of each force, with the population it uses."""
    figures = _population_figures()
    inputs = []
    for force in _forces() if forces is None else forces:
        own = figures.get(force.pk, {})
        inputs.append(
            rules.ForceInput(
                slug=force.slug,
                name=force.name,
                count=counts.get(force.pk, 0),
                population=rules.choose_population(own, period, year=population_year),
                region=force.region.name if force.region_id else "",
                recorded_any=force.pk in recording,
                population_note=rules.missing_population_note(own, period, population_year),
            )
        )
    return inputs


# --------------------------------------------------------------------------- rollup reads


def _rollup(period: rules.Period) -> QuerySet[DisruptionDay]:
    return DisruptionDay.objects.filter(
        day__range=(period.start, period.end), owner__kind=OrganisationKind.FORCE
    )


def _threats_hidden_from(user) -> QuerySet[Threat]:
    """The restricted threats ``user`` is not named in (few: the sensitive operations)."""
    if user is None:
        return Threat.objects.none()
    return Threat.objects.filter(restriction__isnull=False).exclude(
        restriction__in=permitted_restrictions(user)
    )


def _hides_any(user) -> bool:
    """Whether a restriction hides a threat (and so perhaps disruptions) from ``user``: one
    EXISTS, so that users outside no restriction pay nothing for them."""
    return user is not None and _threats_hidden_from(user).exists()


def _hidden_disruptions(user) -> QuerySet[Disruption]:
    """The disruptions restrictions hide from ``user`` (call when :func:`_hides_any`): what
    ``orgs.scoping.restriction_filter`` leaves out, which it finds from the few restricted
    threats through the links, never over the disruptions table."""
    return hidden_from(user, Disruption)


def _hidden_disruption_days(user, period: rules.Period) -> QuerySet[Disruption]:
    """The query behind :func:`hidden_by_restrictions` (for it and the benchmark's plan), for
    owners of every kind."""
    return (
        _hidden_disruptions(user)
        .filter(occurred_on__range=(period.start, period.end))
        .values("owner_id", "status", day=F("occurred_on"))
        .annotate(disruptions=Count("id"), **{c: Sum(c) for c in QUANTITY_SUMS})
        .order_by("owner_id", "day", "status")
    )


def hidden_by_restrictions(user, period: rules.Period) -> list[dict]:
    """The disruptions of ``period`` hidden from ``user`` by restrictions, grouped like the
    rollup (``owner_id``, ``day``, ``status``, ``disruptions`` and the quantity sums): what the
    rollup counts that the user may not see. The rollup is one table for everyone, so each
    read of it takes this off.

    Hidden means what ``orgs.scoping`` says of a disruption: every threat it is recorded
    against is restricted and the user is not named (:func:`_hidden_disruptions`). With no
    such threat it is one EXISTS and returns nothing."""
    if not _hides_any(user):
        return []
    rows = _hidden_disruption_days(user, period)
    return [{**row, **{c: row[c] or 0 for c in QUANTITY_SUMS}} for row in rows]


def _rollup_totals(
    user,
    period: rules.Period,
    keys: tuple[str, ...],
    *,
    owners: Iterable[int] | None = None,
    statuses: Iterable[str] | None = None,
    sums: tuple[str, ...] = (),
) -> dict[tuple, dict[str, int | Decimal]]:
    """The rollup over ``period`` for the forces (``owners``) and ``statuses`` given, grouped
    by ``keys`` (of ``owner_id``, ``day``, ``status``): the disruptions and the ``sums`` of each
    group, less what restrictions hide from ``user``. Every read of the rollup goes through
    here, so no figure can count a restricted operation for someone not named."""
    owners = None if owners is None else set(owners)
    statuses = None if statuses is None else set(statuses)
    rows = _rollup(period)
    if owners is not None:
        rows = rows.filter(owner__in=owners)
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    measures = ("disruptions", *sums)
    totals: dict[tuple, dict] = {}
    for row in rows.values(*keys).annotate(**{f"total_{m}": Sum(m) for m in measures}).order_by():
        totals[tuple(row[k] for k in keys)] = {m: row[f"total_{m}"] or 0 for m in measures}
    for row in hidden_by_restrictions(user, period):
        if (owners is not None and row["owner_id"] not in owners) or (
            statuses is not None and row["status"] not in statuses
        ):
            continue
        # the rollup counts every disruption, so a hidden one's group is there unless the read
        # leaves its owner out (not a force: no join on the owner's kind, which would make
        # PostgreSQL run the query once per force)
        total = totals.get(tuple(row[k] for k in keys))
        if total is None:
            continue
        for m in measures:
            total[m] -= row[m]
    return totals


def _counts_by_force(user, options: Options) -> tuple[dict[int, int], set[int]]:
    """Counted disruptions by force, and the forces that recorded any (of any status) that
    the user may see: a force whose only disruptions are hidden reads as recording none."""
    counts: dict[int, int] = Counter()
    recording = set()
    for (owner_id, status), total in _rollup_totals(
        user, options.period, ("owner_id", "status")
    ).items():
        if total["disruptions"]:
            recording.add(owner_id)
        if status in options.statuses:
            counts[owner_id] += total["disruptions"]
    return dict(counts), recording


def _table(user, options: Options, forces=None, **rules_options) -> rules.Ranking:
    """The ranking rules over the rollup's counts for the options (every force by default),
    as ``user`` may count them."""
    counts, recording = _counts_by_force(user, options)
    return rules.rank_forces(
        force_inputs(counts, recording, options.period, options.population_year, forces),
        include=options.include,
        exclude=options.exclude,
        **rules_options,
    )


@dataclass(frozen=True)
class RankingResult:
    options: Options
    ranking: rules.Ranking
    regions: list[rules.AreaRate]
    shown: list[rules.RankedForce]

    @property
    def average(self) -> rules.Average:
        return self.ranking.average


def _sorted(rows: list[rules.RankedForce], sort: str) -> list[rules.RankedForce]:
    key = sort.lstrip("-")
    keys = {
        "rank": lambda r: (r.rank is None, r.rank or 0, r.name),
        "name": lambda r: (r.name,),
        "count": lambda r: (r.count, r.name),
        "rate": lambda r: (r.rate is None, r.rate or 0, r.name),
        "region": lambda r: (r.region, r.rank is None, r.rank or 0, r.name),
    }
    return sorted(rows, key=keys[key], reverse=sort.startswith("-"))


def ranking(user, options: Options) -> RankingResult:
    """Disruptions per 1,000 population of every force over the period, the comparison's
    average and each force's ratio to it; regions over their forces in the comparison."""
    require_figures(user)
    table = rules.require_comparison(_table(user, options))
    shown = table.rows
    if options.region:
        region = Region.objects.get(slug=options.region)
        shown = [r for r in shown if r.region == region.name]
    return RankingResult(options, table, rules.area_rates(table), _sorted(shown, options.sort))


def _first_moment(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` where socmap works (its time zone)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def threat_ranking(user, options: Options) -> rules.Ranking:
    """Threats active on the period's last day per million population, by owning force (the
    same ranking rules; a force that has never mapped a threat in socmap is not compared).
    With no force to compare, the table says why (``empty_reason``) instead of failing: it
    is shown beside the disruption ranking, which must not fail with it. A restricted threat
    counts only for the people named in its restriction."""
    require_figures(user)
    end = options.period.end
    threats = Threat.objects.all()
    if _hides_any(user):
        threats = threats.filter(restriction_filter(user, Threat))
    # "on or before the last day" as a plain comparison with the next day's first moment: a
    # local date of every threat's timestamps made the database convert 46,000 of them
    after_end = _first_moment(end + dt.timedelta(days=1))
    counts = dict(
        threats.filter(
            owner__kind=OrganisationKind.FORCE,
            adopted_at__lt=after_end,
        )
        .filter(Q(archived_at__isnull=True) | Q(archived_at__gte=after_end))
        .exclude(status__in=(Status.TRIGGER_REPORT, Status.UNDER_ASSESSMENT))
        .values_list("owner_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    # one look-up in the owner index per force, not a DISTINCT over every threat
    mapping = set(
        Organisation.objects.filter(kind=OrganisationKind.FORCE)
        .filter(Exists(threats.filter(owner=OuterRef("pk")).order_by()))
        .values_list("pk", flat=True)
    )
    return rules.rank_forces(
        force_inputs(counts, mapping, options.period, options.population_year),
        per=rules.PER_MILLION,
        include=options.include,
        exclude=options.exclude,
    )


# --------------------------------------------------------------------------- areas


@dataclass(frozen=True)
class Area:
    """The forces a trend, breakdown or report is about: one force, a region or all."""

    name: str
    kind: str  # force, region, national
    slug: str
    forces: list[Organisation]


def area_for(options: Options) -> Area:
    forces = _forces()
    if options.force:
        chosen = [f for f in forces if f.slug == options.force]
        return Area(chosen[0].name, "force", options.force, chosen)
    if options.region:
        region = Region.objects.get(slug=options.region)
        return Area(
            region.name, "region", region.slug, [f for f in forces if f.region_id == region.pk]
        )
    return Area("England and Wales", "national", "", forces)


def _area_population(user, area: Area, options: Options) -> tuple[int | None, str]:
    """The area's population over its forces in the comparison (or the one force's)."""
    table = _table(
        user,
        options,
        area.forces,
        min_population=0 if area.kind == "force" else rules.SMALL_POPULATION,
        require_recording=area.kind != "force",
    )
    if table.average is None:
        return None, table.empty_reason
    return table.average.population, table.population_years


@dataclass(frozen=True)
class TrendResult:
    options: Options
    area: Area
    population: int | None
    population_years: str
    points: list[rules.TrendPoint]


def trends(user, options: Options) -> TrendResult:
    """Disruptions by month or quarter over the period for the area, with the rate per 1,000
    of the area's population in each bucket."""
    require_figures(user)
    area = area_for(options)
    totals = _rollup_totals(
        user,
        options.period,
        ("day",),
        owners=[f.pk for f in area.forces],
        statuses=options.statuses,
    )
    rows = [(day, total["disruptions"]) for (day,), total in totals.items()]
    population, years = _area_population(user, area, options)
    points = rules.trend(rows, options.period, by=options.by, population=population)
    return TrendResult(options, area, population, years if population else "", points)


# --------------------------------------------------------------------------- breakdowns


@dataclass(frozen=True)
class BreakdownResult:
    options: Options
    area: Area
    total: int
    categories: list[rules.Part]
    tactics: list[rules.Part]
    grades: list[rules.Part]
    crime_types: list[rules.Part]
    by_category_and_grade: list[dict] = field(default_factory=list)


def _counted_disruptions(user, options: Options, area: Area) -> QuerySet[Disruption]:
    """The area's counted disruptions of the period, less those a restriction hides from
    ``user`` (force-level counts: no other scope applies)."""
    qs = Disruption.objects.filter(
        occurred_on__range=(options.period.start, options.period.end),
        owner__in=[f.pk for f in area.forces],
        status__in=options.statuses,
    )
    if _hides_any(user):
        qs = qs.filter(restriction_filter(user, Disruption))
    return qs


def breakdown(user, options: Options) -> BreakdownResult:
    """Counts by 4P category, tactic, impact grade and the threats' predominant crime type
    (a disruption against threats of two crime types counts under each)."""
    require_figures(user)
    area = area_for(options)
    qs = _counted_disruptions(user, options, area)
    pairs = Counter()
    for category, grade, n in (
        qs.values_list("category", "grade").annotate(n=Count("id")).order_by()
    ):
        pairs[(category, grade)] += n
    by_category = Counter()
    by_grade = Counter()
    for (category, grade), n in pairs.items():
        by_category[category] += n
        by_grade[grade or "ungraded"] += n
    tactics = dict(qs.values_list("tactic_id").annotate(n=Count("id")).order_by())
    # a disruption counts under the crime types of the threats it is against that the user
    # may see (one also against a restricted threat does not give that one's away)
    against = Q(threats__isnull=False)
    if _hides_any(user):
        against &= Q(threats__restriction__isnull=True) | Q(
            threats__restriction__in=permitted_restrictions(user)
        )
    crime = dict(
        qs.filter(against)
        .values_list("threats__predominant_crime_type_id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    grades = [*ImpactGrade.choices]
    table = [
        {
            "category": FourP(p).label,
            "code": p,
            "grades": [pairs.get((p, g), 0) for g, _ in grades],
            "total": by_category.get(p, 0),
        }
        for p in FourP.values
    ]
    return BreakdownResult(
        options,
        area,
        sum(by_category.values()),
        rules.breakdown(by_category, FourP.choices),
        rules.breakdown(tactics, list(Tactic.objects.values_list("code", "name")), keep_zero=False),
        rules.breakdown(by_grade, grades),
        rules.breakdown(
            crime, list(CrimeType.objects.values_list("code", "name")), keep_zero=False
        ),
        table,
    )


# --------------------------------------------------------------------------- rates by area


@dataclass(frozen=True)
class RatesResult:
    """Disruption rates by force, region and nationally (the ranking), and threats per
    million."""

    ranking: RankingResult
    threats: rules.Ranking

    @property
    def options(self) -> Options:
        return self.ranking.options


def rates(user, options: Options) -> RatesResult:
    """Disruption rates per 1,000 by force, region and nationally, and threats per million."""
    return RatesResult(ranking(user, options), threat_ranking(user, options))


# --------------------------------------------------------------------------- compliance


@dataclass(frozen=True)
class ComplianceRow:
    name: str
    slug: str
    active_threats: int
    with_lro: rules.Share
    plan_all_four: rules.Share
    review_on_time: rules.Share
    reassessment_on_time: rules.Share
    disruptions: int
    graded: rules.Share
    validated: rules.Share
    to_first_disruption: rules.DaysSummary


@dataclass(frozen=True)
class ComplianceResult:
    options: Options
    today: dt.date
    rows: list[ComplianceRow]
    total: ComplianceRow


def _threats_for(user) -> QuerySet[Threat]:
    qs = Threat.objects.all()
    return qs if user is None else visible_to(user, qs)


def _disruptions_for(user) -> QuerySet[Disruption]:
    qs = Disruption.objects.all()
    return qs if user is None else visible_to(user, qs)


def _compliance_row(name, slug, threats, plans, disruption_counts, first_days, today):
    active = [t for t in threats if t["status"] == Status.ACTIVE]
    with_plan = [plans.get(t["id"]) for t in active]
    total, graded, validated = disruption_counts
    days = [d for d in first_days if d is not None]
    return ComplianceRow(
        name,
        slug,
        len(active),
        rules.Share(sum(1 for t in active if t["lro_id"]), len(active)),
        rules.Share(sum(1 for p in with_plan if p and p["covered"] == 4), len(active)),
        rules.Share(sum(1 for p in with_plan if p and p["next_review_due"] >= today), len(active)),
        rules.Share(
            sum(
                1
                for t in active
                if t["reassessment_due"] is not None
                and t["reassessment_due"] >= today
                and not t["reassessment_requested"]
            ),
            len(active),
        ),
        total,
        rules.Share(graded, total),
        rules.Share(validated, total),
        rules.summarise_days(days, never=len(first_days) - len(days)),
    )


def compliance(user, options: Options, *, today: dt.date | None = None) -> ComplianceResult:
    """What inspectors look at, by owning force among the records the user may see: active
    threats with an LRO, with a plan with a live action under all four Ps, with the plan's
    review and the threat's re-assessment not overdue; claims in the period graded and
    validated; days from mapping to the first counted disruption for threats mapped in the
    period and adopted."""
    require_figures(user)
    from socmap.plans import rules as plan_rules
    from socmap.plans.models import Plan

    today = today or timezone.localdate()
    threats = _threats_for(user).filter(owner__kind=OrganisationKind.FORCE)
    if options.force:
        threats = threats.filter(owner__slug=options.force)
    elif options.region:
        threats = threats.filter(owner__region__slug=options.region)
    threat_rows = list(
        threats.values(
            "id",
            "owner_id",
            "status",
            "lro_id",
            "reassessment_due",
            "reassessment_requested",
        )
    )
    covering = {
        f"{p}_n": Count(
            "actions",
            filter=Q(actions__category=p, actions__status__in=plan_rules.COVERING_STATUSES),
            distinct=True,
        )
        for p in FourP.values
    }
    plans = {}
    for plan in (
        Plan.objects.filter(threat__in=threats.filter(status=Status.ACTIVE).values("pk"))
        .annotate(**covering)
        .values("threat_id", "next_review_due", *covering)
    ):
        plans[plan["threat_id"]] = {
            "next_review_due": plan["next_review_due"],
            "covered": sum(1 for p in FourP.values if plan[f"{p}_n"]),
        }
    claims = _disruptions_for(user).filter(
        occurred_on__range=(options.period.start, options.period.end),
        owner__in=threats.order_by().values("owner_id").distinct(),
    )
    per_owner = {
        row["owner_id"]: (row["n"], row["graded"], row["validated"])
        for row in claims.values("owner_id")
        .annotate(
            n=Count("id"),
            graded=Count("id", filter=~Q(grade="")),
            validated=Count("id", filter=Q(status=DisruptionStatus.VALIDATED)),
        )
        .order_by()
    }
    mapped = (
        threats.filter(
            adopted_at__isnull=False,
            created_at__date__range=(options.period.start, options.period.end),
        )
        .annotate(mapped_on=TruncDate("created_at"))
        .annotate(
            first=Min(
                "disruptions__occurred_on",
                filter=Q(
                    disruptions__status__in=options.statuses,
                    disruptions__occurred_on__gte=TruncDate("created_at"),
                    disruptions__occurred_on__lte=options.period.end,
                ),
            )
        )
        .values_list("owner_id", "mapped_on", "first")
    )
    first_days: dict[int, list[int | None]] = defaultdict(list)
    for owner_id, mapped_on, first in mapped:
        first_days[owner_id].append((first - mapped_on).days if first else None)
    by_owner = rules.by_key(threat_rows, lambda t: t["owner_id"])
    owners = Organisation.objects.filter(pk__in=set(by_owner) | set(per_owner)).order_by("name")
    rows = [
        _compliance_row(
            o.name,
            o.slug,
            by_owner.get(o.pk, []),
            plans,
            per_owner.get(o.pk, (0, 0, 0)),
            first_days.get(o.pk, []),
            today,
        )
        for o in owners
    ]
    totals = tuple(sum(v[i] for v in per_owner.values()) for i in range(3))
    total = _compliance_row(
        f"All {len(rows)} force{'s' if len(rows) != 1 else ''} you can see",
        "",
        threat_rows,
        plans,
        totals,
        [d for days in first_days.values() for d in days],
        today,
    )
    return ComplianceResult(options, today, rows, total)


# --------------------------------------------------------------------------- what works


@dataclass(frozen=True)
class WorksRow:
    code: str
    label: str
    kind: str  # tactic or category
    score: rules.Comparison  # change in score (negative: less threat)
    lower_band: rules.Comparison  # change in the share moving to a lower band (points)


@dataclass(frozen=True)
class SurvivalRow:
    code: str
    label: str
    curve: rules.SurvivalCurve

    @property
    def small(self) -> bool:
        return self.curve.n < rules.SMALL_SAMPLE


@dataclass(frozen=True)
class WhatWorksResult:
    options: Options
    intervals: int  # re-assessment intervals studied
    threats: int
    tactics: list[WorksRow]
    categories: list[WorksRow]
    survival: list[SurvivalRow]


def _quarter(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _intervals(user, options: Options) -> tuple[list[dict], int]:
    """Consecutive assessments of the same threat with the same methodology version whose
    second one falls in the period: the change from one to the next, the first one's band
    (and methodology), the threat's crime type and the quarter the interval started in."""
    from socmap.scoring.models import Assessment

    threats = _threats_for(user).filter(owner__kind__in=[OrganisationKind.FORCE, "rocu"])
    assessments = (
        Assessment.objects.filter(threat__in=threats.values("pk"))
        .order_by("threat_id", "assessed_at", "id")
        .values_list(
            "threat_id",
            "methodology_id",
            "assessed_at",
            "score",
            "band",
            "band_rank",
            "threat__predominant_crime_type_id",
        )
    )
    out = []
    previous = None
    for row in assessments:
        if previous and previous[0] == row[0] and previous[1] == row[1]:
            ended = timezone.localdate(row[2])
            if ended in options.period:
                began = timezone.localdate(previous[2])
                out.append(
                    {
                        "threat": row[0],
                        "start": began,
                        "end": ended,
                        "stratum": (row[1], previous[4], row[6], _quarter(began)),
                        "change": float(row[3] - previous[3]),
                        "lower": 100.0 if row[5] > previous[5] else 0.0,
                    }
                )
        previous = row
    return out, len({i["threat"] for i in out})


def what_works(user, options: Options) -> WhatWorksResult:
    """For each tactic and 4P category: the change in score (and in the share moving to a lower
    band) at the next re-assessment after a counted disruption of that kind, against matched
    intervals of threats in the same band, crime type and quarter without one; and how long
    threats stay active by their main 4P approach (Kaplan-Meier, still-active threats
    censored). Observational: see docs/methodology.md."""
    require_figures(user)
    intervals, threat_count = _intervals(user, options)
    by_threat = rules.by_key(intervals, lambda i: i["threat"])
    disruptions = (
        _disruptions_for(user)
        .filter(threats__in=_threats_for(user).values("pk"), status__in=options.statuses)
        .filter(occurred_on__lte=options.period.end)
        .values_list("threats", "occurred_on", "tactic_id", "category")
    )
    kinds: dict[int, set[str]] = defaultdict(set)  # interval index -> kinds
    index = {id(i): n for n, i in enumerate(intervals)}
    for threat_id, occurred_on, tactic_id, category in disruptions:
        for interval in by_threat.get(threat_id, []):
            if interval["start"] < occurred_on <= interval["end"]:
                kinds[index[id(interval)]].update((f"tactic:{tactic_id}", f"category:{category}"))

    def row(code: str, label: str, kind: str) -> WorksRow:
        key = f"{kind}:{code}"
        treated = [key in kinds[n] for n in range(len(intervals))]
        return WorksRow(
            code,
            label,
            kind,
            rules.matched_difference(
                (i["stratum"], t, i["change"]) for i, t in zip(intervals, treated, strict=True)
            ),
            rules.matched_difference(
                (i["stratum"], t, i["lower"]) for i, t in zip(intervals, treated, strict=True)
            ),
        )

    tactic_rows = [
        row(code, name, "tactic") for code, name in Tactic.objects.values_list("code", "name")
    ]
    category_rows = [row(code, label, "category") for code, label in FourP.choices]
    return WhatWorksResult(
        options,
        len(intervals),
        threat_count,
        sorted(tactic_rows, key=lambda r: (-r.score.treated, r.label)),
        category_rows,
        survival(user, options),
    )


def survival(user, options: Options) -> list[SurvivalRow]:
    """How long adopted threats stay active, by the 4P category most of their counted
    disruptions fell under (ties: Pursue, Prevent, Protect, Prepare), from adoption to
    archiving as dismantled, no longer active or without intelligence (an end), or to the
    period's end or a merger (censored)."""
    end = options.period.end
    threats = list(
        _threats_for(user)
        .filter(adopted_at__isnull=False, adopted_at__date__lte=end)
        .values_list("id", "adopted_at", "archived_at", "archive_reason")
    )
    mix: dict[int, Counter] = defaultdict(Counter)
    for threat_id, category in (
        _disruptions_for(user)
        .filter(threats__in=_threats_for(user).values("pk"), status__in=options.statuses)
        .filter(occurred_on__lte=end)
        .values_list("threats", "category")
    ):
        mix[threat_id][category] += 1
    order = {p: n for n, p in enumerate(FourP.values)}
    groups: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    for threat_id, adopted_at, archived_at, reason in threats:
        began = timezone.localdate(adopted_at)
        stopped = timezone.localdate(archived_at) if archived_at else None
        if stopped is not None and stopped <= end:
            duration, ended = (stopped - began).days, reason in ENDED_REASONS
        else:
            duration, ended = (end - began).days, False
        counts = mix.get(threat_id)
        approach = (
            min(counts, key=lambda c: (-counts[c], order.get(c, 9))) if counts else NO_DISRUPTION
        )
        item = (max(0, duration), ended)
        groups[approach].append(item)
        groups["all"].append(item)
    labels = [("all", "All adopted threats"), *FourP.choices, (NO_DISRUPTION, "No disruption")]
    return [
        SurvivalRow(code, label, rules.kaplan_meier(groups[code]))
        for code, label in labels
        if groups.get(code)
    ]


# --------------------------------------------------------------------------- public summary


@dataclass(frozen=True)
class PublicSummary:
    options: Options
    area: Area
    disruptions: int
    sums: dict[str, Decimal]
    rate: Decimal | None
    population_year: int | None
    rank: int | None
    compared: int
    sentences: list[str]


def public_summary(user, options: Options) -> PublicSummary:
    """What a force or region may say in public about its results: validated disruptions
    only, rounded (small counts in words, large ones as "over ..."), no names, no operations,
    no record of any kind. Partners may read it."""
    if not may_see_public_summary(user):
        raise PermissionDenied("Sign in to see the summary.")
    options = Options(**{**options.__dict__, "validated_only": True})
    area = area_for(options)
    totals = _rollup_totals(
        user,
        options.period,
        ("status",),
        owners=[f.pk for f in area.forces],
        statuses=VALIDATED,
        sums=QUANTITY_SUMS,
    ).values()
    count = sum(t["disruptions"] for t in totals)
    sums = {c: Decimal(sum(t[c] for t in totals)) for c in QUANTITY_SUMS}
    table = _table(user, options)
    own = next((r for r in table.rows if r.slug == options.force), None)
    if area.kind == "force":
        rate, year, rank = (own.rate, own.population_year, own.rank) if own else (None, None, None)
    else:
        region = next((a for a in rules.area_rates(table) if a.name == area.name), None)
        rate = region.rate if region else (table.average.rate if table.average else None)
        year, rank = None, None
    said = [
        "made " + rules.public_number(sums["arrests"], noun="arrest"),
        "recovered " + rules.public_number(sums["firearms"], noun="firearm"),
        "closed " + rules.public_number(sums["lines_closed"], noun="county line"),
        "safeguarded "
        + rules.public_number(sums["people_safeguarded"], noun="person", plural="people"),
    ]
    if sums["cash"] >= 1000:
        said.append("seized, restrained or frozen " + rules.public_money(sums["cash"]) + " in cash")
    if sums["custodial_years"] >= 1:
        said.append(
            "secured prison sentences totalling "
            + rules.public_number(sums["custodial_years"], noun="year")
        )
    who = area.name if area.kind != "national" else "Forces in England and Wales"
    sentences = [
        f"{who}, {options.period.label}: work against serious and organised crime "
        f"{rules.join_words(said)}.",
        f"Officers and partners recorded {rules.public_number(count, noun='disruption')} of "
        "organised crime groups and individuals, each checked by an independent validator.",
    ]
    if rate is not None:
        sentences.append(
            f"That is {rate} disruptions per 1,000 residents"
            + (f" (population year {year})" if year else "")
            + (f", ranked {rank} of {len(table.compared)} forces compared." if rank else ".")
        )
    return PublicSummary(
        options,
        area,
        count,
        sums,
        rate,
        year,
        rank,
        len(table.compared),
        sentences,
    )
