"""A trainer shows intelligence handling: the demo plans graded reports, sanitised copies,
trigger reports and the process records near the seeds' figures (Wiltshire: 999 SARs and 12
packages in a year; 204 of 1,320 arrested foreign nationals checked), scaled, the same for the
same seed. (tests/lifetime/test_demo.py runs the generator for both parts.)"""

from __future__ import annotations

import functools

from socmap.intel import rules
from socmap.intel.demo import plan_intel
from tests.demo.conftest import STAFF, TODAY, people, threats

POPULATIONS = {"Wiltshire": 720_000, "Dorset": 772_000, "Kent": 1_860_000}


@functools.lru_cache(maxsize=8)
def plan(seed=7, scale=1.0):
    return plan_intel(
        seed=seed,
        people=people(seed, scale=0.3),
        threats=threats(seed, scale=0.3),
        staff=STAFF,
        populations=POPULATIONS,
        today=TODAY,
        scale=scale,
    )


def test_wiltshire_gets_the_seeds_figures_at_full_scale():
    wiltshire = next(f for f in plan().forces if f.force == "Wiltshire")
    assert len(wiltshire.sars) == 999 and len(wiltshire.packages) == 12
    assert len(wiltshire.arrests) == 1320
    assert sum(1 for a in wiltshire.arrests if a[3] != "not_requested") == 204


def test_other_forces_scale_with_population_and_everything_with_scale():
    kent = next(f for f in plan().forces if f.force == "Kent")
    assert 2400 <= len(kent.sars) <= 2700
    small = next(f for f in plan(scale=0.05).forces if f.force == "Wiltshire")
    assert len(small.sars) == 50 and len(small.arrests) == 66 and len(small.packages) == 1


def test_the_same_seed_plans_the_same_intelligence():
    assert plan(seed=4, scale=0.1) == plan(seed=4, scale=0.1)


def test_planned_reports_are_graded_on_the_right_scale_and_marked():
    for report in plan(scale=0.2).reports:
        system, source, intelligence, handling = report.grading
        assert (
            rules.grading_problems(
                system=system,
                source=source,
                intelligence=intelligence,
                handling=handling,
                conditions=report.conditions,
                reported_on=report.reported_on,
            )
            == {}
        )
        assert rules.marked_passages(report.text)
        if report.sanitised:
            assert not rules.leaked_phrases(report.sanitised, rules.marked_passages(report.text))
