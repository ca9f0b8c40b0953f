"""Record linkage (splink, DuckDB) on a small generated set with known duplicates, trained
once for the module; the slow 100,000 and 1,000,000 record runs are in bench/."""

import collections
import datetime as dt
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.people.linkage import (
    BLOCKING_RULES,
    LinkageRecord,
    estimate_prior,
    find_candidate_pairs,
    nicknames,
    normalise_name,
)
from socmap.people.synthetic import generate_people, precision_recall, transpose_date, typo

NAMED_MISTAKES = ("typo", "swapped_names", "transposed_date", "alias")


def records(people):
    return [
        LinkageRecord(
            p.key, p.surname, p.forenames, p.date_of_birth, p.gender, p.pnc_id, p.aliases, p.owner
        )
        for p in people
    ]


@pytest.fixture(scope="module")
def linked():
    """600 generated records (100 copies with known mistakes), linked once at 0.5."""
    people, truth = generate_people(600, seed=11)
    return people, truth, find_candidate_pairs(records(people), threshold=0.5)


def found_at(result, threshold):
    return {(p.left_id, p.right_id) for p in result.pairs if p.match_probability >= threshold}


def test_the_generator_makes_the_mistakes_it_says():
    rng = random.Random(1)
    assert transpose_date(dt.date(1990, 3, 4), rng) == dt.date(1990, 4, 3)
    assert transpose_date(dt.date(1990, 3, 21), rng) == dt.date(1990, 3, 12)
    assert typo("Jennings", rng) != "Jennings"
    people, truth = generate_people(120, seed=3)
    assert len(people) == 120 and len(truth) == 20
    assert all(people[a].person == people[b].person for a, b in truth)
    assert generate_people(120, seed=3) == (people, truth)


def test_names_are_compared_without_case_accents_or_punctuation():
    assert normalise_name("  O'Néil-Smith ") == "oneil smith"


def test_nicknames_stand_for_their_formal_names():
    table = nicknames()
    assert table["billy"] == "william" and table["liz"] == "elizabeth"
    assert table["william"] == "william"


def test_linkage_trained_on_the_records_finds_most_duplicates_and_few_false_ones(linked):
    # Given 600 generated records, a sixth of them copies with typing errors, swapped names,
    # transposed dates, aliases, nicknames and missing dates
    people, truth, result = linked
    # when linked, then at 0.9 nearly every pair found is true and most true pairs are found
    found = found_at(result, 0.9)
    precision, recall = precision_recall(found, truth)
    assert result.trained and result.comparisons > len(truth)
    assert precision >= 0.97
    assert recall >= 0.75
    # and each named kind of mistake is found at least three times in four when both dates
    # of birth are recorded (a missing date leaves only a name, too common to be sure of)
    dated = [
        (a, b)
        for a, b in truth
        if people[a].date_of_birth and "missing_date" not in people[b].mistakes
    ]
    kinds, hits = collections.Counter(), collections.Counter()
    for a, b in dated:
        for mistake in people[b].mistakes:
            kinds[mistake] += 1
            hits[mistake] += (a, b) in found
    for mistake in NAMED_MISTAKES:
        assert hits[mistake] / kinds[mistake] >= 0.7, mistake


def test_pairs_come_strongest_first_with_the_levels_they_fell_in(linked):
    _, _, result = linked
    assert all(p.match_probability >= 0.5 for p in result.pairs)
    weights = [p.match_weight for p in result.pairs]
    assert weights == sorted(weights, reverse=True)
    levels = {level.split(" (")[0] for p in result.pairs for level in p.levels.values()}
    assert {"Forenames and surname swapped", "The name of one is an alias of the other"} <= levels
    assert "Day and month swapped" in levels
    assert {row["comparison"] for row in result.parameters} == {
        "names",
        "date_of_birth",
        "gender",
        "pnc_id",
    }


def test_the_model_learns_sensible_m_and_u_values(linked):
    _, truth, result = linked
    m = {(row["comparison"], row["level"]): row["m"] for row in result.parameters}
    weight = {(row["comparison"], row["level"]): row["weight"] for row in result.parameters}
    # agreeing is evidence for, disagreeing evidence against
    assert weight[("date_of_birth", "The same")] > 8 > 0 > weight[("date_of_birth", "Different")]
    assert weight[("names", "Forenames and surname the same")] > 8
    assert weight[("names", "Different")] < 0
    # the same person rarely has two different dates of birth
    assert m[("date_of_birth", "Different")] < 0.05
    # the prior is the share of true pairs among all pairs, give or take a half
    true_prior = len(truth) / (600 * 599 / 2)
    assert true_prior / 2 < result.prior < true_prior * 2
    assert set(result.blocked_by_rule) == set(BLOCKING_RULES)
    assert sum(result.blocked_by_rule.values()) == result.comparisons


def test_each_named_mistake_passes_a_blocking_rule_and_the_starting_model():
    # Given a few people and, for each kind of mistake, a second record of one of them
    base = [
        LinkageRecord(1, "Thornton", "Gareth", dt.date(1980, 3, 14), "male"),
        LinkageRecord(2, "Okafor", "Grace", dt.date(1991, 7, 2), "female"),
        LinkageRecord(3, "Pennington", "William", dt.date(1975, 11, 23), "male"),
        LinkageRecord(4, "Blackwood", "Sian", dt.date(1988, 5, 9), "female"),
        LinkageRecord(5, "Featherstone", "Ivor", dt.date(1969, 1, 30), "male"),
    ]
    copies = [
        LinkageRecord(11, "Thorntn", "Gareth", dt.date(1980, 3, 14), "male"),  # typo
        LinkageRecord(12, "Grace", "Okafor", dt.date(1991, 7, 2), "female"),  # swapped
        LinkageRecord(13, "Pennington", "William", dt.date(1957, 11, 23), "male"),  # 75 -> 57
        LinkageRecord(14, "Blackwood", "Sian", dt.date(1988, 9, 5), "female"),  # day/month
        LinkageRecord(
            15, "Hale", "Ivor", dt.date(1969, 1, 30), "male", aliases=("Ivor Featherstone",)
        ),
        LinkageRecord(16, "Pennington", "Billy", dt.date(1975, 11, 23), "male"),  # nickname
    ]
    # when linked with too few records to train, then every copy pairs with its original
    result = find_candidate_pairs(base + copies, threshold=0.5)
    assert not result.trained
    found = {(p.left_id, p.right_id) for p in result.pairs}
    assert {(1, 11), (2, 12), (3, 13), (4, 14), (5, 15), (3, 16)} <= found
    assert found <= {(1, 11), (2, 12), (3, 13), (4, 14), (5, 15), (3, 16), (13, 16)}


def test_too_few_records_keep_the_starting_model_and_say_so():
    people = [
        LinkageRecord(1, "Smith", "John", dt.date(1990, 3, 4), "male"),
        LinkageRecord(2, "Smith", "John", dt.date(1990, 3, 4), "male"),
        LinkageRecord(3, "Jones", "Mary", dt.date(1970, 1, 1), "female"),
    ]
    result = find_candidate_pairs(people, threshold=0.5)
    assert not result.trained
    assert any("starting m and u probabilities were kept" in note for note in result.notes)
    assert [(p.left_id, p.right_id) for p in result.pairs] == [(1, 2)]
    assert find_candidate_pairs(people[:1]).pairs == []


def test_two_people_who_may_be_one_are_compared_without_an_infinite_prior():
    # A partner agency that sees two people: one pair in all, so a prior of "one pair in one"
    # would be certainty (infinite log-odds) and break the scoring.
    people = [
        LinkageRecord(1, "Smith", "John", dt.date(1990, 3, 4), "male"),
        LinkageRecord(2, "Smith", "Jon", dt.date(1990, 3, 4), "male"),
    ]
    result = find_candidate_pairs(people, threshold=0.5)
    assert 0 < result.prior <= 0.5
    assert [(p.left_id, p.right_id) for p in result.pairs] == [(1, 2)]


@settings(max_examples=40, deadline=None)
@given(
    true_pairs=st.integers(1, 200),
    others=st.integers(0, 2000),
    total=st.integers(10**6, 10**10),
    start=st.floats(1e-9, 0.1),
)
def test_the_prior_settles_on_the_share_of_true_pairs(true_pairs, others, total, start):
    # Given scored pairs that are surely the same person (their evidence, 60 bits, dwarfs any
    # prior here, at most 34 bits against) or surely not
    weights = [60.0] * true_pairs + [-60.0] * others
    # then the prior is their number over all pairs, wherever it starts
    prior = estimate_prior(weights, total, start)
    assert math.isclose(prior, true_pairs / total, rel_tol=1e-3)
