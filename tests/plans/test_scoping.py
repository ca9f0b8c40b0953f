"""Who sees which parts of a plan, on every page and endpoint: own force, another force of
the region, a force of another region, the region's ROCU, another ROCU, national users, the
partner with a share (Wiltshire Council, which owns an action and received a referral), a
partner without one, and anonymous users. The expectations are written out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from socmap.orgs.models import LocalArea, Organisation, OrganisationKind, PartnerSector
from socmap.plans import services

pytestmark = pytest.mark.django_db

# What each viewer sees of a Wiltshire plan. Columns: the plan, the police action, the
# council's action, the review, the referral to the council, the tasking proposal.
PARTS = ["plan", "police_action", "council_action", "review", "referral", "proposal"]
SEES = {
    "Wiltshire":            "Y Y Y Y Y Y",
    "Dorset":               ". . . . . .",
    "Derbyshire":           ". . . . . .",
    "SWROCU":               "Y Y Y Y Y Y",
    "EMSOU":                ". . . . . .",
    "NCA":                  "Y Y Y Y Y Y",
    "HMICFRS":              "Y Y Y Y Y Y",
    "Wiltshire Council":    "Y . Y . Y .",
    "Swindon Borough Council": ". . . . . .",
}  # fmt: skip
VIEWERS = list(SEES)


def sees(viewer: str, part: str) -> bool:
    return SEES[viewer].split()[PARTS.index(part)] == "Y"


@pytest.fixture
def world(plan, wiltshire_lro, wiltshire_analyst, wiltshire_council, add_action, org, soon):
    area = LocalArea.objects.create(force=org("Wiltshire"), name="Swindon")
    plan.threat.local_areas.add(area)
    police = add_action(plan, "pursue", description="Covert deployment at the flat")
    council = add_action(plan, "protect", owner_user=None, owner_organisation=wiltshire_council,
                         description="Closure order on the flat")  # fmt: skip
    review = services.record_review(actor=wiltshire_lro, plan=plan, progress="concerns",
                                    summary="Review notes")  # fmt: skip
    referral = services.refer_to_gain(actor=wiltshire_lro, plan=plan, partner=wiltshire_council,
                                      request="Tenancy checks")  # fmt: skip
    proposal = services.propose(actor=wiltshire_analyst, threat=plan.threat, board=org("Wiltshire"),
                                kind="change_tier", tier="regional", reason="Reach")  # fmt: skip
    return {"plan": plan, "police_action": police, "council_action": council, "review": review,
            "referral": referral, "proposal": proposal, "area": area}  # fmt: skip


@pytest.fixture
def viewer(request, make_user, org, wiltshire_council):
    name = request.param
    if name == "Swindon Borough Council":
        organisation, _ = Organisation.objects.get_or_create(
            slug="swindon-borough-council",
            defaults={"name": name, "kind": OrganisationKind.PARTNER,
                      "sector": PartnerSector.LOCAL_AUTHORITY},
        )  # fmt: skip
    elif name == "Wiltshire Council":
        organisation = wiltshire_council
    else:
        organisation = org(name)
    role = "partner" if organisation.kind == OrganisationKind.PARTNER else (
        "inspector" if name == "HMICFRS" else "analyst"
    )  # fmt: skip
    user = make_user(organisation, role)
    client = Client()
    client.force_login(user)
    return name, client


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_the_plan_page_and_api_show_only_what_the_viewer_may_see(world, viewer):
    name, client = viewer
    plan = world["plan"]
    page = client.get(reverse("plans:detail", args=[plan.pk]))
    assert page.status_code == (200 if sees(name, "plan") else 404)
    api = client.get(f"/api/plans/{plan.pk}")
    assert api.status_code == (200 if sees(name, "plan") else 404)
    if sees(name, "plan"):
        text = page.content.decode()
        body = api.json()
        for part, words in (("police_action", "Covert deployment"),
                            ("council_action", "Closure order"), ("review", "Review notes"),
                            ("referral", "Tenancy checks")):  # fmt: skip
            assert (words in text) == sees(name, part), (name, part)
            assert (words in str(body)) == sees(name, part), (name, part)


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_lists_and_exports_hold_only_visible_records(world, viewer):
    name, client = viewer
    plan = world["plan"]
    listed = client.get("/api/plans").json()["items"]
    assert (plan.pk in [p["id"] for p in listed]) == sees(name, "plan")
    actions = {a["id"] for a in client.get("/api/plans/actions").json()["items"]}
    assert (world["police_action"].pk in actions) == sees(name, "police_action")
    assert (world["council_action"].pk in actions) == sees(name, "council_action")
    csv_actions = client.get(reverse("plans:actions"), {"format": "csv"}).content.decode()
    assert ("Covert deployment" in csv_actions) == sees(name, "police_action")
    reviews = client.get(f"/api/plans/{plan.pk}/reviews")
    if sees(name, "plan"):
        assert bool(reviews.json()) == sees(name, "review")
    else:
        assert reviews.status_code == 404
    # Plan lists and reviews due follow the plan (shared with the council); gaps and
    # workload are about the threats themselves, which only the owner's scope sees
    owner_view = sees(name, "police_action")
    threat = plan.threat
    for url, expected in (
        (reverse("plans:list"), sees(name, "plan")),
        (reverse("plans:reviews-due") + "?within=365", sees(name, "plan")),
        (reverse("plans:gaps"), owner_view),
        (reverse("plans:workload"), owner_view),
    ):
        text = client.get(url).content.decode()
        assert (threat.name in text or "Helen Marsh" in text) == expected, (name, url)
    gaps = [g["threat"] for g in client.get("/api/plans/gaps").json()["items"]]
    assert (threat.reference in gaps) == owner_view
    load = [w["lro"] for w in client.get("/api/plans/workload").json()["items"]]
    assert ("wiltshire.lro" in load) == owner_view


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_tasking_proposals_and_boards_are_scoped(world, viewer):
    name, client = viewer
    proposals = [p["id"] for p in client.get("/api/plans/tasking/proposals").json()["items"]]
    assert (world["proposal"].pk in proposals) == sees(name, "proposal")
    board = client.get("/api/plans/tasking/boards/wiltshire")
    board_page = client.get(reverse("plans:pack", args=["wiltshire"]))
    may_sit = name in ("Wiltshire", "SWROCU", "NCA", "HMICFRS")
    assert board.status_code == (200 if may_sit else 404)
    assert board_page.status_code == (200 if may_sit else 404)
    if may_sit:
        assert board.json()["proposals"][0]["id"] == world["proposal"].pk


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_the_neighbourhood_briefing_shows_visible_threats_only(world, viewer):
    name, client = viewer
    threat = world["plan"].threat
    area = world["area"]
    text = client.get(reverse("plans:briefing-area", args=[area.pk])).content.decode()
    visible = name in ("Wiltshire", "SWROCU", "NCA", "HMICFRS")  # the threat itself
    assert (threat.reference in text) == visible
    body = client.get(f"/api/plans/briefing/{area.pk}").json()
    assert bool(body["threats"]) == visible
    assert threat.name not in text


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_records_of_a_plan_outside_scope_answer_404_to_writes_too(world, viewer):
    name, client = viewer
    action = world["police_action"]
    response = client.patch(f"/api/plans/actions/{action.pk}", {"status": "in_progress"},
                            content_type="application/json")  # fmt: skip
    if not sees(name, "police_action"):
        assert response.status_code == 404
    else:
        assert response.status_code == 403  # seen, but they are not its LRO or owner
    due = (dt.date.today() + dt.timedelta(days=9)).isoformat()
    added = client.post(f"/api/plans/{world['plan'].pk}/actions",
                        {"category": "prepare", "description": "x", "due_on": due,
                         "owner_organisation": "wiltshire-council"},
                        content_type="application/json")  # fmt: skip
    assert added.status_code == (403 if sees(name, "plan") else 404)


def test_anonymous_callers_are_refused_everywhere(world):
    client = Client()
    plan = world["plan"]
    for url in ("/api/plans", f"/api/plans/{plan.pk}", "/api/plans/actions", "/api/plans/gaps",
                "/api/plans/tasking/proposals", f"/api/plans/briefing/{world['area'].pk}"):
        assert client.get(url).status_code == 401, url
    for name, args in (("plans:list", []), ("plans:detail", [plan.pk]), ("plans:gaps", []),
                       ("plans:tasking", []), ("plans:briefing", []), ("plans:mine", [])):
        assert client.get(reverse(name, args=args)).status_code == 302


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_every_form_page_answers_404_outside_scope_and_403_to_onlookers(world, viewer):
    name, client = viewer
    plan = world["plan"]
    forms = [
        (reverse("plans:edit", args=[plan.pk]), "plan"),
        (reverse("plans:review", args=[plan.pk]), "plan"),
        (reverse("plans:add-action", args=[plan.pk]), "plan"),
        (reverse("plans:add-objective", args=[plan.pk]), "plan"),
        (reverse("plans:add-partner", args=[plan.pk]), "plan"),
        (reverse("plans:add-referral", args=[plan.pk]), "plan"),
        (reverse("plans:edit-action", args=[world["police_action"].pk]), "police_action"),
        (reverse("plans:decide", args=[world["proposal"].pk]), "proposal"),
        (reverse("plans:start", args=[plan.threat.pk]), "police_action"),  # the threat itself
    ]
    for url, part in forms:
        status = client.get(url).status_code
        assert status == (403 if sees(name, part) else 404), (name, url, status)
    # The council's own action and its referral are open to the council to report on
    council = client.get(reverse("plans:edit-action", args=[world["council_action"].pk]))
    referral = client.get(reverse("plans:answer-referral", args=[world["referral"].pk]))
    expected = {"Wiltshire Council": 200}.get(name, 403 if sees(name, "plan") else 404)
    assert (council.status_code, referral.status_code) == (expected, expected), name
    mine = client.get(reverse("plans:mine")).content.decode()
    assert ("Closure order on the flat" in mine) == (name == "Wiltshire Council")
