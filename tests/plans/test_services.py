"""The plan services: who may do what, bad input refused with nothing changed, history kept,
shares following the plan, tasking decisions carried out through the threats services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from socmap.audit.models import AuditEvent
from socmap.errors import InvalidInput
from socmap.orgs.models import Share
from socmap.orgs.scoping import can_see
from socmap.plans import services
from socmap.plans.models import Action, AppendOnlyError, Decision, Plan, Review
from socmap.plans.rules import ActionStatus, GainAnswer, Outcome, ProposalKind, ProposalStatus
from socmap.threats.models import Status, Tier

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- plans


def test_lro_starts_a_plan_due_for_review_after_the_default_interval(threat, wiltshire_lro, today):
    plan = services.create_plan(actor=wiltshire_lro, threat=threat)
    assert plan.next_review_due == today + dt.timedelta(days=services.review_days())
    assert AuditEvent.objects.filter(action="plan.created", target_id=str(plan.pk)).exists()


def test_a_plan_may_have_its_own_review_interval(threat, wiltshire_lro, today, settings):
    settings.SOCMAP_PLAN_REVIEW_DAYS = 60
    plan = services.create_plan(actor=wiltshire_lro, threat=threat, review_interval_days=28)
    assert plan.next_review_due == today + dt.timedelta(days=28)
    services.update_plan(actor=wiltshire_lro, plan=plan, review_interval_days=None)
    assert plan.next_review_due == today + dt.timedelta(days=60)
    with pytest.raises(InvalidInput, match="between 7 and 365"):
        services.update_plan(actor=wiltshire_lro, plan=plan, review_interval_days=400)


def test_no_plan_for_a_threat_that_is_not_active(map_group, wiltshire_lro):
    waiting = map_group("Waiting group", adopt=False, lro=wiltshire_lro)
    with pytest.raises(InvalidInput, match="under assessment, not active"):
        services.create_plan(actor=wiltshire_lro, threat=waiting)
    assert not Plan.objects.exists()


def test_one_plan_per_threat(plan, wiltshire_lro):
    with pytest.raises(InvalidInput, match="already has a 4P plan"):
        services.create_plan(actor=wiltshire_lro, threat=plan.threat)


def test_an_analyst_who_is_not_lro_or_supervisor_cannot_start_a_plan(threat, wiltshire_analyst):
    with pytest.raises(PermissionDenied, match="Lead Responsible Officer \\(Helen Marsh\\)"):
        services.create_plan(actor=wiltshire_analyst, threat=threat)


def test_a_tasking_chair_of_the_owner_supervises_and_may_start_a_plan(threat, wiltshire_chair):
    plan = services.create_plan(actor=wiltshire_chair, threat=threat)
    assert plan.created_by == wiltshire_chair


def test_a_tasking_chair_of_another_force_is_no_supervisor(threat, make_user, org):
    dorset_chair = make_user(org("Dorset"), "tasking_chair")
    with pytest.raises(PermissionDenied):
        services.create_plan(actor=dorset_chair, threat=threat)


def test_an_inspector_changes_nothing(plan, inspector):
    with pytest.raises(PermissionDenied):
        services.record_review(actor=inspector, plan=plan, progress="on_track", summary="Fine")


# --------------------------------------------------------------------------- actions


def test_lro_adds_an_action_under_prevent_owned_by_an_officer(plan, wiltshire_lro, soon):
    action = services.add_action(
        actor=wiltshire_lro,
        plan=plan,
        category="prevent",
        description="School visits in Penhill",
        due_on=soon,
        owner_user=wiltshire_lro,
    )
    assert (action.category, action.status, action.owner_name) == (
        "prevent",
        ActionStatus.NOT_STARTED,
        "Helen Marsh",
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"category": ""}, "category", "Choose one of the four Ps"),
        ({"category": "punish"}, "category", "Choose one of the four Ps"),
        ({"owner_user": None}, "owner", "Give the action an owner"),
        ({"due_on": None}, "due_on", "Give the action a due date."),
        ({"due_on": "yesterday"}, "due_on", "cannot be in the past"),
        ({"description": "  "}, "description", "Describe the action."),
    ],
)
def test_bad_actions_are_refused_and_nothing_is_saved(
    plan, wiltshire_lro, soon, today, fields, field, message
):
    data = {
        "category": "pursue",
        "description": "Warrant",
        "due_on": soon,
        "owner_user": wiltshire_lro,
        **fields,
    }
    if data["due_on"] == "yesterday":
        data["due_on"] = today - dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        services.add_action(actor=wiltshire_lro, plan=plan, **data)
    assert any(message in m for m in refused.value.field_errors[field])
    assert not Action.objects.exists()


def test_an_action_owned_by_a_police_force_organisation_is_refused(plan, wiltshire_lro, soon, org):
    with pytest.raises(InvalidInput, match="not a partner agency"):
        services.add_action(
            actor=wiltshire_lro, plan=plan, category="pursue", description="Arrests",
            due_on=soon, owner_organisation=org("Dorset"),
        )  # fmt: skip


def test_an_objective_must_be_under_the_same_p(plan, wiltshire_lro, soon):
    objective = services.add_objective(
        actor=wiltshire_lro, plan=plan, category="protect", description="Safeguard children"
    )
    with pytest.raises(InvalidInput, match="under Protect, not Pursue"):
        services.add_action(
            actor=wiltshire_lro, plan=plan, category="pursue", description="Arrest",
            due_on=soon, owner_user=wiltshire_lro, objective=objective,
        )  # fmt: skip


def test_completing_an_action_needs_its_outcome(plan, add_action, wiltshire_lro):
    action = add_action(plan)
    with pytest.raises(InvalidInput, match="Record the outcome"):
        services.update_action(actor=wiltshire_lro, action=action, status="completed")
    services.update_action(
        actor=wiltshire_lro, action=action, status="completed", outcome="Two arrests"
    )
    action.refresh_from_db()
    assert action.status == "completed" and action.closed_at is not None
    services.update_action(actor=wiltshire_lro, action=action, status="in_progress")
    assert action.closed_at is None


def test_a_due_date_cannot_be_moved_into_the_past(plan, add_action, wiltshire_lro, today):
    action = add_action(plan)
    with pytest.raises(InvalidInput, match="cannot be in the past"):
        services.update_action(
            actor=wiltshire_lro, action=action, due_on=today - dt.timedelta(days=2)
        )


def test_the_action_owner_reports_status_but_may_not_reassign(
    plan, add_action, wiltshire_analyst, other_lro
):
    action = add_action(plan, owner_user=wiltshire_analyst)
    services.update_action(actor=wiltshire_analyst, action=action, status="in_progress")
    with pytest.raises(PermissionDenied, match="ask the LRO to change its owner_user"):
        services.update_action(actor=wiltshire_analyst, action=action, owner_user=other_lro)
    with pytest.raises(PermissionDenied):
        services.update_action(actor=other_lro, action=action, status="completed", outcome="x")


# --------------------------------------------------------------------------- sharing


def test_a_partner_owning_an_action_sees_the_plan_and_that_action_only(
    plan, add_action, wiltshire_council, council_partner, wiltshire_lro
):
    police = add_action(plan, "pursue", description="Warrant at the trap house")
    theirs = add_action(
        plan, "protect", owner_user=None, owner_organisation=wiltshire_council,
        description="Housing officers visit the cuckooed flat",
    )  # fmt: skip
    assert can_see(council_partner, plan) and can_see(council_partner, theirs)
    assert not can_see(council_partner, police)
    assert not can_see(council_partner, plan.threat)
    # And the partner reports on their own action
    services.update_action(
        actor=council_partner, action=theirs, status="completed", outcome="Tenant moved"
    )
    # When the action is given to an officer instead, the shares are withdrawn
    police.refresh_from_db()
    services.update_action(actor=wiltshire_lro, action=theirs, owner_user=wiltshire_lro)
    assert not can_see(council_partner, theirs) and not can_see(council_partner, plan)
    withdrawn = Share.objects.filter(organisation=wiltshire_council, revoked_at__isnull=False)
    assert withdrawn.count() == 2


def test_an_involved_partner_sees_the_plan_until_removed(
    plan, wiltshire_lro, wiltshire_council, council_partner
):
    partner = services.add_partner(
        actor=wiltshire_lro, plan=plan, organisation=wiltshire_council, contribution="Housing"
    )
    assert can_see(council_partner, plan)
    with pytest.raises(InvalidInput, match="already involved"):
        services.add_partner(actor=wiltshire_lro, plan=plan, organisation=wiltshire_council)
    services.remove_partner(actor=wiltshire_lro, partner=partner)
    assert not can_see(council_partner, plan)


def test_an_lro_from_another_organisation_sees_the_whole_plan(
    map_group, make_user, wiltshire_council, add_action
):
    council_lro = make_user(wiltshire_council, "partner", "lro", username="council.lro")
    threat = map_group("Cuckooing network", lro=council_lro)
    chair = make_user(threat.owner, "tasking_chair")
    plan = services.create_plan(actor=chair, threat=threat)
    action = add_action(plan, actor=chair, owner_user=chair)
    assert can_see(council_lro, plan) and can_see(council_lro, action)
    review = services.record_review(
        actor=council_lro, plan=plan, progress="on_track", summary="Going well"
    )
    assert review.reviewed_as == "LRO" and can_see(council_lro, review)


# --------------------------------------------------------------------------- GAIN


def test_gain_referrals_to_the_council_are_answered_by_the_council(
    plan, wiltshire_lro, wiltshire_council, council_partner, today
):
    referral = services.refer_to_gain(
        actor=wiltshire_lro, plan=plan, partner=wiltshire_council, request="Tenancy checks"
    )
    assert referral.answer == GainAnswer.AWAITING and can_see(council_partner, referral)
    with pytest.raises(InvalidInput, match="hit or no hit"):
        services.answer_referral(actor=council_partner, referral=referral, answer="maybe")
    with pytest.raises(InvalidInput, match="cannot come before the referral"):
        services.answer_referral(
            actor=council_partner, referral=referral, answer="hit",
            answered_on=today - dt.timedelta(days=5),
        )  # fmt: skip
    services.answer_referral(actor=council_partner, referral=referral, answer="hit", note="2 flats")
    referral.refresh_from_db()
    assert (referral.answer, referral.answered_on) == ("hit", today)


def test_a_referral_date_cannot_be_in_the_future(plan, wiltshire_lro, wiltshire_council, today):
    with pytest.raises(InvalidInput, match="cannot be in the future"):
        services.refer_to_gain(
            actor=wiltshire_lro, plan=plan, partner=wiltshire_council, request="Checks",
            referred_on=today + dt.timedelta(days=1),
        )  # fmt: skip


# --------------------------------------------------------------------------- reviews


def test_lro_records_a_review_and_the_next_one_falls_due(plan, wiltshire_lro, add_action, today):
    add_action(plan, "prevent")
    review = services.record_review(
        actor=wiltshire_lro, plan=plan, progress="concerns", summary="Pursue stalled"
    )
    plan.refresh_from_db()
    assert plan.next_review_due == today + dt.timedelta(days=services.interval_for(plan))
    assert review.reviewed_as == "LRO"
    assert review.snapshot["actions"]["prevent"]["open"] == 1
    assert review.snapshot["uncovered"] == ["pursue", "protect", "prepare"]


def test_a_review_by_someone_who_is_not_the_lro_is_refused(plan, other_lro, wiltshire_analyst):
    for outsider in (other_lro, wiltshire_analyst):
        with pytest.raises(PermissionDenied, match="Only the threat's Lead Responsible Officer"):
            services.record_review(actor=outsider, plan=plan, progress="on_track", summary="x")
    assert not Review.objects.exists()


def test_the_sro_may_review_as_supervisor(plan, wiltshire_sro):
    review = services.record_review(
        actor=wiltshire_sro, plan=plan, progress="off_track", summary="LRO on leave"
    )
    assert review.reviewed_as == "SRO"


def test_the_next_review_may_be_brought_forward_not_pushed_back(plan, wiltshire_lro, today):
    with pytest.raises(InvalidInput, match="brought forward, not pushed back"):
        services.record_review(
            actor=wiltshire_lro, plan=plan, progress="on_track", summary="ok",
            next_review_due=today + dt.timedelta(days=400),
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="Summarise the review"):
        services.record_review(actor=wiltshire_lro, plan=plan, progress="on_track", summary="")
    soon = today + dt.timedelta(days=14)
    services.record_review(
        actor=wiltshire_lro, plan=plan, progress="on_track", summary="ok", next_review_due=soon
    )
    plan.refresh_from_db()
    assert plan.next_review_due == soon


def test_reviews_are_history_that_cannot_be_changed(plan, wiltshire_lro):
    review = services.record_review(
        actor=wiltshire_lro, plan=plan, progress="on_track", summary="ok"
    )
    review.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        review.save()
    with pytest.raises(AppendOnlyError):
        Review.objects.filter(pk=review.pk).update(summary="rewritten")
    with pytest.raises(AppendOnlyError):
        review.delete()


def test_an_archived_threats_plan_is_kept_and_cannot_be_changed(plan, wiltshire_analyst,
                                                                wiltshire_lro):  # fmt: skip
    from socmap.threats.services import change_status

    change_status(actor=wiltshire_analyst, threat=plan.threat, to_status=Status.ARCHIVED,
                  archive_reason="dismantled", reason="Convicted")  # fmt: skip
    plan.refresh_from_db()
    with pytest.raises(InvalidInput, match="archived, not active"):
        services.record_review(actor=wiltshire_lro, plan=plan, progress="on_track", summary="x")


# --------------------------------------------------------------------------- tasking


def test_agreed_lro_change_is_made_through_the_threats_service(
    threat, wiltshire_analyst, wiltshire_chair, other_lro, org
):
    proposal = services.propose(
        actor=wiltshire_analyst, threat=threat, board=org("Wiltshire"),
        kind=ProposalKind.CHANGE_LRO, lro=other_lro, reason="Current LRO over-stretched",
    )  # fmt: skip
    decision = services.decide(
        actor=wiltshire_chair, proposal=proposal, outcome=Outcome.AGREED, reason="Agreed at TTCG"
    )
    threat.refresh_from_db()
    proposal.refresh_from_db()
    assert threat.lro == other_lro
    assert proposal.status == ProposalStatus.AGREED and decision.decided_by == wiltshire_chair
    event = AuditEvent.objects.get(action="threat.changed", target_id=str(threat.pk))
    assert event.changes["lro"] == ["wiltshire.lro", "wiltshire.lro2"]
    assert proposal.reference in event.reason


def test_agreed_adoption_moves_the_threat_to_active(map_group, wiltshire_analyst, wiltshire_chair,
                                                    org):  # fmt: skip
    waiting = map_group("New group", adopt=False)
    proposal = services.propose(actor=wiltshire_analyst, threat=waiting, board=org("Wiltshire"),
                                kind=ProposalKind.ADOPT, reason="Band 1A")  # fmt: skip
    services.decide(actor=wiltshire_chair, proposal=proposal, outcome="agreed", reason="Adopt")
    waiting.refresh_from_db()
    assert waiting.status == Status.ACTIVE
    assert waiting.status_changes.last().reason.startswith(f"Tasking decision {proposal.reference}")


def test_a_regional_board_hands_a_threat_to_the_rocu(
    plan, wiltshire_analyst, swrocu_chair, org, wiltshire_lro
):
    threat = plan.threat
    proposal = services.propose(actor=swrocu_chair, threat=threat, board=org("SWROCU"),
                                kind=ProposalKind.CHANGE_OWNER, owner=org("SWROCU"),
                                reason="Cross-border reach")  # fmt: skip
    services.decide(actor=swrocu_chair, proposal=proposal, outcome="agreed", reason="Adopted")
    threat.refresh_from_db()
    assert threat.owner == org("SWROCU")
    # And the Wiltshire LRO still sees the plan they lead (shared with their organisation)
    assert can_see(wiltshire_lro, plan) and not can_see(wiltshire_lro, threat)
    tier = services.propose(actor=swrocu_chair, threat=threat, board=org("SWROCU"),
                            kind=ProposalKind.CHANGE_TIER, tier=Tier.REGIONAL, reason="ROCU")
    services.decide(actor=swrocu_chair, proposal=tier, outcome="agreed", reason="Regional")
    threat.refresh_from_db()
    assert threat.tier == Tier.REGIONAL


def test_only_the_boards_tasking_chair_decides(threat, wiltshire_analyst, swrocu_chair, org):
    proposal = services.propose(actor=wiltshire_analyst, threat=threat, board=org("Wiltshire"),
                                kind=ProposalKind.CHANGE_TIER, tier="regional", reason="Reach")
    with pytest.raises(PermissionDenied, match="tasking chair of Wiltshire"):
        services.decide(actor=swrocu_chair, proposal=proposal, outcome="agreed", reason="x")
    with pytest.raises(PermissionDenied):
        services.decide(actor=wiltshire_analyst, proposal=proposal, outcome="agreed", reason="x")
    assert not Decision.objects.exists()


def test_deferred_proposals_stay_open_and_decided_ones_are_closed(
    threat, wiltshire_analyst, wiltshire_chair, org
):
    proposal = services.propose(actor=wiltshire_analyst, threat=threat, board=org("Wiltshire"),
                                kind=ProposalKind.ARCHIVE, archive_reason="dismantled",
                                reason="Convicted")  # fmt: skip
    services.decide(actor=wiltshire_chair, proposal=proposal, outcome="deferred", reason="Await")
    assert proposal.status == ProposalStatus.DEFERRED and proposal.is_open
    services.decide(actor=wiltshire_chair, proposal=proposal, outcome="rejected", reason="Active")
    with pytest.raises(InvalidInput, match="already decided"):
        services.decide(actor=wiltshire_chair, proposal=proposal, outcome="agreed", reason="x")
    threat.refresh_from_db()
    assert threat.status == Status.ACTIVE
    assert proposal.decisions.count() == 2


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        ("adopt", {}, "Only a threat under assessment can be adopted"),
        ("archive", {"archive_reason": "merged"}, "merging is done on the threat's page"),
        ("change_tier", {"tier": "local"}, "already Local"),
        ("change_owner", {}, "Choose the new owner"),
        ("change_lro", {}, "Choose the new Lead Responsible Officer"),
        ("promote", {}, "Choose one of"),
        ("change_tier", {"tier": "regional", "reason": ""}, "Say why you propose it."),
    ],
)
def test_bad_proposals_are_refused(threat, wiltshire_analyst, org, kind, fields, message):
    fields.setdefault("reason", "Because")
    with pytest.raises(InvalidInput, match=message):
        services.propose(actor=wiltshire_analyst, threat=threat, board=org("Wiltshire"),
                         kind=kind, **fields)


def test_a_proposal_goes_to_a_board_whose_agenda_has_the_threat(threat, swrocu_chair, org):
    with pytest.raises(InvalidInput, match="not on the agenda"):
        services.propose(actor=swrocu_chair, threat=threat, board=org("Dorset"),
                         kind="change_tier", tier="regional", reason="x")


def test_an_agreed_change_that_no_longer_applies_changes_nothing(
    map_group, wiltshire_analyst, wiltshire_chair, org
):
    waiting = map_group("Group", adopt=False)
    proposal = services.propose(actor=wiltshire_analyst, threat=waiting, board=org("Wiltshire"),
                                kind=ProposalKind.ADOPT, reason="Band 1A")  # fmt: skip
    from socmap.threats.services import change_status

    change_status(actor=wiltshire_analyst, threat=waiting, to_status=Status.ARCHIVED,
                  archive_reason="not_adopted", reason="Low level")  # fmt: skip
    with pytest.raises(InvalidInput, match="can only become"):
        services.decide(actor=wiltshire_chair, proposal=proposal, outcome="agreed", reason="x")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN and not Decision.objects.exists()
