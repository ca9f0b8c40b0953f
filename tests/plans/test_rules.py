"""The pure rules of plans: intervals, due dates, overdue actions, coverage and workload."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from socmap.fourp import FourP
from socmap.plans import rules
from socmap.plans.rules import ActionStatus

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1))


@given(days, st.integers(min_value=rules.MIN_REVIEW_DAYS, max_value=rules.MAX_REVIEW_DAYS))
def test_the_next_review_falls_exactly_one_interval_after_the_last(last, interval):
    due = rules.next_review_due(last, interval)
    assert (due - last).days == interval
    assert rules.days_overdue(due, due) == 0
    assert rules.days_overdue(due, due + dt.timedelta(days=3)) == 3


@given(days, days)
def test_days_overdue_is_never_negative_and_counts_days_past(due, today):
    late = rules.days_overdue(due, today)
    assert late >= 0
    assert late == max(0, (today - due).days)


def test_a_plan_uses_its_own_interval_or_the_default():
    assert rules.review_interval(None, 90) == 90
    assert rules.review_interval(30, 90) == 30


def test_intervals_outside_a_week_to_a_year_are_refused():
    assert rules.interval_problem(None) == ""
    assert rules.interval_problem(7) == "" and rules.interval_problem(365) == ""
    assert "between 7 and 365" in rules.interval_problem(6)
    assert "between 7 and 365" in rules.interval_problem(366)


def test_only_open_actions_past_their_date_are_overdue():
    today = dt.date(2026, 6, 1)
    yesterday = today - dt.timedelta(days=1)
    assert rules.is_action_overdue(ActionStatus.NOT_STARTED, yesterday, today)
    assert rules.is_action_overdue(ActionStatus.IN_PROGRESS, yesterday, today)
    assert not rules.is_action_overdue(ActionStatus.COMPLETED, yesterday, today)
    assert not rules.is_action_overdue(ActionStatus.CANCELLED, yesterday, today)
    assert not rules.is_action_overdue(ActionStatus.NOT_STARTED, today, today)


@given(st.lists(st.sampled_from(FourP.values)))
def test_uncovered_ps_are_those_without_an_action_in_strategy_order(categories):
    missing = rules.uncovered(categories)
    assert set(missing) == set(FourP.values) - set(categories)
    assert missing == [p for p in FourP.values if p in missing]


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=100))
def test_an_lro_is_over_the_limit_by_the_threats_beyond_it(led, limit):
    over = rules.over_limit(led, limit)
    assert over >= 0
    assert (over > 0) == (led > limit)
    assert over == 0 or led - over == limit
