"""Record linkage (splink, DuckDB) on a small generated set with known duplicates; the
slow 100,000 and 1,000,000 record runs are in bench/."""

import datetime as dt

from socmap.people.linkage import LinkageRecord, find_candidate_pairs, normalise_name
from socmap.people.synthetic import generate_people, precision_recall, transpose_date, typo


def records(people):
    return [
        LinkageRecord(
            p.key, p.surname, p.forenames, p.date_of_birth, p.gender, p.pnc_id, p.aliases, p.owner
        )
        for p in people
    ]


def test_the_generator_makes_the_mistakes_it_says():
    import random

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


def test_linkage_trained_on_the_records_finds_most_duplicates_and_few_false_ones():
    people, truth = generate_people(600, seed=11)
    result = find_candidate_pairs(records(people), threshold=0.9)
    found = {(p.left_id, p.right_id) for p in result.pairs}
    precision, recall = precision_recall(found, truth)
    assert result.trained and result.comparisons > 0
    assert precision >= 0.95
    assert recall >= 0.6
    assert all(p.match_probability >= 0.9 for p in result.pairs)
    weights = [p.match_weight for p in result.pairs]
    assert weights == sorted(weights, reverse=True)
    levels = {level for p in result.pairs for level in p.levels.values()}
    assert any("swapped" in level or "reversed" in level for level in levels)
    assert {row["comparison"] for row in result.parameters} >= {
        "date_of_birth",
        "aliases",
        "gender",
        "pnc_id",
    }


def test_too_few_records_keep_the_starting_model_and_say_so():
    people = [
        LinkageRecord(1, "Smith", "John", dt.date(1990, 3, 4), "male"),
        LinkageRecord(2, "Smith", "John", dt.date(1990, 3, 4), "male"),
        LinkageRecord(3, "Jones", "Mary", dt.date(1970, 1, 1), "female"),
    ]
    result = find_candidate_pairs(people, threshold=0.5)
    assert not result.trained
    assert any("starting m probabilities were kept" in note for note in result.notes)
    assert [(p.left_id, p.right_id) for p in result.pairs] == [(1, 2)]
    assert find_candidate_pairs(people[:1]).pairs == []
