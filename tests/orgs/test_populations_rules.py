"""The pure rules for rates and population years: no database.

A performance lead compares forces by disruptions per 1,000 population. The rate must be
rounded the way people round (half up) and must always say which year's population it used.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from socmap.orgs.populations import Rate, choose_population_year, per_population

counts = st.integers(min_value=0, max_value=10_000_000)
populations = st.integers(min_value=1, max_value=20_000_000)
years = st.integers(min_value=1971, max_value=2100)


# --------------------------------------------------------------------------- per_population


def test_rate_per_thousand_of_a_force_population():
    # Given 250 disruptions in a force of 500,000 people
    # When the rate per 1,000 is worked out
    # Then it is 0.50
    assert per_population(250, 500_000) == Decimal("0.50")


@pytest.mark.parametrize(
    ("count", "population", "per", "places", "expected"),
    [
        (1, 8, 1, 2, "0.13"),  # 0.125 rounds up, not to even
        (3, 8, 1, 2, "0.38"),  # 0.375 rounds up
        (1, 400, 1000, 0, "3"),  # 2.5 rounds up, not to 2
        (5, 2000, 1000, 0, "3"),  # 2.5 again
        (1, 3, 1, 2, "0.33"),  # below the half rounds down
        (2, 3, 1, 2, "0.67"),
        (0, 720_000, 1000, 2, "0.00"),
        (123, 100_000, 100_000, 2, "123.00"),
    ],
)
def test_rates_round_half_up(count, population, per, places, expected):
    assert per_population(count, population, per=per, places=places) == Decimal(expected)


def test_rate_has_the_requested_number_of_places():
    assert per_population(1, 3, per=1000, places=4) == Decimal("333.3333")
    assert str(per_population(10, 1000)) == "10.00"


@pytest.mark.parametrize("population", [0, -1, -500_000])
def test_a_rate_over_no_population_is_refused(population):
    with pytest.raises(ValueError, match="population greater than zero"):
        per_population(10, population)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="count of zero or more"):
        per_population(-1, 500_000)


@pytest.mark.parametrize("per", [0, -1000])
def test_a_rate_per_no_people_is_refused(per):
    with pytest.raises(ValueError, match="positive number of people"):
        per_population(1, 1000, per=per)


@given(counts, counts, populations)
def test_more_disruptions_never_give_a_lower_rate(a, b, population):
    low, high = sorted((a, b))
    assert per_population(low, population) <= per_population(high, population)


@given(counts, populations, populations)
def test_a_larger_population_never_gives_a_higher_rate(count, p1, p2):
    small, large = sorted((p1, p2))
    assert per_population(count, large) <= per_population(count, small)


@given(counts, populations)
def test_the_rounded_rate_is_within_half_a_hundredth_of_the_exact_one(count, population):
    exact = Decimal(count) * 1000 / Decimal(population)
    assert abs(per_population(count, population) - exact) <= Decimal("0.005")


@given(populations)
def test_no_disruptions_is_a_rate_of_zero(population):
    assert per_population(0, population) == 0


# --------------------------------------------------------------------------- Rate


def test_a_rate_names_the_population_year_it_used():
    # Given Wiltshire's 37 disruptions over its 2019 population
    rate = Rate(count=37, population=720_060, population_year=2019, per=1000)
    # When the rate is shown
    text = str(rate)
    # Then it gives the value, what it is per, and which year's population it used
    assert text == "0.05 per 1,000 population (37 over a 2019 population of 720,060)"
    assert rate.value == Decimal("0.05")


@given(counts, populations, years)
def test_every_rate_says_its_year(count, population, year):
    assert f"a {year} population" in str(
        Rate(count=count, population=population, population_year=year, per=1000)
    )


# --------------------------------------------------------------------------- choose_population_year


@pytest.mark.parametrize(
    ("available", "for_year", "expected"),
    [
        ([2019, 2021, 2023], 2022, 2021),  # latest not after the period
        ([2019, 2021, 2023], 2021, 2021),  # the same year counts
        ([2019, 2021, 2023], 2030, 2023),
        ([2019, 2021, 2023], 2015, 2019),  # nothing before: the earliest is nearest
        ([2021, 2019, 2019], 2020, 2019),  # order and repeats do not matter
        ([2019], 2019, 2019),
    ],
)
def test_the_population_year_used_for_a_period(available, for_year, expected):
    assert choose_population_year(available, for_year) == expected


def test_no_population_figures_give_no_year():
    assert choose_population_year([], 2024) is None
    assert choose_population_year(iter(()), 2024) is None


@given(st.sets(years, min_size=1), years)
def test_the_chosen_year_is_one_of_the_figures(available, for_year):
    assert choose_population_year(available, for_year) in available


@given(st.sets(years, min_size=1), years)
def test_the_chosen_year_is_the_latest_not_after_the_period(available, for_year):
    chosen = choose_population_year(available, for_year)
    not_after = [y for y in available if y <= for_year]
    if not_after:
        assert chosen == max(not_after)
    else:
        assert chosen == min(available)


@given(st.sets(years, min_size=1), years, years)
def test_a_later_period_never_uses_an_older_population(available, y1, y2):
    assume(y1 != y2)
    early, late = sorted((y1, y2))
    assert choose_population_year(available, early) <= choose_population_year(available, late)
