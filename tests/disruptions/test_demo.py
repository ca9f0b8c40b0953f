"""A trainer runs ``socmap demo-data``: each force then has two years of disruptions at a
realistic rate (Wiltshire at its published 3.27 per 1,000, the forces together near the
national 0.8), graded, submitted and validated by the demo staff, the same for the same seed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from socmap.audit.models import AuditEvent
from socmap.demo import make_context
from socmap.disruptions import rules
from socmap.disruptions.demo import (
    FLOOR_RATE,
    NATIONAL_RATE,
    WILTSHIRE_RATE,
    force_rates,
    inputs_for,
    plan_disruptions,
    weighted_rate,
)
from socmap.disruptions.models import Disruption, DisruptionStep, StepAction
from socmap.disruptions.rules import DisruptionStatus
from socmap.disruptions.selectors import (
    counts_by_force,
    disruptions_for,
    overdue_for_validation,
)
from socmap.orgs.models import Organisation, User
from socmap.threats.models import Threat

FORCES_CSV = "src/socmap/orgs/fixtures/forces.csv"
SCALE = 0.1
ARGS = ("--forces", "2", "--seed", "3", "--scale", str(SCALE))


def populations() -> dict[str, int]:
    with open(FORCES_CSV, encoding="utf-8") as handle:
        return {row["force"]: int(row["population"]) for row in csv.DictReader(handle)}


def at_these_rates(rates: dict[str, float], people: dict[str, int]) -> float:
    return weighted_rate({n: people[n] * rates[n] / 1000 for n in people}, people)


# --------------------------------------------------------------------------- rates (no database)


def test_across_all_43_forces_the_average_is_the_national_0_8_and_wiltshire_is_highest():
    people = populations()
    rates = force_rates(people, seed=2026)
    assert len(rates) == 43
    assert at_these_rates(rates, people) == pytest.approx(NATIONAL_RATE, abs=0.005)
    assert rates["Wiltshire"] == WILTSHIRE_RATE == max(rates.values())
    assert 3.5 < WILTSHIRE_RATE / at_these_rates(rates, people) < 4.5  # "about four times"
    # the real spread: some forces well below the average, others above it
    assert sum(rate < NATIONAL_RATE / 2 for rate in rates.values()) >= 5
    assert sum(rate > NATIONAL_RATE for rate in rates.values()) >= 5
    assert min(rates.values()) >= FLOOR_RATE


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_the_six_demo_forces_average_0_8_whatever_the_seed(seed):
    people = {
        n: p
        for n, p in populations().items()
        if n in ("Wiltshire", "Dorset", "Kent", "Durham", "Cumbria", "Essex")
    }
    rates = force_rates(people, seed=seed)
    assert at_these_rates(rates, people) == pytest.approx(NATIONAL_RATE, abs=0.005)
    assert rates["Wiltshire"] == WILTSHIRE_RATE == max(rates.values())


def test_the_rates_are_the_same_for_the_same_seed_and_spread_otherwise_for_another():
    people = populations()
    assert force_rates(people, seed=5) == force_rates(people, seed=5)
    assert force_rates(people, seed=5) != force_rates(people, seed=6)


def test_with_two_forces_the_other_keeps_the_floor_rate():
    people = {n: p for n, p in populations().items() if n in ("Wiltshire", "Dorset")}
    assert force_rates(people, seed=3) == {"Dorset": FLOOR_RATE, "Wiltshire": WILTSHIRE_RATE}


def test_the_city_of_london_is_left_out_of_the_average():
    people = {
        n: p for n, p in populations().items() if n in ("Wiltshire", "Kent", "City of London")
    }
    rates = force_rates(people, seed=3)
    counted = {n: p for n, p in people.items() if n != "City of London"}
    assert at_these_rates(rates, counted) == pytest.approx(at_these_rates(rates, people))


# --------------------------------------------------------------------------- the database


def demo_data(*args: str) -> str:
    out = io.StringIO()
    call_command("demo-data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    output = demo_data(*ARGS)
    return output


def test_each_force_has_two_years_of_validated_disruptions_at_its_rate(demo):
    counts = counts_by_force(None)
    wiltshire = next(r for r in counts.rows if r.slug == "wiltshire")
    dorset = next(r for r in counts.rows if r.slug == "dorset")
    # volumes follow population x rate, scaled
    assert wiltshire.validated == round(722_217 / 1000 * WILTSHIRE_RATE * SCALE)
    exact = wiltshire.validated / (wiltshire.population / 1000) / SCALE
    assert exact == pytest.approx(WILTSHIRE_RATE, abs=0.01)
    assert dorset.validated == round(dorset.population / 1000 * FLOOR_RATE * SCALE)
    assert wiltshire.population_year == 2019
    # the forces with no demo data are shown but not in the comparison
    assert counts.total.caveat.startswith("The rate counts the 2 forces")
    assert "Disruptions, their grading and validation" in demo and "Wiltshire 3.27" in demo


def test_the_demo_claims_are_a_believable_mix_by_the_demo_personas(demo):
    wiltshire = Organisation.objects.get(name="Wiltshire")
    claims = Disruption.objects.filter(owner=wiltshire)
    statuses = Counter(claims.values_list("status", flat=True))
    assert statuses["validated"] > 0.8 * sum(statuses.values())  # mostly validated
    assert statuses["submitted"] >= 3 and statuses["returned"] >= 1 and statuses["draft"] >= 2
    assert overdue_for_validation(None).filter(owner=wiltshire).exists()
    validated = claims.filter(status=DisruptionStatus.VALIDATED)
    assert set(validated.values_list("category", flat=True)) == {
        "pursue",
        "protect",
        "prevent",
        "prepare",
    }
    assert {"major", "moderate", "minor", "none"} <= set(validated.values_list("grade", flat=True))
    assert len(set(claims.values_list("tactic_id", flat=True))) >= 10
    recorders = Counter(claims.values_list("recorded_by__username", flat=True))
    validators = Counter(validated.values_list("validated_by__username", flat=True))
    assert recorders.most_common(1)[0][0] == "wiltshire.analyst"
    assert validators.most_common(1)[0][0] == "wiltshire.validator"
    # the ROCU and the NCA record their own
    owners = set(Disruption.objects.values_list("owner__short_name", flat=True))
    assert {"Wiltshire", "Dorset", "SWROCU", "NCA"} <= owners
    # and partners act in some, which are shared with them
    assert Disruption.objects.filter(acting_organisation__kind="partner").exists()
    partner = User.objects.get(username="wiltshire-council.partner")
    seen = disruptions_for(partner)
    assert seen.exists()
    assert set(seen.values_list("acting_organisation__name", flat=True)) <= {"Wiltshire Council"}


def demo_claims():
    """The claims this step made (other demo steps record some too, e.g. order breaches)."""
    return Disruption.objects.filter(source__startswith="socmap demo data")


def test_every_demo_claim_follows_the_rules_and_its_history(demo):
    today = timezone.localdate()
    start, _ = rules.counting_period(today)
    for disruption in demo_claims().prefetch_related("threats", "nominals", "steps__by"):
        errors, _ = rules.check_disruption(
            threat_count=disruption.threats.count(),
            occurred_on=disruption.occurred_on,
            today=today,
            category=disruption.category,
            tactic=disruption.tactic.rule,
            grade=disruption.grade,
            rationale=disruption.grade_rationale,
            quantities={k: v for k, v in disruption.quantities.items() if v is not None},
            narrative=disruption.narrative,
            operation_name=disruption.operation_name,
            evidence=disruption.evidence,
            require_grade=disruption.status != DisruptionStatus.DRAFT,
        )
        assert errors == {}, (disruption, errors)
        assert disruption.occurred_on >= start
        steps = list(disruption.steps.all())
        assert steps[0].action == StepAction.RECORDED
        assert [s.at for s in steps] == sorted(s.at for s in steps)
        assert steps[-1].at <= timezone.now()
        assert disruption.recorded_at <= (disruption.submitted_at or timezone.now())
        # its people are members (or the subject) of the threat it acted on
        threat = disruption.threats.get()
        members = set(threat.memberships.values_list("nominal_id", flat=True))
        members.add(threat.subject_id)
        assert {n.pk for n in disruption.nominals.all()} <= members
        if disruption.status == DisruptionStatus.VALIDATED:
            validation = next(s for s in steps if s.action == StepAction.VALIDATED)
            claimed = ("recorded", "changed", "graded", "submitted")
            claimants = {s.by_id for s in steps if s.action in claimed}
            assert validation.by_id not in claimants
            assert disruption.validated_by_id == validation.by_id
            if disruption.owner.separate_validation_team:
                teams = {s.by_team for s in steps if s.by_id in claimants}
                assert validation.by_team not in teams


def test_validated_major_and_moderate_disruptions_leave_some_threats_flagged(demo):
    flagged = Threat.objects.filter(reassessment_reason__contains="(demo data)")
    assert flagged.exists()
    for threat in flagged:
        assert threat.reassessment_requested
        reference = threat.reassessment_reason.split("disruption ")[1].split(":")[0]
        disruption = Disruption.objects.get(pk=int(reference.split("-")[1]))
        assert disruption.status == "validated" and disruption.grade in ("major", "moderate")
        assert threat in disruption.threats.all()
        assert not rules.assessed_since(
            timezone.localdate(threat.last_assessed_at), disruption.occurred_on
        )
    # ...but not every active threat: most were re-assessed after their disruptions
    assert flagged.count() < Threat.objects.filter(status="active").count() / 2
    assert AuditEvent.objects.filter(action="demo.disruptions_generated").count() == 1


def test_running_the_demo_again_adds_no_disruptions(demo):
    before = (Disruption.objects.count(), DisruptionStep.objects.count())
    output = demo_data(*ARGS)
    assert (Disruption.objects.count(), DisruptionStep.objects.count()) == before
    assert "0 disruptions (" in output and "already there)" in output


def test_the_same_seed_plans_the_same_disruptions_and_another_seed_others(demo):
    # A later demo step records some people again in other forces' groups (duplicates for the
    # record linkage); the disruptions step ran before them, so its plan is read without them.
    from socmap.networks.demo import COPY_NOTE
    from socmap.threats.models import Membership

    copy_note = COPY_NOTE.split("{")[0]
    Membership.objects.filter(nominal__notes__startswith=copy_note).delete()
    context = make_context(forces=2, seed=3, out=io.StringIO(), scale=SCALE)
    context.forces = [Organisation.objects.get(name=n) for n in ("Wiltshire", "Dorset")]
    inputs = inputs_for(context)
    today = dt.date(2026, 6, 1)

    def plan(seed):
        return plan_disruptions(seed=seed, scale=SCALE, today=today, inputs=inputs)

    first, again, other = plan(3), plan(3), plan(4)
    assert first == again
    assert [d.occurred_on for d in first.disruptions] != [d.occurred_on for d in other.disruptions]
    # the database holds the plan the seed gave (made on the day the demo ran)
    stored = plan_disruptions(
        seed=3,
        scale=SCALE,
        today=timezone.localdate(),
        now=timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min)),
        inputs=inputs,
    )
    assert sorted(demo_claims().values_list("occurred_on", "tactic_id", "status")) == sorted(
        (d.occurred_on, d.tactic, d.status) for d in stored.disruptions
    )
