"""Pure rules of performance figures: periods, rates, rankings, trends, shares, intervals and
survival curves. No database: every function takes plain values and is tested directly.

The one rate of socmap is :func:`socmap.orgs.populations.per_population`; everything here
(force rates, the national average, region rates, ratios) is built on it, and the
disruption figures page (``disruptions.selectors.counts_by_force``) ranks with
:func:`rank_forces` too, so no two parts of socmap can compute a rate differently.

Bad input raises :class:`socmap.errors.InvalidInput` with a message a person can act on:
a period ending before it starts, a force without a population for the year, a comparison
with no force left in it. Nothing here divides by zero or answers a silent zero.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from statistics import median

from socmap.errors import InvalidInput
from socmap.orgs.populations import per_population

PER_THOUSAND = 1_000
PER_MILLION = 1_000_000
DEFAULT_MONTHS = 24
MAX_MONTHS = 120
SMALL_POPULATION = 100_000  # below this a rate per head says little (the City of London)
SMALL_SAMPLE = 20  # fewer threats than this on either side: the comparison is marked small
MIN_FOR_INTERVAL = 5  # fewer than this on either side: no interval at all
BOOTSTRAP_RESAMPLES = 2_000
BOOTSTRAP_SEED = 20_260_301  # fixed, so the page, the API, the CLI and the PDF agree

# Why a force is not in a comparison (the disruption figures page shows the same words).
NOT_RECORDING = "Recorded no disruptions in socmap for the period: not in the comparison."
NO_POPULATION = "No population figure: no rate."
LEFT_OUT = "Left out of the comparison by choice."


def small_population_note(population: int) -> str:
    return (
        f"A resident population of {population:,} makes a rate per head meaningless "
        "(most of the people it polices live elsewhere)."
    )


# --------------------------------------------------------------------------- periods


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, the day of the month clamped to the month's
    length (31 March minus one month is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Period:
    """A counting period, both days included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def period_ending(end: dt.date, months: int = DEFAULT_MONTHS) -> Period:
    """The ``months`` months ending on ``end``: 24 months to 31 March 2026 is 1 April 2024 to
    31 March 2026; to 14 March 2026 it is 15 March 2024 to 14 March 2026."""
    if not 1 <= months <= MAX_MONTHS:
        raise InvalidInput({"months": [f"Count over 1 to {MAX_MONTHS} months."]})
    return Period(add_months(end + dt.timedelta(days=1), -months), end)


def check_period(
    start: dt.date | None, end: dt.date | None, *, today: dt.date, months: int = DEFAULT_MONTHS
) -> Period:
    """The period a caller asked for: ``start`` and ``end`` if both are given, else the
    ``months`` months ending on ``end`` (default today)."""
    end = end or today
    errors: dict[str, list[str]] = {}
    if end > today:
        errors["end"] = [f"The period cannot end in the future (today is {today:%-d %B %Y})."]
    if start is not None and start > end:
        errors["start"] = [
            f"The period ends ({end:%-d %B %Y}) before it starts ({start:%-d %B %Y}): "
            "choose an end on or after the start."
        ]
    if errors:
        raise InvalidInput(errors)
    return Period(start, end) if start is not None else period_ending(end, months)


# --------------------------------------------------------------------------- populations


@dataclass(frozen=True)
class PopulationChoice:
    population: int
    year: int


def choose_population(
    figures: Mapping[int, int], period: Period, *, year: int | None = None
) -> PopulationChoice | None:
    """The population a rate over ``period`` uses: the figure for ``year`` if the caller chose
    one, else the latest figure for a year on or before the period's end. ``None`` when there
    is no such figure (the caller says so; the rate is never computed against nothing)."""
    if year is not None:
        return PopulationChoice(figures[year], year) if year in figures else None
    earlier = [y for y in figures if y <= period.end.year]
    if not earlier:
        return None
    chosen = max(earlier)
    return PopulationChoice(figures[chosen], chosen)


def missing_population_note(figures: Mapping[int, int], period: Period, year: int | None) -> str:
    if year is not None:
        have = ", ".join(str(y) for y in sorted(figures)) or "none"
        return f"No population figure for {year} (years loaded: {have}): no rate."
    if figures:
        return (
            f"No population figure for {period.end.year} or earlier (the earliest is "
            f"{min(figures)}): no rate."
        )
    return NO_POPULATION


def year_span(years: Iterable[int]) -> str:
    chosen = sorted(set(years))
    if not chosen:
        return ""
    return str(chosen[0]) if chosen[0] == chosen[-1] else f"{chosen[0]}-{chosen[-1]}"


# --------------------------------------------------------------------------- rates and ranking


@dataclass(frozen=True)
class ForceInput:
    """What a ranking needs of one force: its count and its population for the period."""

    slug: str
    name: str
    count: int
    population: PopulationChoice | None
    region: str = ""
    recorded_any: bool = True  # recorded any disruption at all in the period
    population_note: str = NO_POPULATION  # why there is no population, if there is none


@dataclass(frozen=True)
class RankedForce:
    slug: str
    name: str
    region: str
    count: int
    population: int | None
    population_year: int | None
    rate: Decimal | None
    ratio: Decimal | None  # the force's rate over the average of the comparison
    rank: int | None
    in_comparison: bool
    note: str = ""


@dataclass(frozen=True)
class Average:
    """The rate of all the forces in the comparison taken together (their disruptions over
    their summed population): what the national return calls the national average."""

    count: int
    population: int
    rate: Decimal
    forces: int


@dataclass(frozen=True)
class Ranking:
    per: int
    rows: list[RankedForce]
    average: Average | None
    empty_reason: str = ""

    @property
    def compared(self) -> list[RankedForce]:
        return [r for r in self.rows if r.in_comparison]

    @property
    def excluded(self) -> list[RankedForce]:
        return [r for r in self.rows if not r.in_comparison]

    @property
    def population_years(self) -> str:
        return year_span(r.population_year for r in self.compared if r.population_year)


def _places(per: int) -> int:
    return 1 if per >= PER_MILLION else 2


def rate(count: int, population: int, per: int = PER_THOUSAND) -> Decimal:
    """``count`` per ``per`` people (2 places per 1,000, 1 place per million)."""
    return per_population(count, population, per, _places(per))


def ratio(count: int, population: int, average: Average) -> Decimal | None:
    """A force's rate over the comparison's average, from the exact fractions (not the
    rounded rates), to 2 places; ``None`` when the average is zero."""
    if average.count == 0:
        return None
    exact = Fraction(count, population) / Fraction(average.count, average.population)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def rank_forces(
    forces: Iterable[ForceInput],
    *,
    per: int = PER_THOUSAND,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    min_population: int = SMALL_POPULATION,
    require_recording: bool = True,
) -> Ranking:
    """Rates of every force, the average of those in the comparison and each one's ratio to
    it, ranked highest rate first (equal rates share a rank; ties listed by name).

    A force is in the comparison unless it was left out (``exclude``, or not in ``include``
    when that is given), it has no population for the period, its population is below
    ``min_population`` (the City of London), or, with ``require_recording``, it recorded no
    disruption at all in the period (like the forces that did not submit to the return).
    The result does not depend on the order of ``forces``."""
    chosen = set(include) if include is not None else None
    left_out = set(exclude)
    rows: list[tuple[ForceInput, str]] = []
    for force in sorted(forces, key=lambda f: (f.name, f.slug)):
        note = ""
        if force.slug in left_out or (chosen is not None and force.slug not in chosen):
            note = LEFT_OUT
        elif force.population is None:
            note = force.population_note
        elif force.population.population < min_population:
            note = small_population_note(force.population.population)
        elif require_recording and not force.recorded_any:
            note = NOT_RECORDING
        rows.append((force, note))
    compared = [f for f, note in rows if not note]
    average = None
    empty_reason = ""
    if compared:
        count = sum(f.count for f in compared)
        population = sum(f.population.population for f in compared)
        average = Average(count, population, rate(count, population, per), len(compared))
    else:
        empty_reason = (
            "No force is left in the comparison: every force shown was left out, has no "
            "population figure for the period, has too small a population or recorded no "
            "disruption. Choose other forces or another period."
            if rows
            else "No force is left in the comparison: there are no forces to compare."
        )

    def exact(f: ForceInput) -> Fraction:
        return Fraction(f.count, f.population.population)

    order = sorted(compared, key=lambda f: (-exact(f), f.name, f.slug))
    ranks: dict[str, int] = {}
    for position, force in enumerate(order, start=1):
        previous = order[position - 2] if position > 1 else None
        if previous is not None and exact(previous) == exact(force):
            ranks[force.slug] = ranks[previous.slug]
        else:
            ranks[force.slug] = position
    ranked = []
    for force, note in rows:
        population = force.population
        # a force that recorded nothing has no rate at all (no data is not a zero)
        population_for_rate = None if note == NOT_RECORDING else population
        ranked.append(
            RankedForce(
                slug=force.slug,
                name=force.name,
                region=force.region,
                count=force.count,
                population=population.population if population else None,
                population_year=population.year if population else None,
                rate=(
                    rate(force.count, population.population, per) if population_for_rate else None
                ),
                ratio=(
                    ratio(force.count, population.population, average)
                    if average and not note
                    else None
                ),
                rank=ranks.get(force.slug),
                in_comparison=not note,
                note=note,
            )
        )
    ranked.sort(key=lambda r: (r.rank is None, r.rank or 0, r.name, r.slug))
    return Ranking(per, ranked, average, empty_reason)


def require_comparison(ranking: Ranking) -> Ranking:
    """The ranking, or a clear error if no force is left in its comparison."""
    if ranking.average is None:
        raise InvalidInput({"forces": [ranking.empty_reason]})
    return ranking


@dataclass(frozen=True)
class AreaRate:
    """A region's (or the nation's) rate over the forces of it that are in the comparison."""

    name: str
    count: int
    population: int | None
    rate: Decimal | None
    forces: int
    left_out: int
    population_years: str


def area_rates(ranking: Ranking) -> list[AreaRate]:
    """One row per region: the disruptions of its forces in the comparison over their summed
    population; a region none of whose forces is in the comparison has no rate."""
    regions: dict[str, list[RankedForce]] = {}
    for row in ranking.rows:
        regions.setdefault(row.region or "No region", []).append(row)
    out = []
    for name in sorted(regions):
        members = regions[name]
        compared = [r for r in members if r.in_comparison]
        count = sum(r.count for r in compared)
        population = sum(r.population for r in compared) or None
        out.append(
            AreaRate(
                name,
                count,
                population,
                rate(count, population, ranking.per) if population else None,
                len(compared),
                len(members) - len(compared),
                year_span(r.population_year for r in compared if r.population_year),
            )
        )
    return out


# --------------------------------------------------------------------------- breakdowns


@dataclass(frozen=True)
class Part:
    code: str
    label: str
    count: int
    percent: Decimal | None


def breakdown(
    counts: Mapping[str, int], labels: Sequence[tuple[str, str]], *, keep_zero: bool = True
) -> list[Part]:
    """Counts by a category (4P, tactic, grade, crime type) in the order of ``labels``, each
    with its share of the total; codes not in ``labels`` are added at the end as they are."""
    known = [code for code, _ in labels]
    names = dict(labels)
    total = sum(counts.values())
    codes = known + sorted(c for c in counts if c not in names)
    parts = []
    for code in codes:
        n = counts.get(code, 0)
        if n == 0 and not keep_zero:
            continue
        parts.append(Part(code, names.get(code, code), n, percent(n, total)))
    return parts


def percent(part: int, whole: int, places: int = 1) -> Decimal | None:
    """``part`` as a percentage of ``whole``; ``None`` (not 0) when there is no whole."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Share:
    """A compliance measure: ``count`` of ``of`` (``percent`` is ``None`` when ``of`` is 0)."""

    count: int
    of: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.count, self.of)

    def __str__(self) -> str:
        if self.of == 0:
            return "none to count"
        return f"{self.percent}% ({self.count:,} of {self.of:,})"


# --------------------------------------------------------------------------- trends


@dataclass(frozen=True)
class TrendPoint:
    label: str
    start: dt.date
    end: dt.date
    count: int
    rate: Decimal | None
    partial: bool  # the bucket is cut by the period's start or end


def _bucket_start(day: dt.date, by: str) -> dt.date:
    if by == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, day.month, 1)


def _bucket_label(start: dt.date, by: str) -> str:
    if by == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return f"{start:%b %Y}"


def trend(
    day_counts: Iterable[tuple[dt.date, int]],
    period: Period,
    *,
    by: str = "month",
    population: int | None = None,
    per: int = PER_THOUSAND,
) -> list[TrendPoint]:
    """Counts by calendar month or quarter across ``period``, every bucket present (a month
    with nothing in it is a 0, not a gap); days outside the period are ignored. With a
    ``population`` each bucket has its rate (per ``per`` people in that bucket, not
    annualised)."""
    if by not in ("month", "quarter"):
        raise InvalidInput({"by": ["Show the trend by month or by quarter."]})
    step = 3 if by == "quarter" else 1
    totals: dict[dt.date, int] = {}
    for day, n in day_counts:
        if day in period:
            key = _bucket_start(day, by)
            totals[key] = totals.get(key, 0) + n
    points = []
    start = _bucket_start(period.start, by)
    while start <= period.end:
        end = add_months(start, step) - dt.timedelta(days=1)
        n = totals.get(start, 0)
        points.append(
            TrendPoint(
                _bucket_label(start, by),
                max(start, period.start),
                min(end, period.end),
                n,
                rate(n, population, per) if population else None,
                start < period.start or end > period.end,
            )
        )
        start = add_months(start, step)
    return points


# --------------------------------------------------------------------------- distributions

DAY_BUCKETS = ((0, 30), (31, 90), (91, 180), (181, 365), (366, None))


@dataclass(frozen=True)
class DaysSummary:
    n: int
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    buckets: list[tuple[str, int]]
    never: int  # threats with no disruption yet (not in the median)


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile by linear interpolation between order statistics (as numpy's
    default); ``values`` must not be empty."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("A quantile needs at least one value.")
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def bucket_label(low: int, high: int | None) -> str:
    return f"over {low - 1} days" if high is None else f"{low}-{high} days"


def summarise_days(days: Iterable[int], *, never: int = 0) -> DaysSummary:
    """Median, quartiles and a distribution of day counts (e.g. mapping to first disruption)."""
    values = list(days)
    if any(v < 0 for v in values):
        raise ValueError("Day counts cannot be negative.")
    buckets = [
        (
            bucket_label(low, high),
            sum(1 for v in values if v >= low and (high is None or v <= high)),
        )
        for low, high in DAY_BUCKETS
    ]
    if not values:
        return DaysSummary(0, None, None, None, buckets, never)
    return DaysSummary(
        len(values),
        float(median(values)),
        quantile(values, 0.25),
        quantile(values, 0.75),
        buckets,
        never,
    )


# --------------------------------------------------------------------------- intervals


@dataclass(frozen=True)
class Interval:
    estimate: float | None
    low: float | None
    high: float | None
    method: str


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def percentile_interval(
    replicates: Sequence[float], confidence: float = 0.95
) -> tuple[float, float]:
    tail = (1 - confidence) / 2
    return quantile(replicates, tail), quantile(replicates, 1 - tail)


@dataclass(frozen=True)
class Comparison:
    """The matched comparison of one kind of disruption (a tactic or a 4P category)."""

    treated: int  # re-assessment intervals with a disruption of the kind
    control: int  # matched intervals (same stratum) without one
    strata: int  # strata with both
    unmatched: int  # treated intervals whose stratum had no control
    treated_mean: float | None
    control_mean: float | None
    difference: Interval
    small: bool

    @property
    def note(self) -> str:
        if self.treated == 0:
            return "No re-assessment followed a disruption of this kind."
        if self.difference.low is None:
            return f"Too few to compare (under {MIN_FOR_INTERVAL} on a side): no interval."
        if self.small:
            return f"Small sample (under {SMALL_SAMPLE} on a side): read with care."
        return ""


def matched_difference(
    outcomes: Iterable[tuple[object, bool, float]],
    *,
    confidence: float = 0.95,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> Comparison:
    """The average change among intervals with the disruption minus the change among matched
    intervals without it, matched exactly on stratum (``outcomes`` are ``(stratum, treated,
    change)``), weighted by the number treated in each stratum; with a stratified bootstrap
    percentile interval (``resamples`` resamples within each stratum and arm, fixed ``seed``
    so that the figure is the same every time it is asked for)."""
    strata: dict[object, tuple[list[float], list[float]]] = {}
    for stratum, treated, change in outcomes:
        arms = strata.setdefault(stratum, ([], []))
        arms[0 if treated else 1].append(float(change))
    treated_total = sum(len(t) for t, _ in strata.values())
    matched = {k: v for k, v in strata.items() if v[0] and v[1]}
    n_treated = sum(len(t) for t, _ in matched.values())
    n_control = sum(len(c) for _, c in matched.values())

    def weighted(groups) -> float:
        return sum(len(t) * (mean(t) - mean(c)) for t, c in groups) / n_treated

    estimate = weighted(matched.values()) if matched else None
    low = high = None
    if matched and n_treated >= MIN_FOR_INTERVAL and n_control >= MIN_FOR_INTERVAL:
        rng = random.Random(seed)
        keys = sorted(matched, key=repr)
        replicates = []
        for _ in range(resamples):
            groups = []
            for key in keys:
                t, c = matched[key]
                groups.append(
                    ([t[rng.randrange(len(t))] for _ in t], [c[rng.randrange(len(c))] for _ in c])
                )
            replicates.append(weighted(groups))
        low, high = percentile_interval(replicates, confidence)
    treated_values = [v for t, _ in matched.values() for v in t]
    control_values = [v for _, c in matched.values() for v in c]
    return Comparison(
        treated=n_treated,
        control=n_control,
        strata=len(matched),
        unmatched=treated_total - n_treated,
        treated_mean=mean(treated_values),
        control_mean=mean(control_values),
        difference=Interval(estimate, low, high, f"stratified bootstrap, {resamples:,} resamples"),
        small=n_treated < SMALL_SAMPLE or n_control < SMALL_SAMPLE,
    )


# --------------------------------------------------------------------------- survival


@dataclass(frozen=True)
class SurvivalStep:
    day: int
    at_risk: int
    ended: int
    censored: int
    survival: float
    low: float
    high: float


@dataclass(frozen=True)
class SurvivalCurve:
    n: int
    ended: int
    steps: list[SurvivalStep] = field(default_factory=list)

    @property
    def median_days(self) -> int | None:
        """The first day on which half or fewer are still active; ``None`` if never."""
        for step in self.steps:
            if step.survival <= 0.5:
                return step.day
        return None

    def at(self, day: int) -> float:
        """The share still active on ``day``."""
        value = 1.0
        for step in self.steps:
            if step.day > day:
                break
            value = step.survival
        return value


def kaplan_meier(durations: Iterable[tuple[int, bool]], z: float = 1.96) -> SurvivalCurve:
    """The Kaplan-Meier estimate of the share of threats still active after each number of
    days. Each duration is ``(days, ended)``: ``ended`` false for a threat still active (or
    merged into another) on the last day observed, which is censored there. The interval is
    Greenwood's, clipped to 0..1."""
    items = list(durations)
    if any(days < 0 for days, _ in items):
        raise ValueError("A duration cannot be negative.")
    by_day: dict[int, list[int]] = {}
    for days, ended in items:
        counts = by_day.setdefault(days, [0, 0])
        counts[0 if ended else 1] += 1
    at_risk = len(items)
    survival = 1.0
    greenwood = 0.0
    steps = []
    for day in sorted(by_day):
        ended, censored = by_day[day]
        if ended:
            survival *= 1 - ended / at_risk
            if at_risk > ended:
                greenwood += ended / (at_risk * (at_risk - ended))
        error = survival * math.sqrt(greenwood)
        steps.append(
            SurvivalStep(
                day,
                at_risk,
                ended,
                censored,
                survival,
                max(0.0, survival - z * error),
                min(1.0, survival + z * error),
            )
        )
        at_risk -= ended + censored
    return SurvivalCurve(len(items), sum(1 for _, e in items if e), steps)


# --------------------------------------------------------------------------- public summary

NUMBER_WORDS = (
    "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
)  # fmt: skip


def public_number(n: int | float | Decimal, *, noun: str, plural: str | None = None) -> str:
    """A figure as a public summary gives it: small counts in words ("six firearms"), larger
    ones exactly up to 99 ("19 county lines"), and above that rounded down to a round figure
    and said as "over" ("over 250 arrests"), so that no record can be worked out from it."""
    plural = plural or f"{noun}s"
    value = int(n)
    word = noun if value == 1 else plural
    if value <= 10:
        return f"{NUMBER_WORDS[value]} {word}"
    if value < 100:
        return f"{value} {word}"
    step = 10 ** (len(str(value)) - 2) * 5 if value < 1000 else 10 ** (len(str(value)) - 2)
    step = max(step, 10)
    rounded = value // step * step
    if rounded == value:
        return f"{value:,} {word}"
    return f"over {rounded:,} {word}"


def public_money(amount: Decimal | float | int) -> str:
    """Money rounded down ("over £84,000", "over £2.4 million"): never more than was seized."""
    value = int(amount)
    if value < 1000:
        return "under £1,000"
    if value < 1_000_000:
        rounded = value // 1000 * 1000
        return f"{'over ' if rounded != value else ''}£{rounded:,}"
    tenths = value // 100_000
    text = f"{tenths / 10:.1f}".removesuffix(".0")
    return f"{'over ' if tenths * 100_000 != value else ''}£{text} million"


def join_words(parts: Sequence[str]) -> str:
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def by_key(rows: Iterable, key: Callable) -> dict:
    out: dict = {}
    for row in rows:
        out.setdefault(key(row), []).append(row)
    return out
