"""The pure rules a disruption follows, whether it is recorded on a page, through the API or in
a row of an import file: no database here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from socmap.disruptions import rules
from socmap.disruptions.rules import (
    QUANTITIES,
    QUANTITY_BY_CODE,
    Person,
    TacticRule,
    check_disruption,
    counting_period,
    independence_problem,
    parse_quantity,
)

TODAY = dt.date(2026, 5, 1)
ARREST = TacticRule("arrest", "Arrest", frozenset({"pursue"}), frozenset({"arrests"}))
SAFEGUARDING = TacticRule(
    "victim-safeguarding",
    "Safeguarding of a victim",
    frozenset({"protect"}),
    frozenset({"people_safeguarded"}),
)
PREMISES = TacticRule(
    "premises-closure", "Premises closure", frozenset({"pursue", "protect", "prepare"}), frozenset()
)


def check(**overrides):
    fields = {
        "threat_count": 1,
        "occurred_on": TODAY - dt.timedelta(days=2),
        "today": TODAY,
        "category": "pursue",
        "tactic": ARREST,
        "grade": "moderate",
        "rationale": "Two core members remanded.",
        "quantities": {"arrests": "2"},
    }
    fields.update(overrides)
    return check_disruption(**fields)


# --------------------------------------------------------------------------- what a claim says


def test_a_complete_claim_has_no_problems_and_its_quantities_become_numbers():
    errors, numbers = check()
    assert errors == {}
    assert numbers == {"arrests": 2}


def test_a_disruption_with_no_threat_is_refused():
    errors, _ = check(threat_count=0)
    assert "Say which threat" in errors["threats"][0]


def test_a_disruption_dated_tomorrow_is_refused_naming_today():
    errors, _ = check(occurred_on=TODAY + dt.timedelta(days=1))
    assert errors["occurred_on"] == ["The date cannot be in the future (today is 1 May 2026)."]


def test_today_is_an_allowed_date():
    assert check(occurred_on=TODAY)[0] == {}


def test_a_missing_or_unreadable_date_is_refused():
    assert check(occurred_on=None)[0]["occurred_on"] == ["Give the date of the disruption."]
    assert "is not a date" in check(occurred_on="31/02/2026")[0]["occurred_on"][0]
    assert "before 1 January 2000" in check(occurred_on=dt.date(1999, 12, 31))[0]["occurred_on"][0]


def test_a_grade_without_rationale_is_refused():
    errors, _ = check(grade="major", rationale="   ")
    assert errors["rationale"] == ["Give the rationale for the impact grade: why it is graded so."]


def test_a_rationale_without_a_grade_asks_for_the_grade():
    errors, _ = check(grade="", rationale="It hurt them")
    assert errors["grade"] == ["Choose the impact grade the rationale explains."]


def test_a_draft_may_wait_for_its_grade_but_a_submitted_claim_may_not():
    assert check(grade="", rationale="")[0] == {}
    errors, _ = check(grade="", rationale="", require_grade=True)
    assert "before submitting it for validation" in errors["grade"][0]


def test_a_grade_off_the_national_scale_is_refused():
    errors, _ = check(grade="huge")
    assert "major, moderate, minor, none or negative" in errors["grade"][0]


@pytest.mark.parametrize("grade", ["major", "moderate", "minor", "none", "negative"])
def test_every_grade_of_the_national_scale_is_accepted(grade):
    assert check(grade=grade)[0] == {}


def test_a_tactic_not_matching_its_4p_category_is_refused_with_its_categories():
    errors, _ = check(category="protect")
    assert errors["tactic"] == ["Arrest is a Pursue tactic: it cannot be recorded under Protect."]
    errors, _ = check(category="prevent", tactic=PREMISES, quantities={})
    assert errors["tactic"] == [
        "Premises closure is a Pursue, Protect or Prepare tactic: it cannot be recorded under "
        "Prevent."
    ]


def test_an_unknown_category_and_a_missing_tactic_are_named():
    errors, _ = check(category="punish", tactic=None, quantities={})
    assert "Pursue, Prevent, Protect or Prepare" in errors["category"][0]
    assert errors["tactic"] == ["Choose the tactic used."]


def test_a_retired_tactic_is_refused():
    retired = TacticRule("old", "Old tactic", frozenset({"pursue"}), frozenset(), is_active=False)
    errors, _ = check(tactic=retired, quantities={})
    assert errors["tactic"] == ["Old tactic is no longer in use: choose another tactic."]


def test_a_quantity_that_does_not_apply_to_the_tactic_is_refused_saying_what_applies():
    errors, _ = check(quantities={"arrests": "1", "drugs_kg": "2.5"})
    assert errors["drugs_kg"] == [
        "Drugs seized does not apply to Arrest (it records arrests): record it as a "
        "disruption of its own."
    ]


def test_an_unknown_quantity_is_refused():
    errors, _ = check(quantities={"goats": "3"})
    assert errors["goats"] == ["socmap records no quantity called 'goats'."]


def test_long_texts_and_too_much_evidence_are_refused():
    errors, _ = check(
        narrative="x" * (rules.MAX_NARRATIVE + 1),
        operation_name="O" * (rules.MAX_OPERATION_NAME + 1),
        rationale="r" * (rules.MAX_RATIONALE + 1),
        evidence=[f"CR/{n}" for n in range(rules.MAX_EVIDENCE_ITEMS + 1)],
    )
    assert set(errors) == {"narrative", "operation_name", "rationale", "evidence"}


def test_every_problem_is_reported_at_once():
    errors, _ = check(
        threat_count=0,
        occurred_on=TODAY + dt.timedelta(days=5),
        category="protect",
        grade="major",
        rationale="",
    )
    assert set(errors) == {"threats", "occurred_on", "tactic", "rationale"}


# --------------------------------------------------------------------------- quantities


def test_quantities_are_read_as_people_write_them():
    cash = QUANTITY_BY_CODE["cash"]
    assert parse_quantity(cash, "£12,500.50") == (Decimal("12500.50"), "")
    assert parse_quantity(cash, " ") == (None, "")
    assert parse_quantity(cash, None) == (None, "")
    assert parse_quantity(QUANTITY_BY_CODE["arrests"], 3) == (3, "")
    assert parse_quantity(QUANTITY_BY_CODE["arrests"], "3.0") == (3, "")


@pytest.mark.parametrize(
    ("code", "raw", "problem"),
    [
        ("arrests", "two", "'two' is not a number."),
        ("arrests", "-1", "Cannot be negative."),
        ("arrests", "1.5", "Must be a whole number."),
        ("drugs_kg", "1.2345", "Give at most 3 decimal places."),
        ("custodial_years", "4.25", "Give at most 1 decimal places."),
        ("lines_closed", "1001", "1,001 is more than socmap accepts (1,000)."),
        ("cash", "NaN", "'NaN' is not a number."),
        ("cash", "Infinity", "'Infinity' is not a number."),
    ],
)
def test_impossible_quantities_are_refused_with_the_reason(code, raw, problem):
    assert parse_quantity(QUANTITY_BY_CODE[code], raw) == (None, problem)


@given(st.sampled_from(QUANTITIES), st.integers(min_value=0, max_value=10_000))
def test_any_whole_number_within_the_limit_is_accepted_as_itself(quantity, number):
    assume(number <= quantity.maximum)
    value, problem = parse_quantity(quantity, str(number))
    assert problem == ""
    assert value == number


@given(st.sampled_from(QUANTITIES), st.decimals(allow_nan=True, allow_infinity=True, places=4))
def test_a_quantity_is_either_refused_with_a_reason_or_a_number_in_range(quantity, raw):
    value, problem = parse_quantity(quantity, str(raw))
    if problem:
        assert value is None
        return
    assert 0 <= value <= quantity.maximum
    if quantity.whole:
        assert isinstance(value, int)
    else:
        assert value == Decimal(str(raw))
        assert -value.as_tuple().exponent == quantity.places


@given(st.integers(min_value=1, max_value=10**9))
def test_a_negative_amount_is_never_accepted(number):
    for quantity in QUANTITIES:
        assert parse_quantity(quantity, f"-{number}") == (None, "Cannot be negative.")


# --------------------------------------------------------------------------- dates


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_only_dates_up_to_today_are_accepted(day):
    errors, _ = check(occurred_on=day)
    assert ("occurred_on" in errors) == (day > TODAY)


@given(st.dates(min_value=dt.date(2003, 1, 1), max_value=dt.date(2100, 12, 31)), st.integers(1, 3))
def test_a_counting_period_is_whole_years_ending_on_its_last_day(end, years):
    start, last = counting_period(end, years)
    assert last == end
    assert start <= end
    # it starts the day after the same date `years` earlier (28 February for a 29th)
    assert start - dt.timedelta(days=1) == rules.years_before(end, years)
    assert 365 * years - 1 <= (end - start).days <= 366 * years


def test_two_years_to_31_march_2026_start_on_1_april_2024():
    assert counting_period(dt.date(2026, 3, 31)) == (dt.date(2024, 4, 1), dt.date(2026, 3, 31))
    assert counting_period(dt.date(2028, 2, 29), 1) == (dt.date(2027, 3, 1), dt.date(2028, 2, 29))
    with pytest.raises(ValueError):
        counting_period(TODAY, 0)


@given(st.dates(), st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=90))
def test_a_claim_is_overdue_only_after_the_validation_period(submitted, waited, days):
    try:
        today = submitted + dt.timedelta(days=waited)
    except OverflowError:
        return
    assert rules.validation_overdue(submitted, today, days) == (waited > days)
    assert rules.validation_overdue(None, today, days) is False


@given(st.dates(), st.dates())
def test_a_threat_assessed_after_the_disruption_needs_no_new_request(assessed, occurred):
    assert rules.assessed_since(assessed, occurred) == (assessed > occurred)
    assert rules.assessed_since(None, occurred) is False


def test_only_validated_major_and_moderate_grades_flag_a_reassessment():
    assert {g for g in rules.ImpactGrade.values if rules.flags_reassessment(g)} == {
        "major",
        "moderate",
    }


# --------------------------------------------------------------------------- independence

CLAIMANT = Person(1, "Amira Khan", team_id=10, team_name="SOC Intelligence Unit")


def test_the_claimant_may_not_validate_their_own_claim():
    problem = independence_problem(
        validator=CLAIMANT, claimants=[CLAIMANT], separate_team=False, organisation_name="W"
    )
    assert problem == "You made or changed this claim, so someone else must validate it."


def test_a_colleague_from_the_claimants_team_may_not_validate_where_the_force_says_so():
    colleague = Person(2, "Gareth Pryce", team_id=10, team_name="SOC Intelligence Unit")
    problem = independence_problem(
        validator=colleague,
        claimants=[CLAIMANT],
        separate_team=True,
        organisation_name="Wiltshire",
    )
    assert problem == (
        "Wiltshire requires disruptions to be validated by a separate team: you and Amira Khan "
        "are both in the SOC Intelligence Unit."
    )
    # ...and may where the organisation does not require a separate team
    assert not independence_problem(
        validator=colleague, claimants=[CLAIMANT], separate_team=False, organisation_name="W"
    )


def test_a_validator_from_another_team_or_with_none_may_validate():
    other = Person(3, "Gareth Pryce", team_id=11, team_name="Disruption Validation Team")
    teamless = Person(4, "Sam Lee")
    for validator in (other, teamless):
        assert not independence_problem(
            validator=validator, claimants=[CLAIMANT], separate_team=True, organisation_name="W"
        )


def test_everyone_who_changed_the_claim_counts_as_a_claimant():
    editor = Person(5, "Lee Hart", team_id=12, team_name="Serious Organised Crime Team")
    validator = Person(6, "Jo Bell", team_id=12, team_name="Serious Organised Crime Team")
    problem = independence_problem(
        validator=validator,
        claimants=[CLAIMANT, editor],
        separate_team=True,
        organisation_name="Wiltshire",
    )
    assert "you and Lee Hart" in problem


# --------------------------------------------------------------------------- evidence


def test_evidence_references_are_split_trimmed_and_deduplicated():
    assert rules.clean_evidence("CR/1; CR/2\n\nCR/1\r\n https://x.example/a ") == [
        "CR/1",
        "CR/2",
        "https://x.example/a",
    ]
    assert rules.is_web_link("https://x.example/a")
    assert not rules.is_web_link("javascript:alert(1)")
