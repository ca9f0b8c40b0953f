"""The pure consistency measures: Krippendorff's alpha against published values and the
reference implementation, and the inconsistent-pairs search on constructed cases."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.scoring.consistency import Profile, inconsistent_pairs, krippendorff_alpha

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability": four observers, twelve
# units, values 1-5, missing values as None. Rows are observers.
CANONICAL = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def units(rows):
    """Observer rows -> units (columns), the shape socmap's function takes."""
    return [list(column) for column in zip(*rows, strict=True)]


def reference(rows, level):
    data = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    return krippendorff.alpha(reliability_data=data, level_of_measurement=level)


@pytest.mark.parametrize(
    "level, published", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)]
)
def test_the_canonical_example_gives_krippendorffs_published_values(level, published):
    alpha = krippendorff_alpha(units(CANONICAL), level=level)
    assert alpha == pytest.approx(published, abs=0.0005)
    assert alpha == pytest.approx(reference(CANONICAL, level), abs=1e-9)


def test_perfect_agreement_is_one():
    assert krippendorff_alpha([[1, 1, 1], [2, 2, 2], [3, 3, None]], level="ordinal") == 1.0


def test_agreement_cannot_be_measured_when_everyone_always_gives_the_same_answer():
    assert krippendorff_alpha([[2, 2], [2, 2], [2, 2]]) is None


def test_agreement_cannot_be_measured_without_two_answers_to_a_unit():
    assert krippendorff_alpha([[1, None], [None, 3]]) is None
    assert krippendorff_alpha([]) is None


def test_ordinal_values_follow_the_given_order_not_the_alphabet():
    # "low" < "medium" < "high": disagreeing by one step is better than by two
    order = ["low", "medium", "high"]
    near = krippendorff_alpha([["low", "medium"], ["high", "high"], ["low", "low"]], order=order)
    far = krippendorff_alpha([["low", "high"], ["high", "high"], ["low", "low"]], order=order)
    assert near > far


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha([[1, 2]], level="ratio-ish")


reliability_rows = st.integers(2, 5).flatmap(
    lambda coders: st.integers(2, 10).flatmap(
        lambda n_units: st.lists(
            st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=n_units, max_size=n_units),
            min_size=coders,
            max_size=coders,
        )
    )
)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
@given(rows=reliability_rows)
@settings(max_examples=150, deadline=None)
def test_alpha_matches_the_reference_implementation_on_random_data(level, rows):
    ours = krippendorff_alpha(units(rows), level=level)
    if ours is None:
        return  # not measurable: the reference gives nan or refuses such data
    theirs = reference(rows, level)
    assert not math.isnan(theirs)
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_alpha_is_measured_on_enough_random_data():
    # guard for the test above: most random tables are measurable
    rng = np.random.default_rng(7)
    rows = rng.integers(1, 6, size=(3, 12)).tolist()
    assert krippendorff_alpha(units(rows), level="ordinal") == pytest.approx(
        reference(rows, "ordinal")
    )


# --------------------------------------------------------------------------- inconsistent pairs


def profile(threat_id, band_rank, positions):
    return Profile(threat_id, f"band{band_rank}", band_rank, tuple(positions))


def test_identical_objective_answers_in_different_bands_are_reported():
    pairs = inconsistent_pairs([profile(1, 2, [0.5, 0.25, 1.0]), profile(2, 4, [0.5, 0.25, 1.0])])
    assert len(pairs) == 1
    assert (pairs[0].first.threat_id, pairs[0].second.threat_id) == (1, 2)
    assert pairs[0].distance == 0
    assert pairs[0].band_gap == 2


def test_identical_answers_in_the_same_band_are_not_reported():
    assert inconsistent_pairs([profile(1, 3, [0.5, 0.5]), profile(2, 3, [0.5, 0.5])]) == []


def test_the_distance_threshold_is_respected():
    near, far = profile(2, 1, [0.5, 0.7]), profile(3, 1, [0.5, 0.9])
    base = profile(1, 0, [0.5, 0.5])
    # near: mean |diff| = 0.1 (at the threshold, included); far: 0.2
    found = inconsistent_pairs([base, near, far], max_distance=0.1)
    assert [(p.first.threat_id, p.second.threat_id) for p in found] == [(1, 2)]
    assert inconsistent_pairs([base, near, far], max_distance=0.05) == []


def test_the_band_gap_threshold_is_respected():
    one_apart = [profile(1, 0, [0.2]), profile(2, 1, [0.2])]
    assert len(inconsistent_pairs(one_apart, min_band_gap=1)) == 1
    assert inconsistent_pairs(one_apart, min_band_gap=2) == []


def test_the_most_alike_pairs_come_first():
    found = inconsistent_pairs(
        [profile(1, 0, [0.0, 0.0]), profile(2, 2, [0.0, 0.1]), profile(3, 1, [0.0, 0.0])],
        max_distance=0.1,
    )
    assert [(p.first.threat_id, p.second.threat_id) for p in found] == [(1, 3), (1, 2), (2, 3)]


def test_profiles_must_answer_the_same_attributes():
    with pytest.raises(ValueError, match="same objective attributes"):
        inconsistent_pairs([profile(1, 0, [0.1]), profile(2, 1, [0.1, 0.2])])
