"""Scripts work with plans, actions, reviews and tasking through the JSON API, with the same
rules and messages as the pages."""

from __future__ import annotations

import datetime as dt

import pytest

from socmap.orgs.models import LocalArea
from socmap.plans import services

pytestmark = pytest.mark.django_db
API = "/api/plans"


def _post(client, path, payload):
    return client.post(path, payload, content_type="application/json")


def _patch(client, path, payload):
    return client.patch(path, payload, content_type="application/json")


def test_an_lro_starts_a_plan_adds_actions_and_reviews_it(client_for, wiltshire_lro, threat,
                                                          wiltshire_council, soon):  # fmt: skip
    client = client_for(wiltshire_lro)
    created = _post(client, API, {"threat": threat.pk, "review_interval_days": 60})
    assert created.status_code == 201, created.json()
    plan = created.json()
    assert plan["review_interval_days"] == 60 and plan["uncovered"] == [
        "pursue", "prevent", "protect", "prepare",
    ]  # fmt: skip
    objective = _post(client, f"{API}/{plan['id']}/objectives",
                      {"category": "prevent", "description": "Stop recruitment"})  # fmt: skip
    assert objective.status_code == 201
    action = _post(client, f"{API}/{plan['id']}/actions", {
        "category": "prevent", "description": "Youth diversion referrals",
        "due_on": soon.isoformat(), "owner_organisation": "wiltshire-council",
        "objective": objective.json()["id"],
    })  # fmt: skip
    assert action.status_code == 201, action.json()
    assert action.json()["owner"] == "Wiltshire Council"
    review = _post(client, f"{API}/{plan['id']}/reviews",
                   {"progress": "on_track", "summary": "Prevent started"})  # fmt: skip
    assert review.status_code == 201
    assert review.json()["snapshot"]["actions"]["prevent"]["open"] == 1
    detail = client.get(f"{API}/{plan['id']}").json()
    assert detail["full"] and len(detail["actions"]) == 1 and len(detail["reviews"]) == 1
    assert detail["uncovered"] == ["pursue", "protect", "prepare"]


def test_bad_input_is_refused_with_field_errors(client_for, wiltshire_lro, plan, today):
    client = client_for(wiltshire_lro)
    refused = _post(client, f"{API}/{plan.pk}/actions", {
        "description": "x", "due_on": (today - dt.timedelta(days=1)).isoformat(),
    })  # fmt: skip
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"category", "owner", "due_on"}
    unknown = _post(client, f"{API}/{plan.pk}/actions", {
        "category": "pursue", "description": "x", "due_on": today.isoformat(),
        "owner_user": "nobody.here",
    })  # fmt: skip
    assert unknown.status_code == 400 and "no user 'nobody.here'" in unknown.json()["detail"]
    assert client.get(API, {"gap": "plenty"}).status_code == 400


def test_a_review_by_someone_not_the_lro_is_forbidden(client_for, other_lro, plan):
    response = _post(client_for(other_lro), f"{API}/{plan.pk}/reviews",
                     {"progress": "on_track", "summary": "x"})  # fmt: skip
    assert response.status_code == 403
    assert "Only the threat's Lead Responsible Officer (Helen Marsh)" in response.json()["detail"]


def test_the_action_owner_reports_progress(client_for, wiltshire_analyst, plan, add_action):
    action = add_action(plan, owner_user=wiltshire_analyst)
    client = client_for(wiltshire_analyst)
    done = _patch(client, f"{API}/actions/{action.pk}", {"status": "completed"})
    assert done.status_code == 400 and "outcome" in done.json()["errors"]
    ok = _patch(client, f"{API}/actions/{action.pk}", {"status": "completed", "outcome": "Done"})
    assert ok.status_code == 200 and ok.json()["status"] == "completed"
    moved = _patch(client, f"{API}/actions/{action.pk}", {"due_on": "2099-01-01"})
    assert moved.status_code == 403


def test_lists_reviews_due_gaps_workload_and_my_work(client_for, wiltshire_lro, plan, add_action,
                                                     map_group):  # fmt: skip
    add_action(plan, "pursue")
    map_group("No LRO group")
    client = client_for(wiltshire_lro)
    actions = client.get(f"{API}/actions").json()
    assert actions["count"] == 1 and actions["items"][0]["category"] == "pursue"
    due = client.get(f"{API}/reviews-due", {"within": 365}).json()
    assert due["items"][0]["plan"] == plan.reference
    gaps = client.get(f"{API}/gaps").json()["items"]
    assert {g["gap"] for g in gaps} >= {"no_lro", "no_plan", "missing_p"}
    load = client.get(f"{API}/workload").json()["items"]
    assert load[0]["lro"] == "wiltshire.lro" and load[0]["active_threats"] == 1
    mine = client.get(f"{API}/mine").json()
    assert mine["threats"][0]["plan"] == plan.pk and len(mine["actions_due"]) == 1


def test_partners_and_gain_referrals(client_for, wiltshire_lro, plan, council_partner):
    client = client_for(wiltshire_lro)
    partner = _post(client, f"{API}/{plan.pk}/partners", {"organisation": "wiltshire-council"})
    assert partner.status_code == 201
    referral = _post(client, f"{API}/{plan.pk}/referrals",
                     {"partner": "wiltshire-council", "request": "Housing checks"})  # fmt: skip
    assert referral.status_code == 201 and referral.json()["answer"] == "awaiting"
    # The council sees the plan (shared) and answers its referral
    council = client_for(council_partner)
    shared = council.get(f"{API}/{plan.pk}").json()
    assert shared["full"] is False and len(shared["referrals"]) == 1
    answer = _post(council, f"{API}/referrals/{referral.json()['id']}/answer", {"answer": "hit"})
    assert answer.status_code == 200 and answer.json()["answer"] == "hit"
    removed = _post(client, f"{API}/partners/{partner.json()['id']}/remove", {"reason": "Done"})
    assert removed.status_code == 200 and removed.json()["removed_at"]


def test_tasking_proposal_and_decision(client_for, wiltshire_analyst, wiltshire_chair, threat,
                                       other_lro):  # fmt: skip
    proposal = _post(client_for(wiltshire_analyst), f"{API}/tasking/proposals", {
        "threat": threat.pk, "board": "wiltshire", "kind": "change_lro",
        "lro": "wiltshire.lro2", "reason": "Over-stretched",
    })  # fmt: skip
    assert proposal.status_code == 201, proposal.json()
    chair = client_for(wiltshire_chair)
    board = chair.get(f"{API}/tasking/boards/wiltshire").json()
    assert board["proposals"][0]["reference"] == proposal.json()["reference"]
    assert board["threats"][0]["reference"] == threat.reference
    decided = _post(chair, f"{API}/tasking/proposals/{proposal.json()['id']}/decisions",
                    {"outcome": "agreed", "reason": "Agreed"})  # fmt: skip
    assert decided.status_code == 201 and decided.json()["status"] == "agreed"
    threat.refresh_from_db()
    assert threat.lro == other_lro
    forbidden = _post(client_for(wiltshire_analyst), f"{API}/tasking/proposals", {
        "threat": threat.pk, "board": "wiltshire", "kind": "adopt", "reason": "x",
    })  # fmt: skip
    assert forbidden.status_code == 400
    assert chair.get(f"{API}/tasking/boards/essex").status_code == 404


def test_the_briefing_withholds_names(client_for, wiltshire_analyst, map_group, wiltshire_lro,
                                      org):  # fmt: skip
    area = LocalArea.objects.create(force=org("Wiltshire"), name="Trowbridge")
    threat = map_group("The Jones brothers", lro=wiltshire_lro, local_areas=[area],
                       forces=[org("Wiltshire")])  # fmt: skip
    services.create_plan(actor=wiltshire_lro, threat=threat, look_for="Cuckooed flats")
    client = client_for(wiltshire_analyst)
    areas = client.get(f"{API}/briefing/areas").json()
    assert areas == [{"id": area.pk, "name": "Trowbridge", "force": "wiltshire",
                      "active_threats": 1}]  # fmt: skip
    body = client.get(f"{API}/briefing/{area.pk}").json()
    assert "Jones" not in str(body) and body["threats"][0]["look_for"] == "Cuckooed flats"
    assert body["threats"][0]["signs"] and body["how_to_submit_intelligence"]
