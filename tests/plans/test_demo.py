"""A trainer shows the 4P part of socmap: most active demo threats have plans, owned partly
by partner agencies, with reviews and tasking decisions, and gaps left on purpose for the
inspectors' questions. The same seed plans the same plans (compared without a database)."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.core.management import call_command

from socmap.fourp import FourP
from socmap.orgs.models import Organisation
from socmap.plans import selectors
from socmap.plans.demo import StaffFacts, ThreatFacts, plan_fourp
from socmap.plans.models import Action, Decision, GainReferral, Plan, Proposal, Review
from socmap.plans.rules import ActionStatus
from socmap.threats.models import Status, Threat

TODAY = dt.date(2026, 5, 1)
STAFF = StaffFacts(
    officers={"Wiltshire": ("wiltshire.lro", "wiltshire.analyst", "wiltshire.tyoung")},
    partners={"Wiltshire": {"local_authority": "Wiltshire Council",
                            "housing": "Wiltshire Homes Partnership",
                            "health": "NHS Wiltshire Integrated Care Board"}},  # fmt: skip
    national_partners={"hmrc": "HM Revenue and Customs", "probation": "Probation Service",
                       "benefits": "Department for Work and Pensions"},  # fmt: skip
)


def facts(n=60):
    return [
        ThreatFacts(
            pk=pk, owner="Wiltshire", home_force="Wiltshire",
            crime_type=("county-lines", "drugs", "msht", "fraud")[pk % 4], area="Swindon",
            lro="wiltshire.lro" if pk % 7 else "", sro="wiltshire.tasking",
            manager="wiltshire.lro" if pk % 7 else "wiltshire.tasking",
            adopted_on=TODAY - dt.timedelta(days=30 + pk * 11),
        )  # fmt: skip
        for pk in range(1, n + 1)
    ]


def plan(seed=5, n=60):
    return plan_fourp(seed=seed, threats=facts(n), staff=STAFF, today=TODAY)


def test_the_same_seed_plans_the_same_plans_and_another_seed_others():
    assert plan(5) == plan(5)
    assert plan(5) != plan(6)


def test_most_active_threats_get_a_plan_and_some_are_left_without(n=60):
    planned = plan()
    assert 0 < len(planned.unplanned) < n / 3
    assert len(planned.plans) + len(planned.unplanned) == n


def test_some_plans_leave_out_a_p_on_purpose():
    planned = plan()
    missing = [p for p in planned.plans if {a.category for a in p.actions} != set(FourP.values)]
    assert 0 < len(missing) < len(planned.plans) / 2


def test_actions_have_owners_dates_and_outcomes_that_fit(n=60):
    for spec in plan().plans:
        for action in spec.actions:
            assert bool(action.owner_user) != bool(action.owner_organisation)
            assert spec.started_on <= action.created_on <= TODAY
            assert action.due_on > action.created_on
            closed = action.status in (ActionStatus.COMPLETED, ActionStatus.CANCELLED)
            assert closed == bool(action.outcome)
    owners = {a.owner_organisation for s in plan().plans for a in s.actions}
    assert "Wiltshire Council" in owners and "HM Revenue and Customs" in owners


def test_reviews_come_in_order_and_some_plans_have_let_theirs_lapse():
    lapsed = 0
    for spec in plan().plans:
        days = [day for day, _, _ in spec.reviews]
        assert days == sorted(days) and all(spec.started_on < d <= TODAY for d in days)
        last = days[-1] if days else spec.started_on
        every = spec.interval or 90
        lapsed += last + dt.timedelta(days=every) < TODAY
    assert lapsed


# --------------------------------------------------------------------------- in the database


@pytest.mark.django_db
def test_demo_data_makes_plans_reviews_referrals_and_tasking_decisions():
    started = time.monotonic()
    out = io.StringIO()
    call_command("demo-data", "--forces", "2", "--seed", "3", "--scale", "0.1", stdout=out)
    assert "4P plans, actions, reviews and tasking" in out.getvalue()
    active = Threat.objects.filter(status=Status.ACTIVE)
    with_plan = active.filter(plan__isnull=False).count()
    assert active.count() / 2 < with_plan < active.count()
    council = Organisation.objects.get(name="Wiltshire Council")
    assert Action.objects.filter(owner_organisation=council).exists()
    assert Action.objects.filter(status=ActionStatus.COMPLETED).exists()
    assert selectors.overdue_actions(None).exists()
    assert Review.objects.exists() and GainReferral.objects.exclude(answer="awaiting").exists()
    kinds = {g.kind for g in selectors.gaps(None)}
    assert {"no_plan", "missing_p", "review_overdue"} <= kinds
    assert Proposal.objects.filter(status="open").exists() and Decision.objects.exists()
    # Agreed decisions were carried out through the threats services
    agreed = Decision.objects.filter(outcome="agreed").select_related("proposal__threat")
    assert agreed.exists()
    for decision in agreed:
        proposal, threat = decision.proposal, decision.proposal.threat
        if proposal.kind == "adopt":
            reasons = threat.status_changes.values_list("reason", flat=True)
            assert any(proposal.reference in r for r in reasons)
        elif proposal.kind == "change_lro":
            assert threat.lro_id == proposal.lro_id
    # Running it again adds nothing
    models = (Plan, Action, Review, GainReferral, Proposal, Decision)
    before = [m.objects.count() for m in models]
    call_command("demo-data", "--forces", "2", "--seed", "3", "--scale", "0.1", stdout=out)
    after = [m.objects.count() for m in models]
    assert after == before
    assert time.monotonic() - started < 120
