"""A trainer shows socmap to a force: the demo people, threats and calibration exercise are
believable, and the same seed always plans the same ones (plans are plain data, compared here
without a database)."""

from __future__ import annotations

import dataclasses
import statistics
from collections import Counter

from socmap.people.demo import PNC_CHECK_LETTERS, local_areas_for, pnc_id
from socmap.people.models import AssociationKind
from socmap.people.services import PNC_PATTERN
from socmap.scoring.consistency import krippendorff_alpha
from socmap.scoring.demo import CASES, ORDER, plan_calibration
from socmap.scoring.methodology import METHODOLOGY_DIR, load_methodology_file, score
from socmap.threats.demo import SUBJECTIVE
from socmap.threats.models import ArchiveReason, Status, ThreatKind, Tier

from .conftest import ERSOU, FORCES, NCA, STAFF, SWROCU, TODAY, people, threats

GROUP_MATRIX = load_methodology_file(METHODOLOGY_DIR / "group-matrix.yaml")


def age(person) -> float:
    return (TODAY - person.date_of_birth).days / 365.25


# --------------------------------------------------------------------------- determinism


def test_the_same_seed_plans_the_same_people_and_threats():
    assert people(seed=11) == people(seed=11)
    first, second = threats(seed=11), threats(seed=11)
    assert first == second
    assert [t.name for t in first.threats] == [t.name for t in second.threats]


def test_another_seed_plans_other_people_and_threats():
    assert [p.full_name for p in people(seed=1).people] != [
        p.full_name for p in people(seed=2).people
    ]
    assert [t.name for t in threats(seed=1).threats] != [t.name for t in threats(seed=2).threats]


def test_a_change_of_staff_changes_who_leads_a_threat_never_which_threats_there_are():
    # Given a new LRO joins Wiltshire
    joined = dataclasses.replace(
        STAFF, lros={**STAFF.lros, "Wiltshire": (*STAFF.lros["Wiltshire"], "wiltshire.newlro")}
    )
    before, after = threats(seed=5), threats(seed=5, staff=joined)
    # Then the same threats are planned, with the same answers
    assert [t.name for t in before.threats] == [t.name for t in after.threats]
    assert [[a.inputs for a in t.assessments] for t in before.threats] == [
        [a.inputs for a in t.assessments] for t in after.threats
    ]


# --------------------------------------------------------------------------- people


def test_wiltshire_has_its_real_local_policing_areas():
    assert {"Swindon", "Salisbury", "Chippenham", "Trowbridge", "Devizes"} <= set(
        local_areas_for("Wiltshire")
    )
    for force in FORCES:
        assert 4 <= len(local_areas_for(force)) <= 8


def test_thousands_of_people_at_full_scale(people_plan):
    full = people(forces=FORCES[:2], scale=1.0)
    per_force = Counter(p.force for p in full.people)
    assert all(600 <= n <= 900 for n in per_force.values()), per_force
    # And a smaller scale plans fewer
    assert len(people_plan.people) < len(people(forces=FORCES, scale=1.0).people) / 2


def test_pnc_ids_have_the_police_format_and_check_letter(people_plan):
    ids = [p.pnc_id for p in people_plan.people if p.pnc_id]
    assert len(ids) == len(set(ids))
    assert len(ids) > len(people_plan.people) / 2
    for value in ids:
        assert PNC_PATTERN.match(value), value
        year, serial = value[:2], value[3:-1]
        assert value == pnc_id(2000 + int(year), int(serial))
    assert pnc_id(2019, 123456)[-1] in PNC_CHECK_LETTERS


def test_offenders_are_mostly_young_adult_men_and_mostly_british(people_plan):
    offenders = [p for p in people_plan.people if not p.vulnerable]
    assert all(16 <= age(p) < 67 for p in offenders)
    assert statistics.median(age(p) for p in offenders) < 36
    assert sum(p.gender == "male" for p in offenders) / len(offenders) > 0.75
    british = sum(p.nationality == "British" for p in people_plan.people)
    assert 0.6 < british / len(people_plan.people) < 0.95
    # And the foreign national flag follows the nationality
    assert all(p.foreign_national == (p.nationality != "British") for p in people_plan.people)


def test_vulnerable_people_are_children_and_young_adults_exploited_by_group_members(people_plan):
    exploited_by = {
        a.target: a.source for a in people_plan.associations if a.kind == AssociationKind.EXPLOITS
    }
    members = {key for n in people_plan.networks for key, _ in n.members}
    victims = [key for n in people_plan.networks for key in n.exploited]
    assert victims
    for key in victims:
        assert people_plan.person(key).vulnerable
        assert exploited_by[key] in members
    county_lines = [
        people_plan.person(k)
        for n in people_plan.networks
        if n.crime_type == "county-lines"
        for k in n.exploited
    ]
    assert county_lines and all(age(p) < 21 for p in county_lines)


def test_people_live_in_their_forces_local_areas_and_some_have_street_names(people_plan):
    for person in people_plan.people:
        *_, area, _start, end = person.addresses[-1]
        assert area in local_areas_for(person.force) and end is None
    nicknames = [a for p in people_plan.people for kind, a in p.aliases if kind == "nickname"]
    assert len(nicknames) > len(people_plan.people) / 10


def test_groups_have_a_principal_and_three_to_twenty_five_members(people_plan):
    for network in people_plan.networks:
        roles = [role for _, role in network.members]
        assert roles[0] == "principal"
        assert 3 <= len(roles) <= 25
        assert set(roles) <= {"principal", "core", "peripheral", "enabler"}


# --------------------------------------------------------------------------- threats


def test_there_are_groups_individuals_and_vulnerabilities_at_every_tier(threats_plan):
    kinds = Counter(t.kind for t in threats_plan.threats)
    assert kinds[ThreatKind.OCG] > kinds[ThreatKind.PRIORITY_INDIVIDUAL] > 0
    assert kinds[ThreatKind.VULNERABILITY] > 0
    owners = {t.owner: t.tier for t in threats_plan.threats}
    assert owners[SWROCU] == owners[ERSOU] == Tier.REGIONAL
    assert owners[NCA] == Tier.NATIONAL
    assert {owners[f] for f in FORCES} == {Tier.LOCAL}
    assert len({(t.owner, t.name) for t in threats_plan.threats}) == len(threats_plan.threats)


def test_hundreds_of_threats_mostly_drugs_at_full_scale():
    plan = threats(forces=["Wiltshire", "Dorset", "Kent"], scale=1.0)
    assert len(plan.threats) > 150
    groups = [t for t in plan.threats if t.kind == ThreatKind.OCG]
    drugs = sum(t.crime_type in ("drugs", "county-lines") for t in groups) / len(groups)
    assert 0.5 < drugs < 0.7
    statuses = Counter(t.status for t in plan.threats)
    assert statuses[Status.ACTIVE] > statuses[Status.ARCHIVED] > 0
    assert statuses[Status.TRIGGER_REPORT] > 0 and statuses[Status.UNDER_ASSESSMENT] > 0
    reasons = {t.archive_reason for t in plan.threats if t.status == Status.ARCHIVED}
    assert {ArchiveReason.DISMANTLED, ArchiveReason.NOT_ADOPTED} <= reasons


def test_some_active_threats_have_no_lro_because_inspectors_look_for_that(threats_plan):
    active = [t for t in threats_plan.threats if t.status == Status.ACTIVE]
    led = [t for t in active if t.lro]
    assert 0 < len(led) < len(active)
    for threat in led:
        assert threat.lro in {u for pool in STAFF.lros.values() for u in pool}


def test_active_threats_have_a_history_of_assessments_in_order(threats_plan):
    for threat in threats_plan.threats:
        moments = [a.at for a in threat.assessments]
        assert moments == sorted(moments)
        if threat.status == Status.ACTIVE:
            assert moments and threat.adopted_at is not None
            assert threat.created_at <= threat.adopted_at <= max(moments[1:] or [threat.adopted_at])
        if threat.status == Status.TRIGGER_REPORT:
            assert not moments
        for assessment in threat.assessments:
            assert assessment.at.date() <= TODAY
            assert assessment.assessor in STAFF.analysts[threat.owner]
    several = [t for t in threats_plan.threats if len(t.assessments) >= 3]
    assert several


def test_group_members_come_from_the_forces_people(threats_plan, people_plan):
    for threat in threats_plan.threats:
        if threat.kind != ThreatKind.OCG:
            assert not threat.members
            continue
        for key, _role, joined, left in threat.members:
            home = people_plan.person(key).force
            if threat.tier == Tier.LOCAL:
                assert home == threat.owner
            elif threat.tier == Tier.REGIONAL:
                assert STAFF.rocus[STAFF.regions[home]] == threat.owner
            assert joined <= TODAY and (left is None or joined <= left <= TODAY)


def test_pairs_of_alike_groups_in_different_forces_are_banded_differently(threats_plan):
    # Given the pairs planted for the consistency report
    assert threats_plan.pairs
    by_key = {t.key: t for t in threats_plan.threats}
    for first_key, second_key in threats_plan.pairs:
        first, second = by_key[first_key], by_key[second_key]
        assert first.owner != second.owner
        low, high = first.assessments[-1], second.assessments[-1]
        # Then their objective answers are the same, the judgements are not
        objective = {k: v for k, v in low.inputs.items() if k not in SUBJECTIVE}
        assert objective == {k: v for k, v in high.inputs.items() if k not in SUBJECTIVE}
        assert all(low.inputs[k] != high.inputs[k] for k in SUBJECTIVE)
        # And judged by analysts of their own forces, they fall in different bands
        assert set(low.judged_by.values()) <= set(STAFF.analysts[first.owner])
        assert set(high.judged_by.values()) <= set(STAFF.analysts[second.owner])
        assert score(GROUP_MATRIX, low.inputs).band != score(GROUP_MATRIX, high.inputs).band


def test_every_planned_answer_is_one_the_methodology_allows(threats_plan):
    morile = load_methodology_file(METHODOLOGY_DIR / "morile.yaml")
    for threat in threats_plan.threats:
        rules = GROUP_MATRIX if threat.methodology == "group-matrix" else morile
        assert threat.kind in rules.applies_to
        for assessment in threat.assessments:
            score(rules, assessment.inputs)  # raises on a wrong answer


# --------------------------------------------------------------------------- calibration


def alpha(plan, key):
    units = [[plan.answers[a][label][key] for a in plan.analysts] for label, _, _ in CASES]
    return krippendorff_alpha(units, level="ordinal", order=ORDER[key])


def test_calibration_analysts_agree_on_facts_and_disagree_on_judgements():
    analysts = [f"analyst{n}" for n in range(8)]
    for seed in (3, 7, 2026):
        plan = plan_calibration(seed=seed, analysts=analysts)
        assert plan == plan_calibration(seed=seed, analysts=analysts)
        assert len(plan.cases) == 4
        for key in ("criminality", "weapons"):
            assert alpha(plan, key) > 0.7, (seed, key)
        for key in ("intent", "counter_surveillance"):
            assert alpha(plan, key) < 0.5, (seed, key)


def test_calibration_answers_are_allowed_answers():
    plan = plan_calibration(seed=1, analysts=["a", "b"])
    for answers in plan.answers.values():
        for given in answers.values():
            score(GROUP_MATRIX, given)
