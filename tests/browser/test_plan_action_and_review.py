"""Wiltshire's LRO opens their threat's 4P plan from My work, adds an action under Prevent,
sees the gap under Prevent close, and records a review that sets the next review date."""

import datetime as dt

import pytest

from socmap.demo import DEMO_PASSWORD
from socmap.orgs.models import Organisation
from socmap.orgs.services import create_user, ensure_reference
from socmap.plans.models import Action, Review
from socmap.plans.services import create_plan, interval_for
from socmap.scoring.services import methodology_version
from socmap.threats.models import CrimeType, Status, ThreatKind
from socmap.threats.services import change_status, map_and_assess_threat

pytestmark = pytest.mark.browser

ANSWERS = {
    "criminality": "serious", "weapons": "bladed", "violence": "threats", "corruption": "none",
    "counter_surveillance": "basic", "legitimate_business": "none", "international_links": "none",
    "reach": "force", "network_size": "6-10", "intent": "medium",
}  # fmt: skip


@pytest.fixture
def plan(transactional_db):
    ensure_reference()
    wiltshire = Organisation.objects.get(name="Wiltshire")
    lro = create_user(
        actor=None, username="wiltshire.lro", email="lro@wiltshire.example",
        first_name="Helen", last_name="Marsh", organisation=wiltshire, roles=["lro"],
        password=DEMO_PASSWORD,
    ).user  # fmt: skip
    analyst = create_user(
        actor=None, username="wiltshire.analyst", email="a@wiltshire.example",
        first_name="Amira", last_name="Khan", organisation=wiltshire, roles=["analyst"],
    ).user  # fmt: skip
    threat = map_and_assess_threat(
        actor=analyst, kind=ThreatKind.OCG, name="Penhill line",
        predominant_crime_type=CrimeType.objects.get(code="county-lines"),
        methodology=methodology_version("group-matrix@1"), inputs=ANSWERS, lro=lro,
    )  # fmt: skip
    change_status(actor=analyst, threat=threat, to_status=Status.ACTIVE, reason="Adopted")
    return create_plan(actor=lro, threat=threat)


def test_lro_adds_an_action_under_prevent_and_records_a_review(live_server, page, plan):
    # Given the LRO has signed in
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("wiltshire.lro")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    # When they open their threat's plan from My work
    page.get_by_role("link", name="My work").first.click()
    page.wait_for_url("**/plans/mine/")
    page.get_by_role("link", name="Open the plan of OCG").click()
    page.wait_for_url(f"**/plans/{plan.pk}/")
    prevent = page.locator("section.fourp__p", has=page.get_by_role("heading", name="Prevent"))
    assert "No action under Prevent." in prevent.inner_text()

    # And add an action under Prevent, owned by themselves, due in three weeks
    prevent.get_by_role("link", name="Add an action under Prevent").click()
    page.wait_for_url("**/actions/add/?p=prevent")
    assert page.get_by_label("Prevent", exact=False).first.is_checked()
    page.get_by_label("Description").fill("School inputs on county lines in Penhill")
    due = dt.date.today() + dt.timedelta(days=21)
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_label("Owner: an officer").select_option(label="Helen Marsh (wiltshire.lro)")
    page.get_by_role("button", name="Add the action").click()

    # Then the plan shows the action under Prevent and the gap there is gone
    page.wait_for_url(f"**/plans/{plan.pk}/")
    assert "added under Prevent" in page.locator(".messages").inner_text()
    prevent = page.locator("section.fourp__p", has=page.get_by_role("heading", name="Prevent"))
    assert "School inputs on county lines in Penhill" in prevent.inner_text()
    assert "No action under Prevent." not in prevent.inner_text()
    assert Action.objects.get().category == "prevent"

    # When they record a review of the plan
    page.get_by_role("link", name="Record a review").click()
    page.wait_for_url(f"**/plans/{plan.pk}/review/")
    page.get_by_label("Some concerns").check()
    page.get_by_label("Summary").fill("Prevent under way; Pursue and Protect still to plan.")
    page.get_by_role("button", name="Record the review").click()

    # Then the review is in the plan's history and the next review is one interval away
    page.wait_for_url(f"**/plans/{plan.pk}/")
    due_next = dt.date.today() + dt.timedelta(days=interval_for(plan))
    assert f"{due_next:%d %b %Y}" in page.locator(".messages").inner_text()
    reviews = page.locator("section", has=page.get_by_role("heading", name="Reviews", exact=True))
    assert "Some concerns" in reviews.inner_text()
    assert "Prevent under way" in reviews.inner_text()
    assert Review.objects.get().reviewed_as == "LRO"
