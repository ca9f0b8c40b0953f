"""Who may see Wiltshire's local profile and strategic assessment, on every page and endpoint:
Wiltshire, its ROCU and national users; not Dorset (same region), Durham (another region) or a
partner agency, until the profile is shared with that partner, who then reads only the partner
edition. Anonymous visitors are sent to sign in (pages) or refused (API)."""

from __future__ import annotations

import pytest
from django.test import Client

from socmap.orgs.services import share_record

SEES = {
    "wiltshire_analyst": True,
    "dorset_analyst": False,
    "swrocu_officer": True,
    "durham_analyst": False,
    "nca_officer": True,
    "council_partner": False,
}
PROFILE_PAGES = [
    "/profiles/{p}/",
    "/profiles/{p}/versions/1/",
    "/profiles/{p}/export/?format=pdf",
    "/profiles/{p}/export/?format=docx",
]
PROFILE_API = [
    "/api/profiles/{p}",
    "/api/profiles/{p}/versions",
    "/api/profiles/{p}/versions/1/diff",
    "/api/profiles/{p}/export?format=pdf",
]
STRATEGY_PAGES = ["/control-strategy/{a}/"]
STRATEGY_API = ["/api/profiles/strategy/{a}"]


@pytest.fixture
def records(profile, assessment, world):
    from socmap.profiles.services import add_priority

    add_priority(actor=None, assessment=assessment, kind="threat", threat=world["threat"])
    return {"p": profile.pk, "a": assessment.pk, "t": world["threat"].pk}


@pytest.mark.parametrize("persona", list(SEES))
def test_profile_pages_and_endpoints_answer_only_those_in_scope(persona, records, request):
    user = request.getfixturevalue(persona)
    client = Client()
    client.force_login(user)
    expected = 200 if SEES[persona] else 404
    for url in PROFILE_PAGES + PROFILE_API + STRATEGY_PAGES + STRATEGY_API:
        reply = client.get(url.format(**records))
        assert reply.status_code == expected, (persona, url)
    listed = client.get("/api/profiles/").json()
    assert listed["count"] == (1 if SEES[persona] else 0)
    assert client.get("/profiles/").context["page"].paginator.count == listed["count"]
    strategies = client.get("/api/profiles/strategy").json()
    assert strategies["count"] == (1 if SEES[persona] else 0)
    assert client.get("/control-strategy/").context["page"].paginator.count == (strategies["count"])


@pytest.mark.parametrize("persona", list(SEES))
def test_the_control_strategy_relation_of_a_threat_answers_like_the_threat(
    persona, records, request
):
    user = request.getfixturevalue(persona)
    client = Client()
    client.force_login(user)
    reply = client.get(f"/api/profiles/strategy/threats/{records['t']}")
    sees_threat = persona in ("wiltshire_analyst", "swrocu_officer", "nca_officer")
    assert reply.status_code == (200 if sees_threat else 404)
    if sees_threat:
        assert [r["kind"] for r in reply.json()] == ["threat"]


def test_a_partner_with_a_share_reads_only_the_partner_edition_everywhere(
    records, profile, wiltshire_analyst, council_partner, wiltshire_council
):
    share_record(actor=wiltshire_analyst, record=profile, organisation=wiltshire_council)
    client = Client()
    client.force_login(council_partner)
    page = client.get(f"/profiles/{profile.pk}/").content.decode()
    assert "Partner edition: what is withheld" in page
    assert "Kettering firm" not in page and "Kestrel" not in page
    assert "Operation Kestrel targets" not in page  # the internal narrative
    api = client.get(f"/api/profiles/{profile.pk}", {"edition": "full"}).json()
    assert api["edition"] == "partner" and "top_threats" not in api["figures"]
    assert [s["key"] for s in api["sections"]] == ["summary", "partner_data", "recommendations"]
    docx = client.get(f"/profiles/{profile.pk}/export/", {"format": "docx", "edition": "full"})
    assert f'filename="lp-{profile.pk:06d}-v1-partner-' in docx["Content-Disposition"]
    # the strategy is never shared with partners
    assert client.get(f"/control-strategy/{records['a']}/").status_code == 404
    # and a partner may not edit
    reply = client.post(
        f"/api/profiles/{profile.pk}/edit",
        {"version": 1, "sections": {"summary": "x"}},
        content_type="application/json",
    )
    assert reply.status_code == 403


def test_writes_answer_404_outside_scope(records, dorset_analyst, durham_analyst):
    for user in (dorset_analyst, durham_analyst):
        client = Client()
        client.force_login(user)
        reply = client.post(
            f"/api/profiles/{records['p']}/edit",
            {"version": 1, "sections": {"summary": "x"}},
            content_type="application/json",
        )
        assert reply.status_code == 404
        reply = client.post(
            f"/api/profiles/strategy/{records['a']}/review",
            {"summary": "x"},
            content_type="application/json",
        )
        assert reply.status_code == 404
        assert client.get(f"/profiles/{records['p']}/edit/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(records):
    client = Client()
    for url in PROFILE_PAGES + STRATEGY_PAGES + ["/profiles/", "/control-strategy/"]:
        reply = client.get(url.format(**records))
        assert reply.status_code == 302 and "/login" in reply["Location"], url
    for url in PROFILE_API + STRATEGY_API + ["/api/profiles/", "/api/profiles/strategy"]:
        assert client.get(url.format(**records)).status_code == 401, url


WRITE_PAGES = [
    ("/profiles/{p}/regenerate/", {"version": 1}),
    ("/profiles/{p}/share/", {"organisation": "wiltshire-council"}),
    ("/profiles/{p}/edit/", {"version": 1, "title": "x", "section_summary": "x"}),
    ("/control-strategy/{a}/edit/", {"title": "x"}),
    ("/control-strategy/{a}/priorities/", {"kind": "crime_type", "crime_type": "fraud"}),
    ("/control-strategy/priorities/{q}/end/", {"reason": "x"}),
    ("/control-strategy/{a}/review/", {"summary": "x"}),
]
WRITE_API = [
    ("/api/profiles/{p}/regenerate", {"version": 1}),
    ("/api/profiles/{p}/share", {"organisation": "wiltshire-council"}),
    ("/api/profiles/strategy/{a}/priorities", {"kind": "crime_type", "crime_type": "fraud"}),
    ("/api/profiles/strategy/priorities/{q}/end", {"reason": "x"}),
    ("/api/profiles/strategy/{a}/review", {"summary": "x"}),
]


@pytest.fixture
def write_records(records, assessment):
    from socmap.profiles.models import Priority

    return {**records, "q": Priority.objects.get(assessment=assessment).pk}


@pytest.mark.parametrize("persona", ["dorset_analyst", "durham_analyst"])
def test_every_write_answers_404_to_an_analyst_outside_scope(persona, write_records, request):
    from socmap.profiles.models import LocalProfile, Priority, SixMonthReview

    client = Client()
    client.force_login(request.getfixturevalue(persona))
    for url, data in WRITE_PAGES:
        assert client.post(url.format(**write_records), data).status_code == 404, url
    for url, data in WRITE_API:
        reply = client.post(url.format(**write_records), data, content_type="application/json")
        assert reply.status_code == 404, url
    assert (
        client.patch(
            f"/api/profiles/strategy/{write_records['a']}",
            {"title": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert LocalProfile.objects.get().version == 1
    assert Priority.objects.count() == 1 and not SixMonthReview.objects.exists()


def test_an_inspector_sees_but_may_not_write(write_records, inspector):
    from socmap.profiles.models import LocalProfile

    client = Client()
    client.force_login(inspector)
    assert client.get(f"/profiles/{write_records['p']}/").status_code == 200
    assert client.get(f"/profiles/{write_records['p']}/edit/").status_code == 403
    reply = client.post(
        f"/api/profiles/{write_records['p']}/edit",
        {"version": 1, "sections": {"summary": "x"}},
        content_type="application/json",
    )
    assert reply.status_code == 403
    reply = client.post(
        f"/api/profiles/strategy/{write_records['a']}/review",
        {"summary": "x"},
        content_type="application/json",
    )
    assert reply.status_code == 403
    assert LocalProfile.objects.get().version == 1
