"""One trained linkage model per distinct set of people, shared by the whole test session.

Record linkage is deterministic for a seed, and many tests (the review queue's, the demo
data's) run it over the same people recorded afresh, under new database ids. Training splink
costs about a second even for a dozen people, so the service's call is memoised on the
records' *contents* (names, dates, gender, PNC ID, aliases, in order) with the pairs kept as
positions and given back under the current ids. tests/people/test_linkage.py calls the
linkage itself, unmemoised.
"""

from __future__ import annotations

import dataclasses

import pytest

from socmap.people import linkage, services

_results: dict[tuple, tuple[linkage.LinkageResult, list[tuple[int, int]]]] = {}


def _key(records, kwargs) -> tuple:
    return (
        tuple(
            (r.surname, r.forenames, r.date_of_birth, r.gender, r.pnc_id, tuple(r.aliases))
            for r in records
        ),
        tuple(sorted((k, v) for k, v in kwargs.items() if k != "progress")),
    )


def memoised_find_candidate_pairs(records, **kwargs) -> linkage.LinkageResult:
    key = _key(records, kwargs)
    ids = [r.id for r in records]
    if key not in _results:
        result = linkage.find_candidate_pairs(records, **kwargs)
        position = {pk: n for n, pk in enumerate(ids)}
        _results[key] = (
            result,
            [(position[p.left_id], position[p.right_id]) for p in result.pairs],
        )
    result, positions = _results[key]
    pairs = [
        dataclasses.replace(pair, left_id=min(ids[a], ids[b]), right_id=max(ids[a], ids[b]))
        for pair, (a, b) in zip(result.pairs, positions, strict=True)
    ]
    return dataclasses.replace(result, pairs=pairs)


@pytest.fixture(autouse=True, scope="session")
def shared_linkage_models():
    original = services.find_candidate_pairs
    services.find_candidate_pairs = memoised_find_candidate_pairs
    yield
    services.find_candidate_pairs = original
