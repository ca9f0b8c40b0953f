"""The plan pages as an LRO, a tasking chair, a partner and an outsider use them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from socmap.orgs.models import LocalArea
from socmap.plans import services
from socmap.plans.models import Action, Review
from tests.threat_page import as_shown

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_threat_page_shows_the_plan_summary_with_gaps_and_links(
    client_for, wiltshire_lro, plan, add_action
):
    add_action(plan, "prevent")
    text = as_shown(client_for(wiltshire_lro), plan.threat)
    assert "Actions by P in" in text and "no action under Pursue, Protect, Prepare" in text
    assert reverse("plans:detail", args=[plan.pk]) in text
    assert reverse("plans:review", args=[plan.pk]) in text


def test_the_threat_page_offers_to_start_a_missing_plan(client_for, wiltshire_lro, threat):
    text = as_shown(client_for(wiltshire_lro), threat)
    assert "No 4P plan yet" in text and reverse("plans:start", args=[threat.pk]) in text


def test_lro_starts_a_plan_from_the_form(client_for, wiltshire_lro, threat):
    response = client_for(wiltshire_lro).post(
        reverse("plans:start", args=[threat.pk]), {"review_interval_days": "30", "look_for": ""}
    )
    assert response.status_code == 302
    assert threat.plan.review_interval_days == 30


def test_an_analyst_may_not_open_the_start_form(client_for, wiltshire_analyst, threat):
    response = client_for(wiltshire_analyst).get(reverse("plans:start", args=[threat.pk]))
    assert response.status_code == 403


def test_the_plan_page_shows_the_four_ps_actions_reviews_and_partners(
    client_for, wiltshire_lro, plan, add_action, wiltshire_council
):
    add_action(plan, "pursue", description="Warrant at the trap house")
    services.add_partner(actor=wiltshire_lro, plan=plan, organisation=wiltshire_council)
    services.record_review(actor=wiltshire_lro, plan=plan, progress="on_track", summary="Good")
    text = client_for(wiltshire_lro).get(reverse("plans:detail", args=[plan.pk])).content.decode()
    for expected in ("Pursue", "Prevent", "Protect", "Prepare", "Warrant at the trap house",
                     "Wiltshire Council", "On track", "No action under Prevent."):  # fmt: skip
        assert expected in text


def test_lro_adds_an_action_and_sees_refusals_as_field_errors(client_for, wiltshire_lro, plan):
    client = client_for(wiltshire_lro)
    url = reverse("plans:add-action", args=[plan.pk])
    yesterday = dt.date.today() - dt.timedelta(days=1)
    refused = client.post(url, {"description": "Diversion", "due_on": yesterday.isoformat()})
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "Choose one of the four Ps" in text and "Give the action an owner" in text
    assert "cannot be in the past" in text
    assert not Action.objects.exists()
    done = client.post(
        url,
        {
            "category": "prevent",
            "description": "Diversion scheme referrals",
            "due_on": (dt.date.today() + dt.timedelta(days=20)).isoformat(),
            "owner_user": wiltshire_lro.pk,
        },
    )
    assert done.status_code == 302
    assert Action.objects.get().category == "prevent"


def test_lro_records_a_review_through_the_form(client_for, wiltshire_lro, plan):
    client = client_for(wiltshire_lro)
    url = reverse("plans:review", args=[plan.pk])
    assert client.post(url, {"progress": "on_track"}).status_code == 400
    response = client.post(url, {"progress": "concerns", "summary": "Protect needs work"})
    assert response.status_code == 302
    assert Review.objects.get().summary == "Protect needs work"


def test_someone_not_the_lro_cannot_open_the_review_form(client_for, other_lro, plan):
    assert client_for(other_lro).get(reverse("plans:review", args=[plan.pk])).status_code == 403


def test_the_action_owner_may_report_status_only(client_for, plan, add_action, wiltshire_analyst):
    action = add_action(plan, owner_user=wiltshire_analyst)
    client = client_for(wiltshire_analyst)
    page = client.get(reverse("plans:edit-action", args=[action.pk])).content.decode()
    assert 'name="status"' in page and 'name="owner_user"' not in page
    response = client.post(
        reverse("plans:edit-action", args=[action.pk]),
        {"status": "completed", "outcome": "Closure order obtained"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "completed"


def test_plan_list_filters_gaps_and_exports(client_for, wiltshire_lro, plan, add_action, map_group):
    add_action(plan, "pursue")
    full = services.create_plan(
        actor=wiltshire_lro, threat=map_group("Full group", lro=wiltshire_lro)
    )
    for p in ("pursue", "prevent", "protect", "prepare"):
        add_action(full, p)
    client = client_for(wiltshire_lro)
    text = client.get(reverse("plans:list"), {"gap": "prevent"}).content.decode()
    assert "Riverside crew" in text and "Full group" not in text
    rows = _csv(client.get(reverse("plans:list"), {"format": "csv", "sort": "name"}))
    assert rows[0][:3] == ["plan", "threat", "name"]
    assert [r[2] for r in rows[1:]] == ["Full group", "Riverside crew"]
    book = load_workbook(io.BytesIO(client.get(reverse("plans:list"), {"format": "xlsx"}).content))
    assert book.active.max_row == 3


def test_overdue_actions_list_and_export(client_for, wiltshire_lro, plan, add_action):
    late = add_action(plan, "protect", description="Safeguarding visit")
    Action.objects.filter(pk=late.pk).update(due_on=dt.date.today() - dt.timedelta(days=4))
    add_action(plan, "pursue", description="Not yet due")
    client = client_for(wiltshire_lro)
    text = client.get(reverse("plans:actions"), {"overdue": "1"}).content.decode()
    assert "Safeguarding visit" in text and "Not yet due" not in text
    rows = _csv(client.get(reverse("plans:actions"), {"overdue": "1", "format": "csv"}))
    assert rows[1][0] == late.reference and rows[1][rows[0].index("days_overdue")] == "4"


def test_gaps_page_shows_each_kind_of_gap(client_for, wiltshire_chair, map_group, wiltshire_lro,
                                          plan, settings):  # fmt: skip
    settings.SOCMAP_LRO_THREAT_LIMIT = 1
    map_group("Leaderless group")
    map_group("Second led group", lro=wiltshire_lro)
    client = client_for(wiltshire_chair)
    text = client.get(reverse("plans:gaps")).content.decode()
    for label in ("No LRO", "No 4P plan", "No action under a P", "LRO over the limit"):
        assert label in text
    rows = _csv(client.get(reverse("plans:gaps"), {"gap": "no_lro", "format": "csv"}))
    assert [r[3] for r in rows[1:]] == ["Leaderless group"]
    workload = client.get(reverse("plans:workload"), {"format": "csv"})
    assert _csv(workload)[1][:4] == ["wiltshire.lro", "Helen Marsh", "Wiltshire", "2"]


def test_my_work_lists_my_threats_actions_and_reviews(client_for, wiltshire_lro, plan, add_action,
                                                      map_group):  # fmt: skip
    add_action(plan, "prepare", description="Brief the landlords' forum")
    map_group("Unplanned group", lro=wiltshire_lro)
    from socmap.plans.models import Plan

    Plan.objects.filter(pk=plan.pk).update(next_review_due=dt.date.today() - dt.timedelta(days=2))
    text = client_for(wiltshire_lro).get(reverse("plans:mine")).content.decode()
    assert "Riverside crew" in text and "Unplanned group" in text and "No plan yet" in text
    assert "Brief the landlords&#x27; forum" in text
    assert "2 days overdue" in text


def test_the_dashboard_shows_lro_and_tasking_chair_panels(client_for, wiltshire_lro,
                                                          wiltshire_chair, plan):  # fmt: skip
    assert b"Your plan reviews due" in client_for(wiltshire_lro).get("/").content
    assert b"Gaps in 4P management" in client_for(wiltshire_chair).get("/").content


def test_tasking_board_proposal_and_decision_through_pages(
    client_for, wiltshire_analyst, wiltshire_chair, threat, other_lro, org
):
    analyst = client_for(wiltshire_analyst)
    board = analyst.get(reverse("plans:tasking")).content.decode()
    assert "Tasking board: Wiltshire" in board and "Riverside crew" in board
    response = analyst.post(
        reverse("plans:propose"),
        {"threat": threat.pk, "board": org("Wiltshire").pk, "kind": "change_lro",
         "lro": other_lro.pk, "reason": "Workload"},
    )  # fmt: skip
    assert response.status_code == 302
    proposal = threat.tasking_proposals.get()
    chair = client_for(wiltshire_chair)
    assert f"/plans/tasking/proposals/{proposal.pk}/decide/" in chair.get(
        reverse("plans:tasking")
    ).content.decode()
    assert analyst.get(reverse("plans:decide", args=[proposal.pk])).status_code == 403
    done = chair.post(reverse("plans:decide", args=[proposal.pk]),
                      {"outcome": "agreed", "reason": "Agreed"})  # fmt: skip
    assert done.status_code == 302
    threat.refresh_from_db()
    assert threat.lro == other_lro


def test_the_tasking_pack_prints_and_downloads_as_pdf(client_for, wiltshire_chair, plan, org):
    client = client_for(wiltshire_chair)
    page = client.get(reverse("plans:pack", args=["wiltshire"]))
    assert page.status_code == 200 and b"Tasking pack: Wiltshire" in page.content
    pdf = client.get(reverse("plans:pack", args=["wiltshire"]), {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_neighbourhood_briefing_withholds_names(client_for, wiltshire_analyst, map_group,
                                                    wiltshire_lro, org):  # fmt: skip
    swindon = LocalArea.objects.create(force=org("Wiltshire"), name="Swindon")
    threat = map_group("The Smith family", lro=wiltshire_lro, description="Intel 4/23 says X",
                       operation_names=["Operation Kestrel"], forces=[org("Wiltshire")],
                       local_areas=[swindon])  # fmt: skip
    plan = services.create_plan(actor=wiltshire_lro, threat=threat,
                                look_for="Taxis dropping teenagers at the station")
    client = client_for(wiltshire_analyst)
    assert "Swindon" in client.get(reverse("plans:briefing")).content.decode()
    text = client.get(reverse("plans:briefing-area", args=[swindon.pk])).content.decode()
    assert threat.reference in text and "Taxis dropping teenagers" in text
    assert "Helen Marsh" in text and "How to submit intelligence" in text
    for secret in ("Smith", "Intel 4/23", "Kestrel"):
        assert secret not in text
    assert "the intelligence description" in text and "operation names" in text
    assert plan.look_for


def test_lists_have_empty_states(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    for name, words in (
        ("plans:list", "No 4P plans you can see yet"),
        ("plans:actions", "No actions match"),
        ("plans:reviews-due", "No plan review is due"),
        ("plans:gaps", "No gaps"),
        ("plans:workload", "No LROs"),
        ("plans:briefing", "No local area has an active threat"),
    ):
        assert words in client.get(reverse(name)).content.decode(), name


def test_a_partner_sees_the_shared_plan_but_not_police_actions(
    client_for, plan, add_action, wiltshire_council, council_partner
):
    add_action(plan, "pursue", description="Covert deployment")
    theirs = add_action(plan, "protect", owner_user=None, owner_organisation=wiltshire_council,
                        description="Tenancy enforcement")  # fmt: skip
    client = client_for(council_partner)
    text = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Tenancy enforcement" in text and "Covert deployment" not in text
    assert "Shared with Wiltshire Council" in text
    assert theirs.reference in client.get(reverse("plans:mine")).content.decode()
    assert client.get(reverse("threats:detail", args=[plan.threat.pk])).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, plan):
    for url in (reverse("plans:list"), reverse("plans:detail", args=[plan.pk]),
                reverse("plans:mine"), reverse("plans:tasking")):  # fmt: skip
        assert client.get(url).status_code == 302

