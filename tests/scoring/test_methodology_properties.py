"""Property tests of the pure scoring rules: the same facts always give the same score, more
serious answers never lower it, and band thresholds are exact at their boundaries. They run
on both shipped methodologies and on random valid methodology documents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.scoring.methodology import (
    Methodology,
    band_for,
    parse_methodology,
    score,
    shipped_methodologies,
)

SHIPPED = {m.name: m for m in shipped_methodologies()}
SHIPPED_NAMES = sorted(SHIPPED)


def test_both_methodologies_ship():
    assert SHIPPED_NAMES == ["group-matrix", "morile"]
    assert SHIPPED["group-matrix"].total == "weighted_sum"
    assert SHIPPED["morile"].total == "product"


def answers_for(methodology: Methodology):
    return st.fixed_dictionaries(
        {a.key: st.sampled_from([x.key for x in a.answers]) for a in methodology.attributes}
    )


def rank(methodology: Methodology, band: str) -> int:
    """0 for the highest band."""
    return [b.code for b in methodology.bands].index(band)


@st.composite
def methodology_and_answers(draw, methodology=None):
    methodology = methodology if methodology is not None else draw(valid_methodologies())
    return methodology, draw(answers_for(methodology))


@st.composite
def methodology_answers_and_raise(draw, methodology=None):
    """Answers, one attribute, and a pair of its answers where the second has at least as
    many points as the first."""
    methodology, answers = draw(methodology_and_answers(methodology))
    attribute = draw(st.sampled_from(methodology.attributes))
    ordered = sorted(attribute.answers, key=lambda a: a.points)
    low = draw(st.integers(0, len(ordered) - 1))
    high = draw(st.integers(low, len(ordered) - 1))
    return methodology, answers, attribute.key, ordered[low].key, ordered[high].key


# --------------------------------------------------------------------------- random documents


@st.composite
def valid_documents(draw) -> dict:
    """A random methodology document that should be accepted: random weights and points,
    contiguous bands covering 0..scale."""
    total = draw(st.sampled_from(["weighted_sum", "product"]))
    scale = draw(st.sampled_from([10, 50, 100, 1000]))
    components = (
        ["total"]
        if total == "weighted_sum"
        else ["harm", "likelihood", "reach"][: draw(st.integers(2, 3))]
    )
    attributes = []
    for component in components:
        for index in range(draw(st.integers(1, 4))):
            n_answers = draw(st.integers(2, 5))
            points = draw(
                st.lists(st.integers(0, 10), min_size=n_answers, max_size=n_answers).filter(
                    lambda p: max(p) > 0
                )
            )
            # the first attribute of each component always carries weight
            weight = draw(st.integers(1, 10) if index == 0 else st.integers(0, 10))
            attributes.append(
                {
                    "key": f"{component}_{index}",
                    "label": f"{component} {index}",
                    "component": component,
                    "weight": weight,
                    "objective": draw(st.booleans()),
                    "answers": [
                        {"key": f"a{n}", "label": f"Answer {n}", "points": p}
                        for n, p in enumerate(points)
                    ],
                }
            )
    if draw(st.booleans()):
        attributes.append(
            {
                "key": "confidence",
                "scored": False,
                "objective": False,
                "answers": [{"key": "low", "points": 0}, {"key": "high", "points": 1}],
            }
        )
    cuts = sorted(draw(st.sets(st.integers(1, scale - 1), max_size=6)))
    edges = [0, *cuts, scale]
    bands = [
        {"code": f"B{n}", "from": low, "to": high}
        for n, (low, high) in enumerate(zip(edges, edges[1:], strict=False))
    ]
    draw(st.randoms()).shuffle(bands)  # the order in the file does not matter
    return {
        "name": "random",
        "version": 1,
        "applies_to": ["ocg"],
        "total": total,
        "scale": scale,
        "attributes": attributes,
        "bands": bands,
    }


def valid_methodologies():
    return valid_documents().map(parse_methodology)


# --------------------------------------------------------------------------- properties


def check_deterministic(methodology, answers):
    first, second = score(methodology, dict(answers)), score(methodology, dict(answers))
    assert (first.score, first.band) == (second.score, second.band)
    assert first.contributions == second.contributions


def check_monotonic(methodology, answers, key, lower, higher):
    before = score(methodology, {**answers, key: lower})
    after = score(methodology, {**answers, key: higher})
    assert after.score >= before.score
    assert rank(methodology, after.band) <= rank(methodology, before.band)


def check_in_range(methodology, answers):
    result = score(methodology, answers)
    assert Decimal(0) <= result.score <= methodology.scale
    assert result.band == band_for(methodology, result.score)


def check_thresholds(methodology):
    bands = methodology.bands  # highest first
    for position, band in enumerate(bands):
        assert band_for(methodology, band.lower) == band.code
        if position + 1 < len(bands):
            below = bands[position + 1].code
            assert band_for(methodology, band.lower - Decimal("0.1")) == below
            assert band_for(methodology, band.lower - Decimal("0.0001")) == below
    assert band_for(methodology, methodology.scale) == bands[0].code
    assert band_for(methodology, Decimal(0)) == bands[-1].code


@pytest.mark.parametrize("name", SHIPPED_NAMES)
@given(data=st.data())
def test_the_same_answers_always_give_the_same_score_and_band(name, data):
    methodology = SHIPPED[name]
    check_deterministic(methodology, data.draw(answers_for(methodology)))


@pytest.mark.parametrize("name", SHIPPED_NAMES)
@given(data=st.data())
@settings(max_examples=300)
def test_a_more_serious_answer_never_lowers_the_score_or_the_band(name, data):
    check_monotonic(*data.draw(methodology_answers_and_raise(SHIPPED[name])))


@pytest.mark.parametrize("name", SHIPPED_NAMES)
@given(data=st.data())
def test_scores_stay_between_zero_and_the_scale(name, data):
    methodology = SHIPPED[name]
    check_in_range(methodology, data.draw(answers_for(methodology)))


@pytest.mark.parametrize("name", SHIPPED_NAMES)
def test_band_thresholds_are_exact_at_their_boundaries(name):
    check_thresholds(SHIPPED[name])


def test_group_matrix_boundaries_by_hand():
    matrix = SHIPPED["group-matrix"]
    assert band_for(matrix, Decimal("80")) == "1A"
    assert band_for(matrix, Decimal("79.9")) == "1B"
    assert band_for(matrix, Decimal("100")) == "1A"
    assert band_for(matrix, Decimal("15")) == "3B"
    assert band_for(matrix, Decimal("14.9")) == "3C"
    assert band_for(matrix, Decimal("0")) == "3C"


@given(data=st.data())
def test_weighted_sum_contributions_add_up_to_the_score(data):
    matrix = SHIPPED["group-matrix"]
    result = score(matrix, data.draw(answers_for(matrix)))
    total = sum(c.contribution for c in result.contributions)
    # each contribution is rounded to 0.1, so the sum may drift by half a step per attribute
    assert abs(total - result.score) <= Decimal("0.05") * (len(result.contributions) + 1)


def test_the_top_and_bottom_answers_give_the_extremes():
    matrix = SHIPPED["group-matrix"]
    top = {a.key: max(a.answers, key=lambda x: x.points).key for a in matrix.attributes}
    assert score(matrix, top).score == Decimal(100)
    assert score(matrix, top).band == "1A"
    morile = SHIPPED["morile"]
    bottom = {a.key: min(a.answers, key=lambda x: x.points).key for a in morile.attributes}
    assert score(morile, bottom).band == "L"


def test_unscored_answers_are_recorded_but_do_not_move_the_score():
    morile = SHIPPED["morile"]
    answers = {a.key: a.answers[-1].key for a in morile.attributes}
    low_confidence = {**answers, "confidence": "low", "organisational_position": "limited"}
    assert score(morile, answers).score == score(morile, low_confidence).score
    assert score(morile, low_confidence).recorded == {
        "confidence": "low",
        "organisational_position": "limited",
    }


# --------------------------------------------------------------------------- random methodologies


@given(valid_documents())
def test_random_valid_documents_are_accepted(document):
    methodology = parse_methodology(document)
    assert len(methodology.bands) == len(document["bands"])
    assert methodology.bands[0].upper == methodology.scale


@given(methodology_and_answers())
def test_random_methodologies_are_deterministic(drawn):
    check_deterministic(*drawn)


@given(methodology_answers_and_raise())
@settings(max_examples=300)
def test_random_methodologies_are_monotonic_in_each_attribute(drawn):
    check_monotonic(*drawn)


@given(methodology_and_answers())
def test_random_methodologies_score_within_their_scale(drawn):
    check_in_range(*drawn)


@given(valid_methodologies())
def test_random_methodologies_have_exact_band_boundaries(methodology):
    check_thresholds(methodology)


@given(methodology_and_answers())
def test_random_weighted_sums_explain_their_score(drawn):
    methodology, answers = drawn
    result = score(methodology, answers)
    if methodology.total != "weighted_sum":
        # a product's contributions are shares of their component: each component sums to it
        for component, value in result.components.items():
            shares = sum(c.contribution for c in result.contributions if c.component == component)
            assert abs(shares - value) <= Decimal("0.0005") * (len(result.contributions) + 1)
        return
    total = sum(c.contribution for c in result.contributions)
    assert abs(total - result.score) <= Decimal("0.05") * (len(result.contributions) + 1)
