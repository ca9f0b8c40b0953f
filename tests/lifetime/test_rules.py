"""The pure date rules of lifetime management, tested directly: calendar arithmetic, ages at
their boundaries (29 February included), statutory duration limits exactly at their edges
(hypothesis searches every start date and limit), order start and end, and custody."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from socmap.lifetime import rules
from socmap.lifetime.rules import (
    Court,
    CustodyType,
    DurationLimits,
    OrderState,
    OrderStatus,
    OrderTypeRule,
)

days = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2080, 12, 31))
months = st.integers(min_value=1, max_value=360)


# --------------------------------------------------------------------------- calendar


def test_adding_months_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert rules.add_months(dt.date(2024, 1, 15), 1) == dt.date(2024, 2, 15)
    assert rules.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert rules.add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert rules.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert rules.add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    assert rules.add_months(dt.date(2024, 3, 31), -1) == dt.date(2024, 2, 29)


def test_a_five_year_order_from_new_year_ends_on_new_years_eve():
    assert rules.last_day(dt.date(2020, 1, 1), 60) == dt.date(2024, 12, 31)
    assert rules.last_day(dt.date(2024, 2, 29), 24) == dt.date(2026, 2, 27)


@given(days, months, months)
def test_a_longer_period_never_ends_earlier(start, a, b):
    low, high = sorted((a, b))
    assert rules.last_day(start, low) <= rules.last_day(start, high)


@given(days, months)
def test_a_period_ends_on_or_after_its_start_and_before_the_same_date_later(start, n):
    end = rules.last_day(start, n)
    assert start <= end < rules.add_months(start, n)
    assert (end - start).days >= 27 * n


@given(days, days, months)
def test_a_later_start_never_ends_earlier(a, b, n):
    first, second = sorted((a, b))
    assert rules.last_day(first, n) <= rules.last_day(second, n)


# --------------------------------------------------------------------------- ages


def test_someone_is_18_on_their_18th_birthday_and_17_the_day_before():
    born = dt.date(2006, 5, 17)
    assert rules.age_on(born, dt.date(2024, 5, 16)) == 17
    assert rules.age_on(born, dt.date(2024, 5, 17)) == 18


def test_a_leap_day_birthday_counts_from_the_first_of_march_in_other_years():
    born = dt.date(2008, 2, 29)
    assert rules.age_on(born, dt.date(2026, 2, 28)) == 17
    assert rules.age_on(born, dt.date(2026, 3, 1)) == 18
    assert rules.birthday(born, 18) == dt.date(2026, 3, 1)
    assert rules.birthday(born, 16) == dt.date(2024, 2, 29)


@given(
    st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=1, max_value=60),
)
def test_the_age_changes_exactly_on_the_birthday(born, years):
    day = rules.birthday(born, years)
    assert rules.age_on(born, day) == years
    assert rules.age_on(born, day - dt.timedelta(days=1)) == years - 1


@given(
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2015, 12, 31)),
    st.integers(min_value=10, max_value=21),
)
def test_the_minimum_age_is_refused_the_day_before_and_met_on_the_birthday(born, minimum):
    day = rules.birthday(born, minimum)
    assert rules.age_problem(minimum, born, day, "order") == ""
    refused = rules.age_problem(minimum, born, day - dt.timedelta(days=1), "order")
    assert f"needs them to be {minimum} or over" in refused
    assert f"{day:%-d %B %Y}" in refused


def test_an_age_limit_needs_a_date_of_birth():
    assert "record their date of birth" in rules.age_problem(18, None, dt.date(2024, 1, 1), "SCPO")
    assert rules.age_problem(None, None, dt.date(2024, 1, 1), "STPO") == ""


# --------------------------------------------------------------------------- duration limits

SCPO = OrderTypeRule(
    "scpo", "Serious Crime Prevention Order", DurationLimits(max_months=60), minimum_age=18
)
STPO = OrderTypeRule("stpo", "STPO", DurationLimits(min_months=60, indefinite=True))
KCPO = OrderTypeRule("kcpo", "KCPO", DurationLimits(min_months=6, max_months=24))
CBO = OrderTypeRule(
    "cbo",
    "CBO",
    DurationLimits(min_months=24, indefinite=True),
    duration_under_18=DurationLimits(min_months=12, max_months=36),
)
FRO = OrderTypeRule(
    "fro",
    "FRO",
    DurationLimits(max_months=180),
    max_months_magistrates=60,
    max_months_life_sentence=240,
)
CLOSURE = OrderTypeRule(
    "closure", "Closure order", DurationLimits(max_months=6), max_months_initial=3
)
CONFISCATION = OrderTypeRule("conf", "Confiscation", DurationLimits(time_limited=False))

limits = st.builds(
    lambda low, span, indefinite: DurationLimits(
        low, low + span if span is not None else None, indefinite
    ),
    st.integers(min_value=1, max_value=120),
    st.one_of(st.none(), st.integers(min_value=0, max_value=240)),
    st.booleans(),
)


@settings(max_examples=300)
@given(limits, days)
def test_an_end_date_exactly_at_the_maximum_passes_and_a_day_later_fails(limit, start):
    assume(limit.max_months is not None)
    edge = rules.last_day(start, limit.max_months)
    assert rules.duration_problems(limit, start=start, end=edge) == {}
    over = rules.duration_problems(limit, start=start, end=edge + dt.timedelta(days=1))
    assert "at most" in over["ends_on"][0]


@settings(max_examples=300)
@given(limits, days)
def test_an_end_date_exactly_at_the_minimum_passes_and_a_day_earlier_fails(limit, start):
    assume(limit.min_months is not None)
    edge = rules.last_day(start, limit.min_months)
    assert rules.duration_problems(limit, start=start, end=edge) == {}
    short = rules.duration_problems(limit, start=start, end=edge - dt.timedelta(days=1))
    assert "at least" in short["ends_on"][0]


@settings(max_examples=300)
@given(limits, st.integers(min_value=1, max_value=400))
def test_a_duration_in_months_passes_exactly_inside_the_limits(limit, n):
    problems = rules.duration_problems(limit, start=None, months=n)
    inside = (limit.min_months is None or n >= limit.min_months) and (
        limit.max_months is None or n <= limit.max_months
    )
    assert (problems == {}) == inside


@given(limits, days, months)
def test_months_and_the_end_date_they_give_are_judged_alike(limit, start, n):
    by_months = rules.duration_problems(limit, start=start, months=n) == {}
    by_end = rules.duration_problems(limit, start=start, end=rules.last_day(start, n)) == {}
    assert by_months == by_end


def test_the_statutory_limits_in_words():
    scpo = rules.limits_for(SCPO, age=30)
    assert rules.duration_problems(
        scpo, start=None, months=61, type_name="Serious Crime Prevention Order"
    )["duration_months"] == [
        "A Serious Crime Prevention Order lasts at most 5 years; 5 years and 1 month is too long."
    ]
    afo = DurationLimits(max_months=24)
    assert rules.duration_problems(afo, start=None, months=25, type_name="account freezing order")[
        "duration_months"
    ][0].startswith("An account freezing order lasts at most 2 years")
    kcpo = rules.limits_for(KCPO, age=15)
    assert (
        "at least 6 months; 5 months is too short"
        in rules.duration_problems(kcpo, start=None, months=5)["duration_months"][0]
    )


def test_until_further_order_only_where_the_statute_allows_it():
    assert rules.duration_problems(STPO.duration, start=None, until_further_order=True) == {}
    refused = rules.duration_problems(SCPO.duration, start=None, until_further_order=True)
    assert "cannot be made until further order" in refused["until_further_order"][0]


def test_a_duration_is_given_once():
    assert (
        "not more"
        in rules.duration_problems(
            SCPO.duration, start=dt.date(2024, 1, 1), months=12, end=dt.date(2024, 12, 31)
        )["duration"][0]
    )
    assert "Give the duration" in rules.duration_problems(SCPO.duration, start=None)["duration"][0]


def test_an_order_with_no_duration_refuses_one():
    assert rules.duration_problems(CONFISCATION.duration, start=None) == {}
    assert (
        "no fixed duration"
        in rules.duration_problems(CONFISCATION.duration, start=None, months=12)["duration"][0]
    )


def test_an_end_before_the_start_is_refused():
    assert rules.duration_problems(
        SCPO.duration, start=dt.date(2024, 5, 1), end=dt.date(2024, 4, 30)
    )["ends_on"] == ["The end date is before the order starts."]


@given(st.integers(min_value=0, max_value=17))
def test_under_18s_get_the_youth_limits_of_a_criminal_behaviour_order(age):
    assert rules.limits_for(CBO, age=age) == DurationLimits(12, 36, False)


@given(st.integers(min_value=18, max_value=90))
def test_adults_get_the_adult_limits_of_a_criminal_behaviour_order(age):
    assert rules.limits_for(CBO, age=age) == DurationLimits(24, None, True)


def test_the_court_and_a_life_sentence_change_a_financial_reporting_orders_ceiling():
    assert rules.limits_for(FRO, age=40).max_months == 180
    assert rules.limits_for(FRO, age=40, court=Court.MAGISTRATES).max_months == 60
    assert rules.limits_for(FRO, age=40, court=Court.CROWN, life_sentence=True).max_months == 240


def test_a_closure_order_is_three_months_when_made_and_six_in_all():
    assert rules.limits_for(CLOSURE, age=None).max_months == 3
    assert rules.limits_for(CLOSURE, age=None, first_grant=False).max_months == 6


def test_limits_in_words():
    assert DurationLimits(min_months=60, indefinite=True).describe() == (
        "At least 5 years, or until further order"
    )
    assert DurationLimits(6, 24).describe() == "6 months to 2 years"
    assert DurationLimits(max_months=60).describe() == "Up to 5 years"
    assert DurationLimits(time_limited=False).describe() == "No fixed duration"
    assert rules.describe_months(18) == "1 year and 6 months"


# --------------------------------------------------------------------------- order dates


def test_an_order_starts_when_made_unless_the_court_says_otherwise():
    made = dt.date(2025, 3, 10)
    assert rules.order_dates(made_on=made, starts_on_release=False, months=24) == (
        rules.OrderDates(made, dt.date(2027, 3, 9), False)
    )
    later = rules.order_dates(
        made_on=made, starts_on_release=False, start_on=dt.date(2025, 4, 1), months=12
    )
    assert later.start == dt.date(2025, 4, 1) and later.end == dt.date(2026, 3, 31)


def test_an_order_made_in_custody_starts_on_the_expected_release_provisionally():
    dates = rules.order_dates(
        made_on=dt.date(2025, 1, 6),
        starts_on_release=True,
        expected_release_on=dt.date(2027, 7, 1),
        months=60,
    )
    assert dates == rules.OrderDates(dt.date(2027, 7, 1), dt.date(2032, 6, 30), True)


def test_the_actual_release_fixes_the_start():
    dates = rules.order_dates(
        made_on=dt.date(2025, 1, 6),
        starts_on_release=True,
        released_on=dt.date(2027, 5, 12),
        expected_release_on=dt.date(2027, 7, 1),
        months=24,
    )
    assert dates == rules.OrderDates(dt.date(2027, 5, 12), dt.date(2029, 5, 11), False)


def test_with_no_release_date_an_order_on_release_has_no_dates_yet():
    assert rules.order_dates(
        made_on=dt.date(2025, 1, 6), starts_on_release=True, months=24
    ) == rules.OrderDates(None, None, True)


@given(days, st.integers(min_value=0, max_value=3000), months)
def test_an_order_on_release_never_starts_before_it_was_made(made, offset, n):
    released = made + dt.timedelta(days=offset)
    dates = rules.order_dates(made_on=made, starts_on_release=True, released_on=released, months=n)
    assert dates.start == released and dates.end == rules.last_day(released, n)


def test_where_an_order_stands():
    today = dt.date(2026, 6, 1)
    in_force = rules.OrderDates(dt.date(2025, 1, 1), dt.date(2026, 12, 31))
    assert rules.order_state(OrderStatus.APPLIED, in_force, today) == OrderState.PENDING
    assert rules.order_state(OrderStatus.GRANTED, in_force, today) == OrderState.IN_FORCE
    ended = rules.OrderDates(dt.date(2024, 1, 1), dt.date(2026, 5, 31))
    assert rules.order_state(OrderStatus.GRANTED, ended, today) == OrderState.PAST_END
    assert rules.order_state(OrderStatus.EXPIRED, ended, today) == OrderState.EXPIRED
    waiting = rules.OrderDates(dt.date(2027, 1, 1), dt.date(2031, 12, 31), True)
    assert (
        rules.order_state(OrderStatus.GRANTED, waiting, today, starts_on_release=True)
        == OrderState.AWAITING_RELEASE
    )
    future = rules.OrderDates(dt.date(2026, 7, 1), None)
    assert rules.order_state(OrderStatus.GRANTED, future, today) == OrderState.NOT_YET_IN_FORCE


@given(days, st.integers(min_value=-400, max_value=400))
def test_an_order_is_due_to_expire_only_after_its_last_day(end, offset):
    today = end + dt.timedelta(days=offset)
    assert rules.is_due_to_expire(OrderStatus.GRANTED, end, today) == (offset > 0)
    assert not rules.is_due_to_expire(OrderStatus.DISCHARGED, end, today)


@given(days, st.integers(min_value=0, max_value=400), st.integers(min_value=-50, max_value=500))
def test_the_alert_window_includes_today_and_its_last_day(today, window, offset):
    day = today + dt.timedelta(days=offset)
    assert rules.within(day, today, window) == (0 <= offset <= window)


def test_alert_days_are_kept_in_range():
    assert rules.clamp_days(None) == 90
    assert rules.clamp_days(-3) == 0
    assert rules.clamp_days(10**6) == rules.MAX_ALERT_DAYS


# --------------------------------------------------------------------------- custody


def _custody(**overrides):
    values = {
        "custody_type": CustodyType.SENTENCED,
        "start": dt.date(2024, 3, 1),
        "sentence_months": 48,
        "indeterminate": False,
        "expected_release_on": dt.date(2026, 3, 1),
        "released_on": None,
        "today": dt.date(2025, 6, 1),
    }
    values.update(overrides)
    return rules.custody_problems(**values)


def test_a_sentence_with_its_expected_release_is_accepted():
    assert _custody() == {}


def test_the_expected_release_must_fall_within_the_sentence():
    assert (
        "after the sentence expires (1 March 2028)"
        in _custody(expected_release_on=dt.date(2028, 3, 2))["expected_release_on"][0]
    )
    assert _custody(expected_release_on=dt.date(2028, 3, 1)) == {}
    assert (
        "before custody began"
        in _custody(expected_release_on=dt.date(2024, 2, 28))["expected_release_on"][0]
    )


@pytest.mark.parametrize(
    "overrides, field_name",
    [
        ({"sentence_months": None}, "sentence_months"),
        ({"indeterminate": True}, "sentence_months"),
        ({"custody_type": CustodyType.REMAND, "sentence_months": 12}, "sentence_months"),
        ({"custody_type": "prison"}, "custody_type"),
        ({"start": dt.date(2025, 7, 1)}, "started_on"),
        ({"released_on": dt.date(2025, 6, 2)}, "released_on"),
        ({"released_on": dt.date(2024, 2, 1)}, "released_on"),
    ],
)
def test_custody_records_that_cannot_be_right_are_refused(overrides, field_name):
    assert field_name in _custody(**overrides)


def test_a_life_sentence_has_no_length_and_no_latest_release():
    assert (
        _custody(sentence_months=None, indeterminate=True, expected_release_on=dt.date(2044, 1, 1))
        == {}
    )


@given(st.integers(min_value=1, max_value=480), st.integers(min_value=0, max_value=480))
def test_the_custodial_minimum_is_met_exactly_at_its_length(required, served):
    assert rules.meets_custodial_minimum(required, served, False) == (served >= required)
    assert rules.meets_custodial_minimum(required, None, True)
