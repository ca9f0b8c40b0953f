"""The pure rules of intelligence handling: gradings on their own scales (and a clear message
when 3x5x2 and 5x5x5 are mixed up), classification and clearance, sanitisation and the process
measures' rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socmap.intel import rules
from socmap.intel.rules import Classification, Grading, GradingSystem


def problems(**overrides):
    values = {
        "system": "3x5x2",
        "source": "1",
        "intelligence": "A",
        "handling": "P",
        "conditions": "",
        "reported_on": dt.date(2025, 6, 1),
    }
    values.update(overrides)
    return rules.grading_problems(**values)


@pytest.mark.parametrize(
    "system, source, intelligence, handling",
    [("3x5x2", s, i, "P") for s in rules.SOURCE_3X5X2 for i in rules.INTELLIGENCE_3X5X2]
    + [("5x5x5", s, i, h) for s in "ABCDE" for i in "12345" for h in "1245"],
)
def test_every_grading_on_its_own_scale_is_accepted(system, source, intelligence, handling):
    reported = dt.date(2012, 1, 1) if system == "5x5x5" else dt.date(2025, 1, 1)
    assert (
        problems(
            system=system,
            source=source,
            intelligence=intelligence,
            handling=handling,
            reported_on=reported,
        )
        == {}
    )


def test_a_5x5x5_source_in_a_3x5x2_grading_says_which_scale_it_belongs_to():
    found = problems(source="B")
    assert found["source_evaluation"] == [
        "'B' is a 5x5x5 source evaluation; a 3x5x2 grading uses 1 (reliable), 2 (untested), "
        "3 (not reliable)."
    ]


def test_a_3x5x2_assessment_in_a_5x5x5_grading_says_so():
    found = problems(
        system="5x5x5", source="A", intelligence="B", handling="1", reported_on=dt.date(2010, 1, 1)
    )
    assert "'B' is a 3x5x2 intelligence assessment" in found["intelligence_assessment"][0]


def test_a_5x5x5_handling_code_in_a_3x5x2_grading_says_so():
    assert "'3' is a 5x5x5 handling code" in problems(handling="3")["handling_code"][0]


def test_a_value_on_neither_scale_is_refused():
    assert "'Z' is not a 3x5x2 source evaluation" in problems(source="Z")["source_evaluation"][0]


def test_handling_code_c_needs_written_conditions():
    assert "write them" in problems(handling="C")["handling_conditions"][0]
    assert problems(handling="C", conditions="Police use only") == {}
    assert (
        "Conditions go with handling code C" in problems(conditions="x")["handling_conditions"][0]
    )


def test_5x5x5_is_for_historic_records_only():
    cutover = dt.date(2020, 1, 1)
    found = problems(
        system="5x5x5",
        source="A",
        intelligence="1",
        handling="1",
        reported_on=cutover,
        legacy_until=cutover,
    )
    assert "5x5x5 is for historic records" in found["grading_system"][0]
    assert (
        problems(
            system="5x5x5",
            source="A",
            intelligence="1",
            handling="1",
            reported_on=cutover - dt.timedelta(days=1),
            legacy_until=cutover,
        )
        == {}
    )


def test_a_grading_is_read_without_regard_to_case_or_spaces():
    assert problems(source=" 2 ", intelligence="b", handling="p") == {}
    assert rules.clean_grading("3x5x2", " 2", "b", "c ", " x ").code == "2BC"


def test_an_unknown_grading_system_is_refused():
    assert "Choose the grading system" in problems(system="4x4x4")["grading_system"][0]


def test_gradings_describe_themselves():
    text = Grading("3x5x2", "1", "A", "P").describe()
    assert text == (
        "3x5x2 1AP: source reliable; intelligence known directly to the source; "
        "lawful sharing permitted"
    )


# --------------------------------------------------------------------------- classification


@given(st.sampled_from(Classification.values), st.sampled_from(Classification.values))
def test_clearance_covers_its_level_and_below(cleared, classification):
    assert rules.covers(cleared, classification) == (
        Classification.values.index(cleared) >= Classification.values.index(classification)
    )
    assert not rules.covers(None, classification)


# --------------------------------------------------------------------------- sanitisation


def test_marked_passages_and_listed_phrases_are_protected():
    text = "Seen at [[the Red Lion car wash]] by [[  a   cousin ]]."
    assert rules.marked_passages(text) == ["the Red Lion car wash", "a cousin"]
    assert rules.protected_phrases(text, ["night shift", "A cousin"]) == [
        "the Red Lion car wash",
        "a cousin",
        "night shift",
    ]


def test_the_draft_removes_what_is_marked():
    draft = rules.draft_sanitised("Seen at [[the car wash]] on the Night  shift.", ["night shift"])
    assert draft == f"Seen at {rules.REMOVED} on the {rules.REMOVED}."


def test_a_copy_that_still_identifies_the_source_is_refused():
    found = rules.sanitisation_problems(
        copy_text="Seen at the RED LION  car wash.",
        phrases=["the Red Lion car wash"],
        original_classification="official_sensitive",
        classification="official_sensitive",
    )
    assert (
        "still contains text marked as source-identifying: 'the Red Lion car wash'"
        in (found["text"][0])
    )


def test_four_words_in_a_row_of_a_marked_passage_are_enough_to_refuse_a_copy():
    phrase = "The source works the night shift at the Red Lion car wash"
    assert rules.leaked_phrases("Someone at the Red Lion car wash saw it.", [phrase]) == [
        "…at the red lion…"
    ]
    assert rules.leaked_phrases("Someone at a car wash saw it.", [phrase]) == []


def test_a_copy_with_markings_left_in_is_refused():
    found = rules.sanitisation_problems(
        copy_text="Seen at [[somewhere]].",
        phrases=[],
        original_classification="official",
        classification="official",
    )
    assert "[[ ]] source markings" in found["text"][0]


def test_a_copy_cannot_be_classified_above_its_original():
    found = rules.sanitisation_problems(
        copy_text="Clean.",
        phrases=[],
        original_classification="official",
        classification="secret",
    )
    assert found["classification"] == ["A sanitised copy cannot be classified above its original."]


@given(
    st.text(alphabet="abcdefghij [", min_size=0, max_size=60),
    st.text(alphabet="klmnop", min_size=3, max_size=12),
)
def test_the_draft_never_keeps_a_marked_passage(before, secret):
    text = f"{before} [[{secret}]] end"
    assert not rules.leaked_phrases(rules.draft_sanitised(text), [secret])


def test_partner_sharing_follows_the_handling_code():
    assert rules.may_share_with_partner(Grading("3x5x2", "1", "A", "C", "x")) == (True, "")
    assert rules.may_share_with_partner(Grading("5x5x5", "A", "1", "2"))[0]
    allowed, why = rules.may_share_with_partner(Grading("5x5x5", "A", "1", "4"))
    assert not allowed and "within the originating agency only" in why


# --------------------------------------------------------------------------- measures


def test_the_wiltshire_figures_give_their_rates():
    assert rules.rate(12, 999) == Decimal("1.2")
    assert rules.share(204, 1320) == Decimal("15.5")


def test_there_is_no_rate_without_a_denominator():
    assert rules.rate(0, 0) is None
    assert rules.share(5, 0) is None


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_a_share_is_between_nought_and_a_hundred_when_the_part_is_within_the_whole(a, b):
    part, whole = sorted((a, b)) if a <= b else (b, a)
    assert Decimal(0) <= rules.share(part, max(whole, 1)) <= Decimal(100)


def test_the_year_ending_a_day():
    assert rules.year_ending(dt.date(2015, 6, 30)) == (dt.date(2014, 7, 1), dt.date(2015, 6, 30))
    assert rules.year_ending(dt.date(2024, 2, 29)) == (dt.date(2023, 3, 1), dt.date(2024, 2, 29))


def test_the_grading_systems():
    assert GradingSystem.values == ["3x5x2", "5x5x5"]
