"""The pure rules of performance figures: no database. Hand-computed figures first, then
properties (a ranking does not depend on the order of its input, rates scale linearly...),
then bad input (a clear message, never a division error or a silent zero)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.errors import InvalidInput
from socmap.performance import rules
from socmap.performance.rules import ForceInput, Period, PopulationChoice

P2024 = Period(dt.date(2024, 1, 1), dt.date(2025, 12, 31))


def force(slug, count, population, *, year=2024, region="South West", recorded=True):
    return ForceInput(
        slug=slug,
        name=slug.title(),
        count=count,
        population=PopulationChoice(population, year) if population else None,
        region=region,
        recorded_any=recorded,
    )


# --------------------------------------------------------------------------- hand-computed


def test_a_ranking_computed_by_hand():
    # Given Wiltshire with 2,400 disruptions in 800,000 people, Dorset 200 in 400,000,
    # a force that recorded nothing and the City of London
    table = rules.rank_forces(
        [
            force("dorset", 200, 400_000),
            force("wiltshire", 2_400, 800_000),
            force("kent", 0, 1_800_000, region="South East", recorded=False),
            force("city-of-london", 30, 9_721, region="London"),
        ]
    )
    # Then the rates are 3.00 and 0.50, the average 2,600 / 1,200,000 = 2.17 per 1,000
    rows = {r.slug: r for r in table.rows}
    assert rows["wiltshire"].rate == Decimal("3.00") and rows["dorset"].rate == Decimal("0.50")
    assert table.average == rules.Average(2_600, 1_200_000, Decimal("2.17"), 2)
    # and the ratios come from the exact fractions: 3/2.1667 = 1.38, 0.5/2.1667 = 0.23
    assert rows["wiltshire"].ratio == Decimal("1.38") and rows["dorset"].ratio == Decimal("0.23")
    assert [r.slug for r in table.rows][:2] == ["wiltshire", "dorset"]
    assert (rows["wiltshire"].rank, rows["dorset"].rank) == (1, 2)
    # and the others are shown, not compared, each saying why
    assert rows["kent"].note == rules.NOT_RECORDING and rows["kent"].rate is None
    assert "9,721 makes a rate per head meaningless" in rows["city-of-london"].note
    assert rows["city-of-london"].rate == Decimal("3.09") and rows["city-of-london"].rank is None
    assert table.population_years == "2024"


def test_regions_are_rated_over_their_forces_in_the_comparison():
    table = rules.rank_forces(
        [
            force("dorset", 200, 400_000),
            force("wiltshire", 2_400, 800_000),
            force("kent", 900, 1_800_000, region="South East"),
            force("surrey", 0, 1_000_000, region="South East", recorded=False),
        ]
    )
    regions = {a.name: a for a in rules.area_rates(table)}
    assert regions["South West"].rate == Decimal("2.17") and regions["South West"].forces == 2
    assert regions["South East"] == rules.AreaRate(
        "South East", 900, 1_800_000, Decimal("0.50"), 1, 1, "2024"
    )


def test_equal_rates_share_a_rank_and_the_next_rank_is_skipped():
    table = rules.rank_forces(
        [force("a", 10, 10_000_000), force("b", 20, 200_000), force("c", 40, 400_000)]
    )
    assert [(r.slug, r.rank) for r in table.rows] == [("b", 1), ("c", 1), ("a", 3)]


def test_forces_chosen_for_the_comparison_and_left_out():
    inputs = [force("a", 10, 200_000), force("b", 20, 200_000), force("c", 40, 400_000)]
    only = rules.rank_forces(inputs, include=["a", "c"])
    assert [r.slug for r in only.compared] == ["c", "a"]
    assert only.average.count == 50
    left_out = rules.rank_forces(inputs, exclude=["c"])
    assert {r.slug: r.note for r in left_out.excluded} == {"c": rules.LEFT_OUT}


def test_threats_per_million_keep_one_decimal_place():
    assert rules.rate(12, 722_217, rules.PER_MILLION) == Decimal("16.6")
    table = rules.rank_forces([force("wiltshire", 12, 722_217)], per=rules.PER_MILLION)
    assert table.average.rate == Decimal("16.6")


def test_the_24_months_ending_on_a_day():
    assert rules.period_ending(dt.date(2026, 3, 31)) == Period(
        dt.date(2024, 4, 1), dt.date(2026, 3, 31)
    )
    assert rules.period_ending(dt.date(2026, 3, 14)) == Period(
        dt.date(2024, 3, 15), dt.date(2026, 3, 14)
    )
    assert rules.period_ending(dt.date(2026, 2, 28), 12).start == dt.date(2025, 3, 1)
    assert rules.period_ending(dt.date(2026, 3, 31), 1).start == dt.date(2026, 3, 1)
    assert P2024.days == 731


def test_the_population_year_is_the_latest_on_or_before_the_period_end():
    figures = {2019: 722_217, 2021: 740_000, 2027: 760_000}
    period = Period(dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    assert rules.choose_population(figures, period) == PopulationChoice(740_000, 2021)
    assert rules.choose_population(figures, period, year=2019) == PopulationChoice(722_217, 2019)
    assert rules.choose_population(figures, period, year=2020) is None
    early = Period(dt.date(2016, 1, 1), dt.date(2017, 12, 31))
    assert rules.choose_population(figures, early) is None
    assert rules.missing_population_note(figures, early, None) == (
        "No population figure for 2017 or earlier (the earliest is 2019): no rate."
    )
    assert "No population figure for 2020 (years loaded: 2019, 2021, 2027)" in (
        rules.missing_population_note(figures, period, 2020)
    )


def test_a_trend_has_every_month_and_marks_the_cut_ones():
    period = Period(dt.date(2025, 1, 15), dt.date(2025, 4, 10))
    points = rules.trend(
        [(dt.date(2025, 1, 20), 3), (dt.date(2025, 1, 2), 99), (dt.date(2025, 3, 1), 4)],
        period,
        population=500_000,
    )
    assert [(p.label, p.count, p.partial) for p in points] == [
        ("Jan 2025", 3, True),
        ("Feb 2025", 0, False),
        ("Mar 2025", 4, False),
        ("Apr 2025", 0, True),
    ]
    assert points[2].rate == Decimal("0.01") and points[0].start == dt.date(2025, 1, 15)
    quarters = rules.trend(
        [(dt.date(2025, 3, 1), 4), (dt.date(2025, 4, 2), 1)], period, by="quarter"
    )
    assert [(p.label, p.count) for p in quarters] == [("2025 Q1", 4), ("2025 Q2", 1)]


def test_a_breakdown_gives_shares_in_the_order_of_its_labels():
    parts = rules.breakdown(
        {"prevent": 1, "pursue": 3},
        [("pursue", "Pursue"), ("prevent", "Prevent"), ("protect", "Protect")],
    )
    assert [(p.code, p.count, p.percent) for p in parts] == [
        ("pursue", 3, Decimal("75.0")),
        ("prevent", 1, Decimal("25.0")),
        ("protect", 0, Decimal("0.0")),
    ]
    assert rules.breakdown({}, [("pursue", "Pursue")])[0].percent is None


def test_a_share_of_nothing_is_not_zero_per_cent():
    assert rules.Share(3, 4).percent == Decimal("75.0")
    assert rules.Share(0, 0).percent is None and str(rules.Share(0, 0)) == "none to count"
    assert str(rules.Share(1, 3)) == "33.3% (1 of 3)"


def test_days_to_the_first_disruption_by_hand():
    summary = rules.summarise_days([10, 40, 100, 400], never=2)
    assert (summary.n, summary.median, summary.never) == (4, 70.0, 2)
    assert summary.lower_quartile == 32.5 and summary.upper_quartile == 175.0
    assert dict(summary.buckets) == {
        "0-30 days": 1,
        "31-90 days": 1,
        "91-180 days": 1,
        "181-365 days": 0,
        "over 365 days": 1,
    }
    assert rules.summarise_days([]).median is None


def test_kaplan_meier_by_hand():
    # Given five threats: ended after 10, 20 and 30 days; still active after 15 and 40
    curve = rules.kaplan_meier([(10, True), (15, False), (20, True), (30, True), (40, False)])
    # Then S(10) = 4/5, S(20) = 4/5 * 2/3, S(30) = that * 1/2; the censored ones drop no step
    assert [round(s.survival, 4) for s in curve.steps] == [0.8, 0.8, 0.5333, 0.2667, 0.2667]
    assert [s.at_risk for s in curve.steps] == [5, 4, 3, 2, 1]
    assert curve.median_days == 30 and curve.ended == 3 and curve.n == 5
    assert curve.at(25) == pytest.approx(0.5333, abs=1e-4) and curve.at(5) == 1.0
    # Greenwood: var(S(10)) = 0.8^2 * 1/(5*4)
    first = curve.steps[0]
    assert first.survival - first.low == pytest.approx(1.96 * 0.8 * math.sqrt(1 / 20))
    assert first.high == 1.0  # clipped
    assert rules.kaplan_meier([(5, False)]).median_days is None


def test_the_matched_difference_by_hand():
    # Given two strata: in A the treated fell by 4 and 6 against controls falling 1 and 3;
    # in B one treated fell by 2 against a control that rose 1
    outcomes = [
        ("A", True, -4), ("A", True, -6), ("A", False, -1), ("A", False, -3),
        ("B", True, -2), ("B", False, 1),
        ("C", True, -9),  # no control in C: unmatched
        ("D", False, 5),  # no treated in D: not used
    ]  # fmt: skip
    result = rules.matched_difference(outcomes)
    # Then the difference is (2 * (-5 - -2) + 1 * (-2 - 1)) / 3 = -3
    assert result.difference.estimate == pytest.approx(-3.0)
    assert (result.treated, result.control, result.strata, result.unmatched) == (3, 3, 2, 1)
    # too few for an interval, and said so
    assert result.difference.low is None and "no interval" in result.note
    assert result.small


def test_the_bootstrap_interval_covers_the_estimate_and_is_the_same_every_time():
    outcomes = [("A", n % 2 == 0, (-3 if n % 2 == 0 else 0) + (n % 5) * 0.5) for n in range(80)]
    first = rules.matched_difference(outcomes)
    assert first.difference.low <= first.difference.estimate <= first.difference.high
    assert first.difference.high < 0  # a clear fall
    assert rules.matched_difference(outcomes) == first
    assert not first.small and first.note == ""
    assert first.difference.method == "stratified bootstrap, 2,000 resamples"


@pytest.mark.parametrize(
    ("n", "noun", "said"),
    [
        (257, "arrest", "over 250 arrests"),
        (6, "firearm", "six firearms"),
        (1, "firearm", "one firearm"),
        (0, "firearm", "no firearms"),
        (19, "county line", "19 county lines"),
        (112, "year", "over 100 years"),
        (1_234, "arrest", "over 1,200 arrests"),
        (300, "arrest", "300 arrests"),
    ],
)
def test_public_figures_are_rounded_as_a_press_release_would(n, noun, said):
    assert rules.public_number(n, noun=noun) == said


def test_public_money_is_rounded_down():
    assert rules.public_money(Decimal("84123.50")) == "over £84,000"
    assert rules.public_money(2_450_000) == "over £2.4 million"
    assert rules.public_money(2_000_000) == "£2 million"
    assert rules.public_money(84_000) == "£84,000"
    assert rules.public_money(999) == "under £1,000"


# --------------------------------------------------------------------------- bad input


def test_a_period_ending_before_it_starts_is_refused_with_a_clear_message():
    with pytest.raises(InvalidInput) as wrong:
        rules.check_period(dt.date(2026, 1, 1), dt.date(2025, 1, 1), today=dt.date(2026, 6, 1))
    assert "ends (1 January 2025) before it starts (1 January 2026)" in wrong.value.summary()


def test_a_period_in_the_future_and_a_silly_number_of_months_are_refused():
    with pytest.raises(InvalidInput, match="cannot end in the future"):
        rules.check_period(None, dt.date(2027, 1, 1), today=dt.date(2026, 6, 1))
    with pytest.raises(InvalidInput, match="1 to 120 months"):
        rules.period_ending(dt.date(2026, 1, 1), 0)


def test_an_empty_comparison_is_a_clear_message_not_a_division_by_zero():
    table = rules.rank_forces([force("kent", 0, 1_800_000, recorded=False)])
    assert table.average is None and table.rows[0].ratio is None
    with pytest.raises(InvalidInput) as wrong:
        rules.require_comparison(table)
    assert "No force is left in the comparison" in wrong.value.summary()
    with pytest.raises(InvalidInput, match="no forces to compare"):
        rules.require_comparison(rules.rank_forces([]))


def test_a_force_without_a_population_has_no_rate_and_is_not_compared():
    table = rules.rank_forces([force("wiltshire", 10, None), force("dorset", 5, 400_000)])
    rows = {r.slug: r for r in table.rows}
    assert rows["wiltshire"].rate is None and not rows["wiltshire"].in_comparison
    assert rows["wiltshire"].note == rules.NO_POPULATION
    assert table.average.forces == 1


def test_a_comparison_with_no_disruptions_has_no_ratios_rather_than_dividing_by_zero():
    table = rules.rank_forces([force("a", 0, 200_000), force("b", 0, 300_000)])
    assert table.average.rate == Decimal("0.00")
    assert all(r.ratio is None for r in table.rows)


def test_bad_trend_and_day_inputs_are_refused():
    with pytest.raises(InvalidInput, match="month or by quarter"):
        rules.trend([], P2024, by="week")
    with pytest.raises(ValueError, match="negative"):
        rules.summarise_days([-1])
    with pytest.raises(ValueError, match="negative"):
        rules.kaplan_meier([(-3, True)])


# --------------------------------------------------------------------------- properties

force_inputs = st.lists(
    st.builds(
        lambda n, count, people, recorded: ForceInput(
            f"force-{n}", f"Force {n}", count, PopulationChoice(people, 2024), "R", recorded
        ),
        st.integers(0, 10_000),
        st.integers(0, 50_000),
        st.integers(100_000, 10_000_000),
        st.booleans(),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda f: f.slug,
)


@given(force_inputs, st.randoms())
def test_a_ranking_does_not_depend_on_the_order_of_its_input(inputs, rnd):
    shuffled = list(inputs)
    rnd.shuffle(shuffled)
    assert rules.rank_forces(inputs) == rules.rank_forces(shuffled)


@given(force_inputs)
def test_ranks_follow_the_exact_rates(inputs):
    compared = rules.rank_forces(inputs).compared
    for higher, lower in zip(compared, compared[1:], strict=False):
        assert Fraction(higher.count, higher.population) >= Fraction(lower.count, lower.population)
        assert higher.rank <= lower.rank


@given(force_inputs)
def test_the_average_lies_between_the_lowest_and_highest_rate(inputs):
    table = rules.rank_forces(inputs)
    if table.average is None:
        return
    exact = [Fraction(r.count, r.population) for r in table.compared]
    average = Fraction(table.average.count, table.average.population)
    assert min(exact) <= average <= max(exact)


@given(st.integers(0, 100_000), st.integers(1_000, 5_000_000), st.integers(1, 50))
def test_rates_scale_linearly(count, population, k):
    exact = Fraction(count * 1000, population)
    assert abs(Fraction(rules.rate(count, population)) - exact) <= Fraction(1, 200)
    assert abs(Fraction(rules.rate(count * k, population)) - k * exact) <= Fraction(1, 200)
    # the same count in k times the people: a k-th of the rate
    assert abs(Fraction(rules.rate(count, population * k)) - exact / k) <= Fraction(1, 200)


@given(force_inputs, st.integers(2, 9))
def test_doubling_every_count_keeps_ranks_and_ratios(inputs, k):
    base = rules.rank_forces(inputs)
    scaled = rules.rank_forces(
        [
            ForceInput(f.slug, f.name, f.count * k, f.population, f.region, f.recorded_any)
            for f in inputs
        ]
    )
    assert [(r.slug, r.rank, r.ratio) for r in base.rows] == [
        (r.slug, r.rank, r.ratio) for r in scaled.rows
    ]


@given(st.lists(st.tuples(st.integers(0, 2000), st.booleans()), max_size=60))
def test_a_survival_curve_never_rises_and_stays_between_0_and_1(durations):
    curve = rules.kaplan_meier(durations)
    values = [s.survival for s in curve.steps]
    assert all(0 <= v <= 1 for v in values)
    assert all(a >= b for a, b in zip(values, values[1:], strict=False))
    assert all(s.low <= s.survival <= s.high for s in curve.steps)
    assert curve.ended == sum(1 for _, e in durations if e)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("ABC"), st.booleans(), st.floats(-20, 20)),
        max_size=40,
    ),
    st.floats(-10, 10),
)
def test_shifting_the_treated_outcomes_shifts_the_difference_by_as_much(outcomes, shift):
    base = rules.matched_difference(outcomes, resamples=50)
    moved = rules.matched_difference(
        [(k, t, v + shift if t else v) for k, t, v in outcomes], resamples=50
    )
    if base.difference.estimate is None:
        assert moved.difference.estimate is None
    else:
        assert moved.difference.estimate == pytest.approx(base.difference.estimate + shift)


@given(st.dates(dt.date(2001, 1, 1), dt.date(2099, 12, 31)), st.integers(1, 120))
def test_a_period_of_months_ends_on_its_end_and_counts_months(end, months):
    period = rules.period_ending(end, months)
    assert period.end == end and period.start <= end
    assert rules.add_months(period.start, months) - dt.timedelta(days=1) <= end
