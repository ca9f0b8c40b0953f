"""No user sees a disruption they should not: every page and API endpoint, for a Wiltshire
claim, as its own force, another force of the region, the South West ROCU, a force of another
region, the NCA, a partner without and with a share, and an anonymous visitor. A claim outside
someone's scope answers 404, exactly like one that does not exist."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from socmap.disruptions import services
from socmap.orgs.services import share_record
from tests.threat_page import as_shown

from .conftest import days_ago

pytestmark = pytest.mark.django_db

# persona fixture -> whether they see the Wiltshire claim
SEES = {
    "wiltshire_analyst": True,  # its own force
    "dorset_analyst": False,  # another force of the South West
    "swrocu_officer": True,  # the South West ROCU
    "kent_analyst": False,  # a force of another region
    "nca_officer": True,  # national
    "council_partner": False,  # a partner it is not shared with
    "shared_partner": True,  # a partner it is shared with
}
PERSONAS = list(SEES)
# those who see it because they answer for it (not only because it was shared)
ANSWER_FOR_IT = {"wiltshire_analyst", "swrocu_officer", "nca_officer"}


@pytest.fixture
def kent_analyst(make_user, org):
    return make_user(org("Kent"), "analyst", username="kent.analyst")


@pytest.fixture
def claim(submitted):
    return submitted


@pytest.fixture
def shared_partner(claim, council_partner, wiltshire_analyst, wiltshire_council):
    share_record(actor=wiltshire_analyst, record=claim, organisation=wiltshire_council)
    return council_partner


def page_client(request, name) -> Client:
    user = request.getfixturevalue(name)
    client = Client()
    client.force_login(user)
    return client


# --------------------------------------------------------------------------- pages


@pytest.mark.parametrize("name", PERSONAS)
def test_the_list_and_its_exports_show_the_claim_only_to_those_in_scope(request, claim, name):
    client = page_client(request, name)
    for url in ("disruptions:list", "disruptions:unvalidated"):
        assert (claim.reference in client.get(reverse(url)).content.decode()) == SEES[name]
    exported = client.get(reverse("disruptions:list"), {"format": "csv"}).content.decode()
    assert (claim.reference in exported) == SEES[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_the_claims_page_is_there_only_for_those_in_scope(request, claim, name):
    response = page_client(request, name).get(reverse("disruptions:detail", args=[claim.pk]))
    assert response.status_code == (200 if SEES[name] else 404)


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("action", ["edit", "share"])
def test_changing_or_sharing_is_for_the_organisations_answering_for_it(
    request, claim, name, action
):
    response = page_client(request, name).get(reverse(f"disruptions:{action}", args=[claim.pk]))
    if not SEES[name]:
        assert response.status_code == 404
    elif name in ANSWER_FOR_IT:
        # the claim is submitted, so the edit page sends the analyst back to it
        assert response.status_code == (302 if action == "edit" else 200)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("name", PERSONAS)
def test_submitting_someone_elses_claim_is_not_possible_out_of_scope(request, claim, name):
    response = page_client(request, name).post(reverse("disruptions:submit", args=[claim.pk]))
    assert response.status_code in ((302, 403) if SEES[name] else (404,))


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("action", ["validate", "return", "regrade"])
def test_the_validation_pages_are_not_found_out_of_scope(request, claim, name, action):
    response = page_client(request, name).get(reverse(f"disruptions:{action}", args=[claim.pk]))
    assert response.status_code == (403 if SEES[name] else 404)


@pytest.mark.parametrize("name", PERSONAS)
def test_the_figures_count_only_what_is_in_scope(request, claim, wiltshire_validator, name):
    services.validate_disruption(actor=wiltshire_validator, disruption=claim)
    response = page_client(request, name).get(reverse("disruptions:figures"), {"format": "csv"})
    rows = {r[0]: r[1] for r in csv.reader(io.StringIO(response.content.decode()))}
    assert (rows.get("Wiltshire") == "1") == SEES[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_the_overdue_list_shows_the_claim_only_in_scope(request, claim, name):
    from socmap.disruptions.models import Disruption

    Disruption.objects.filter(pk=claim.pk).update(
        submitted_at=claim.submitted_at - dt.timedelta(days=60)
    )
    page = page_client(request, name).get(reverse("disruptions:overdue")).content.decode()
    assert (claim.reference in page) == SEES[name]


def test_a_partner_sees_the_shared_claim_but_not_the_threat_it_was_not_given(
    client_for, shared_partner, claim
):
    page = client_for(shared_partner).get(reverse("disruptions:detail", args=[claim.pk]))
    text = page.content.decode()
    assert "Not shared with you" in text  # the threat is withheld, not named or counted
    assert claim.threats.get().reference not in text
    assert "Recorded" in text  # the history is there
    exported = client_for(shared_partner).get(reverse("disruptions:list"), {"format": "csv"})
    row = list(csv.DictReader(io.StringIO(exported.content.decode())))[0]
    assert row["reference"] == claim.reference and row["threats"] == ""


def test_the_threat_page_shows_only_the_disruptions_the_viewer_may_see(
    client_for, record, claim, nca_officer, wiltshire_analyst, wiltshire_threat
):
    # The NCA records its own disruption against the Wiltshire threat
    national = record(nca_officer, [wiltshire_threat], occurred_on=days_ago(1))
    wiltshire_page = as_shown(client_for(wiltshire_analyst), wiltshire_threat)
    assert claim.reference in wiltshire_page and national.reference not in wiltshire_page
    nca_page = as_shown(client_for(nca_officer), wiltshire_threat)
    assert claim.reference in nca_page and national.reference in nca_page


def test_anonymous_visitors_are_sent_to_sign_in(claim):
    client = Client()
    for url in (
        reverse("disruptions:list"),
        reverse("disruptions:detail", args=[claim.pk]),
        reverse("disruptions:record"),
        reverse("disruptions:unvalidated"),
        reverse("disruptions:overdue"),
        reverse("disruptions:figures"),
        reverse("disruptions:import"),
        reverse("disruptions:template"),
        reverse("disruptions:guidance"),
        reverse("disruptions:validate", args=[claim.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


# --------------------------------------------------------------------------- API

API = "/api/disruptions"


@pytest.mark.parametrize("name", PERSONAS)
def test_the_api_lists_and_exports_the_claim_only_in_scope(request, claim, name):
    client = page_client(request, name)
    listed = [d["reference"] for d in client.get(API).json()["items"]]
    assert (claim.reference in listed) == SEES[name]
    waiting = [d["reference"] for d in client.get(f"{API}/unvalidated").json()["items"]]
    assert (claim.reference in waiting) == SEES[name]
    exported = client.get(f"{API}/export", {"format": "csv"}).content.decode()
    assert (claim.reference in exported) == SEES[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_the_api_answers_404_for_a_claim_out_of_scope(request, claim, name):
    client = page_client(request, name)
    response = client.get(f"{API}/{claim.pk}")
    assert response.status_code == (200 if SEES[name] else 404)
    for action, payload in (
        ("submit", {}),
        ("validate", {}),
        ("return", {"reasons": "No"}),
        ("regrade", {"grade": "major", "rationale": "x"}),
    ):
        response = client.post(
            f"{API}/{claim.pk}/{action}", json.dumps(payload), content_type="application/json"
        )
        # in scope: refused for want of the role or the right status (403 / 400); else 404
        assert response.status_code in ((400, 403) if SEES[name] else (404,)), (action, response)
    response = client.patch(
        f"{API}/{claim.pk}", json.dumps({"narrative": "x"}), content_type="application/json"
    )
    assert response.status_code in ((400, 403) if SEES[name] else (404,))


@pytest.mark.parametrize("name", PERSONAS)
def test_the_api_figures_and_overdue_list_count_only_what_is_in_scope(
    request, claim, wiltshire_validator, name
):
    from socmap.disruptions.models import Disruption

    client = page_client(request, name)
    Disruption.objects.filter(pk=claim.pk).update(
        submitted_at=claim.submitted_at - dt.timedelta(days=60)
    )
    overdue = [d["reference"] for d in client.get(f"{API}/overdue").json()["items"]]
    assert (claim.reference in overdue) == SEES[name]
    services.validate_disruption(actor=wiltshire_validator, disruption=claim)
    forces = {f["slug"]: f["validated"] for f in client.get(f"{API}/figures").json()["forces"]}
    assert (forces.get("wiltshire") == 1) == SEES[name]


def test_the_api_hides_a_threat_the_partner_was_not_given(client_for, shared_partner, claim):
    body = client_for(shared_partner).get(f"{API}/{claim.pk}").json()
    assert body["threats"] == [] and body["may"] == []
    assert [s["action"] for s in body["history"]] == ["recorded", "submitted"]


def test_the_api_refuses_anonymous_callers_everywhere(claim):
    client = Client()
    for path in (
        "",
        "/export",
        "/unvalidated",
        "/overdue",
        "/figures",
        "/tactics",
        "/grade-guidance",
        "/import/template",
        f"/{claim.pk}",
    ):
        assert client.get(f"{API}{path}").status_code == 401, path
    assert client.post(f"{API}/{claim.pk}/validate", "{}", "application/json").status_code == 401
    assert client.post(f"{API}/import").status_code == 401


@pytest.mark.parametrize(
    ("organisation", "sees"),
    [("Wiltshire", True), ("Dorset", False), ("SWROCU", True), ("Kent", False), ("NCA", True)],
)
def test_the_validators_dashboard_lists_only_claims_in_scope(
    client_for, make_user, org, claim, organisation, sees
):
    validator = make_user(org(organisation), "validator")
    page = client_for(validator).get("/").content.decode()
    assert "Disruptions waiting for validation" in page
    assert (claim.reference in page) == sees
