"""Who sees which performance figures, for every page and API endpoint, as the Wiltshire
force, another force of the region, the South West ROCU, a force of another region, the NCA,
a partner without and with a share, and an anonymous visitor.

* Rates, rankings, trends and breakdowns are force-level counts (published figures): every
  police user sees them for every force; partners see only the public summary.
* Compliance and what works are computed from records, so they count only what the user may
  see, like every other read.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from socmap.orgs.services import share_record

pytestmark = pytest.mark.django_db

API = "/api/performance"
POLICE = ["wiltshire_analyst", "dorset_analyst", "swrocu_officer", "kent_analyst", "nca_officer"]
PARTNERS = ["council_partner", "shared_partner"]
PERSONAS = POLICE + PARTNERS
# persona -> whether the Wiltshire records (threat, claim) are theirs to see
SEES_WILTSHIRE_RECORDS = {
    "wiltshire_analyst": True,
    "dorset_analyst": False,
    "swrocu_officer": True,
    "kent_analyst": False,
    "nca_officer": True,
}
AGGREGATE_PAGES = ("performance:ranking", "performance:trends", "performance:breakdown")
RECORD_PAGES = ("performance:compliance", "performance:what-works")
FIGURE_ENDPOINTS = ("/ranking", "/rates", "/trends", "/breakdown", "/compliance", "/what-works")


@pytest.fixture
def kent_analyst(make_user, org):
    return make_user(org("Kent"), "analyst", username="kent.analyst")


@pytest.fixture
def claim(validated):
    return validated


@pytest.fixture
def shared_partner(claim, council_partner, wiltshire_analyst, wiltshire_council):
    share_record(actor=wiltshire_analyst, record=claim, organisation=wiltshire_council)
    for threat in claim.threats.all():
        share_record(actor=wiltshire_analyst, record=threat, organisation=wiltshire_council)
    return council_partner


def client_as(request, name) -> Client:
    client = Client()
    client.force_login(request.getfixturevalue(name))
    return client


def rows(response) -> dict[str, dict[str, str]]:
    header, *body = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[1] if header[0] == "rank" else row[0]: dict(zip(header, row, strict=True))
            for row in body}  # fmt: skip


@pytest.mark.parametrize("name", POLICE)
def test_every_police_user_sees_every_forces_rate_in_the_ranking(request, claim, name):
    client = client_as(request, name)
    for url in AGGREGATE_PAGES:
        assert client.get(reverse(url)).status_code == 200, url
    ranking = rows(client.get(reverse("performance:ranking"), {"format": "csv"}))
    assert ranking["Wiltshire"]["disruptions"] == "1"
    body = client.get(f"{API}/ranking").json()
    assert {f["slug"]: f["count"] for f in body["forces"]}["wiltshire"] == 1


@pytest.mark.parametrize("name", POLICE)
def test_compliance_and_what_works_count_only_the_records_in_scope(request, claim, name):
    client = client_as(request, name)
    for url in RECORD_PAGES:
        assert client.get(reverse(url)).status_code == 200, url
    compliance = rows(client.get(reverse("performance:compliance"), {"format": "csv"}))
    assert ("Wiltshire" in compliance) == SEES_WILTSHIRE_RECORDS[name]
    body = client.get(f"{API}/compliance").json()
    assert ("wiltshire" in {f["slug"] for f in body["forces"]}) == SEES_WILTSHIRE_RECORDS[name]
    assert (body["total"]["disruptions"] == 1) == SEES_WILTSHIRE_RECORDS[name]
    survival = client.get(f"{API}/what-works").json()["survival"]
    threats = next((r["threats"] for r in survival if r["code"] == "all"), 0)
    assert (threats == 1) == SEES_WILTSHIRE_RECORDS[name]


@pytest.mark.parametrize("name", PARTNERS)
def test_a_partner_with_or_without_a_share_sees_only_the_public_summary(request, claim, name):
    client = client_as(request, name)
    # the ranking sends them to the public summary; the other figures are refused
    response = client.get(reverse("performance:ranking"))
    assert response.status_code == 302 and response.url == reverse("performance:public")
    for url in ("performance:trends", "performance:breakdown", *RECORD_PAGES):
        assert client.get(reverse(url)).status_code == 403, url
    for path in FIGURE_ENDPOINTS:
        assert client.get(f"{API}{path}").status_code == 403, path
    assert (
        client.get(
            reverse("performance:reports"), {"kind": "pack", "force": "wiltshire"}
        ).status_code
        == 403
    )  # noqa: E501
    # the public summary of their home force is theirs to read, rounded
    page = client.get(reverse("performance:public")).content.decode()
    assert "Wiltshire" in page and "made one arrest" not in page  # the claim made 2 arrests
    assert "made two arrests" in page
    assert client.get(f"{API}/public-summary", {"force": "wiltshire"}).status_code == 200
    public = client.get(reverse("performance:reports"), {"kind": "public", "force": "wiltshire"})
    assert public.status_code == 200 and public["Content-Type"] == "application/pdf"


def test_anonymous_visitors_see_nothing(claim):
    client = Client()
    for url in (*AGGREGATE_PAGES, *RECORD_PAGES, "performance:public", "performance:reports"):
        response = client.get(reverse(url))
        assert response.status_code == 302 and "/login/" in response.url, url
    for path in (*FIGURE_ENDPOINTS, "/public-summary", "/report"):
        assert client.get(f"{API}{path}").status_code == 401, path


def test_the_public_summary_names_no_operation_person_or_threat(client_for, claim, nca_officer):
    from socmap.disruptions.models import Disruption

    Disruption.objects.filter(pk=claim.pk).update(
        operation_name="Operation Kingfisher", narrative="Jack Stone arrested"
    )
    text = client_for(nca_officer).get(reverse("performance:public"), {"force": "wiltshire"})
    page = text.content.decode()
    threat = claim.threats.get()
    for secret in ("Kingfisher", "Jack Stone", threat.name, threat.reference, claim.reference):
        assert secret not in page
