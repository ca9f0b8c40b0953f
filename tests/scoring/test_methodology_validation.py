"""A methodology file with a problem is refused with a message naming each problem; answers
that do not fit the methodology are refused naming the attribute."""

from __future__ import annotations

import copy

import pytest

from socmap.scoring.methodology import (
    AnswerError,
    MethodologyError,
    parse_methodology,
    score,
    shipped_methodologies,
)

VALID = {
    "name": "small",
    "version": 1,
    "applies_to": ["ocg"],
    "total": "weighted_sum",
    "scale": 100,
    "attributes": [
        {
            "key": "violence",
            "weight": 2,
            "answers": [{"key": "none", "points": 0}, {"key": "serious", "points": 3}],
        },
        {
            "key": "reach",
            "weight": 1,
            "answers": [{"key": "local", "points": 0}, {"key": "national", "points": 2}],
        },
    ],
    "bands": [
        {"code": "A", "from": 50, "to": 100},
        {"code": "B", "from": 0, "to": 50},
    ],
}


def refused(document) -> list[str]:
    with pytest.raises(MethodologyError) as caught:
        parse_methodology(document)
    return caught.value.problems


def changed(**edits):
    document = copy.deepcopy(VALID)
    document.update(edits)
    return document


def test_the_valid_document_is_accepted():
    methodology = parse_methodology(copy.deepcopy(VALID))
    assert methodology.label == "small@1"
    assert [b.code for b in methodology.bands] == ["A", "B"]


def test_a_missing_weight_is_named():
    document = changed()
    del document["attributes"][1]["weight"]
    assert "attribute 'reach' has no weight" in refused(document)


def test_a_negative_weight_is_named():
    document = changed()
    document["attributes"][0]["weight"] = -1
    assert "attribute 'violence' has a negative weight" in refused(document)


def test_overlapping_bands_are_named():
    document = changed(
        bands=[{"code": "A", "from": 40, "to": 100}, {"code": "B", "from": 0, "to": 50}]
    )
    assert any("bands B (0-50) and A (40-100) overlap" in p for p in refused(document))


def test_a_gap_between_bands_is_named():
    document = changed(
        bands=[{"code": "A", "from": 60, "to": 100}, {"code": "B", "from": 0, "to": 50}]
    )
    assert "no band covers scores from 50 to 60 (between B and A)" in refused(document)


def test_bands_must_start_at_zero():
    document = changed(
        bands=[{"code": "A", "from": 50, "to": 100}, {"code": "B", "from": 5, "to": 50}]
    )
    assert "no band covers scores from 0 to 5" in refused(document)


def test_bands_must_reach_the_top_of_the_scale():
    document = changed(
        bands=[{"code": "A", "from": 50, "to": 90}, {"code": "B", "from": 0, "to": 50}]
    )
    assert "no band covers scores from 90 to 100" in refused(document)


def test_a_duplicate_attribute_is_named():
    document = changed()
    document["attributes"].append(copy.deepcopy(document["attributes"][0]))
    assert "attribute 'violence' is listed twice" in refused(document)


def test_an_attribute_needs_two_answers():
    document = changed()
    document["attributes"][1]["answers"] = [{"key": "local", "points": 1}]
    assert "attribute 'reach' needs at least two allowed answers" in refused(document)


def test_an_unknown_total_method_is_named():
    problems = refused(changed(total="average"))
    assert "total must be one of weighted_sum, product, not 'average'" in problems


def test_a_product_needs_two_components():
    document = changed(total="product")
    for attribute in document["attributes"]:
        attribute["component"] = "harm"
    assert "a product methodology needs attributes in at least two components" in refused(document)


def test_every_problem_is_named_at_once():
    document = changed(total="average")
    del document["attributes"][0]["weight"]
    document["attributes"][1]["weight"] = -2
    document["bands"][0]["from"] = 40
    problems = refused(document)
    assert len(problems) >= 4
    message = str(MethodologyError("small", problems))
    assert "attribute 'violence' has no weight" in message
    assert "attribute 'reach' has a negative weight" in message
    assert "overlap" in message


def test_an_unknown_answer_is_refused_naming_the_attribute():
    methodology = parse_methodology(copy.deepcopy(VALID))
    with pytest.raises(AnswerError) as caught:
        score(methodology, {"violence": "extreme", "reach": "local"})
    assert set(caught.value.problems) == {"violence"}
    assert "'extreme' is not an allowed answer for violence" in str(caught.value)


def test_an_unknown_attribute_and_a_missing_answer_are_named():
    matrix = {m.name: m for m in shipped_methodologies()}["group-matrix"]
    with pytest.raises(AnswerError) as caught:
        score(matrix, {"criminality": "major", "tattoos": "many"})
    assert "tattoos" in caught.value.problems
    assert caught.value.problems["weapons"] == "Access to and use of weapons needs an answer"


def test_a_methodology_for_an_unknown_threat_kind_is_refused():
    assert refused(changed(applies_to=["ocg", "gang"])) == [
        "applies_to names unknown threat kinds gang (use ocg, priority_individual, vulnerability)"
    ]


def test_the_threat_kinds_a_methodology_may_score_are_socmaps_threat_kinds():
    from socmap.scoring.methodology import THREAT_KINDS
    from socmap.threats.models import ThreatKind

    assert set(THREAT_KINDS) == set(ThreatKind.values)


def test_bands_reaching_outside_zero_to_the_top_score_are_refused():
    problems = refused(
        changed(bands=[{"code": "A", "from": 50, "to": 120}, {"code": "B", "from": -10, "to": 50}])
    )
    assert problems == [
        "band B starts below 0 (-10)",
        "band A ends above the top score (120 > 100)",
    ]
