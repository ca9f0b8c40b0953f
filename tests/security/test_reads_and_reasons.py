"""Reads of sensitive records leave a trace, and a restricted record opens only with a reason.

Threat, nominal, plan and intelligence report pages (and their API reads) write a
``<record>.viewed`` audit event. Opening a restricted record first asks why (an interstitial
form on the web, the ``X-Access-Reason`` header in the API); the reason is kept with the
opening and with every read of it in the next half hour.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from socmap.audit.models import AuditEvent
from socmap.people.services import record_nominal

pytestmark = pytest.mark.django_db


def test_opening_a_threat_page_is_audited(client_for, make_threat, wiltshire_analyst):
    threat = make_threat(wiltshire_analyst)
    response = client_for(wiltshire_analyst).get(reverse("threats:detail", args=[threat.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="threat.viewed").get()
    assert event.actor == wiltshire_analyst
    assert event.target_id == str(threat.pk)
    assert event.changes == {"via": "page"}


def test_opening_a_nominal_page_and_the_api_read_are_audited(client_for, wiltshire_analyst):
    nominal = record_nominal(actor=wiltshire_analyst, surname="Cole", forenames="Jay")
    client = client_for(wiltshire_analyst)
    assert client.get(reverse("people:detail", args=[nominal.pk])).status_code == 200
    assert client.get(f"/api/people/nominals/{nominal.pk}").status_code == 200
    vias = sorted(e.changes["via"] for e in AuditEvent.objects.filter(action="nominal.viewed"))
    assert vias == ["api", "page"]


def test_a_refused_read_leaves_no_viewed_event(
    client_for, make_threat, wiltshire_analyst, dorset_analyst
):
    threat = make_threat(wiltshire_analyst)
    assert (
        client_for(dorset_analyst).get(reverse("threats:detail", args=[threat.pk])).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action="threat.viewed").exists()


def test_a_restricted_threat_asks_why_before_it_opens(
    client_for, restricted_threat, kestrel_officer
):
    client = client_for(kestrel_officer)
    page = reverse("threats:detail", args=[restricted_threat.pk])
    # When the named officer opens the page, they are asked why first
    first = client.get(page)
    assert first.status_code == 302
    assert "/reason/" in first["Location"]
    form = client.get(first["Location"])
    assert b"This record is restricted" in form.content
    assert b"Operation Kestrel" in form.content
    assert not AuditEvent.objects.filter(action="threat.viewed").exists()
    # A reason that is too short is refused, nothing is recorded
    short = client.post(first["Location"], {"reason": "because", "next": page})
    assert short.status_code == 400
    assert not AuditEvent.objects.filter(action="restricted.opened").exists()
    # With a reason the page opens; the reason is in the audit trail with the opening and read
    opened = client.post(first["Location"], {"reason": "Tasking meeting 14:00", "next": page})
    assert opened.status_code == 302 and opened["Location"] == page
    shown = client.get(page)
    assert shown.status_code == 200
    assert b"Restricted: Operation Kestrel" in shown.content
    assert AuditEvent.objects.get(action="restricted.opened").reason == "Tasking meeting 14:00"
    viewed = AuditEvent.objects.get(action="threat.viewed")
    assert viewed.reason == "Tasking meeting 14:00"
    assert viewed.changes["restriction"] == "Operation Kestrel"


def test_the_reason_form_does_not_redirect_off_site(client_for, restricted_threat, kestrel_officer):
    url = reverse("security:access-reason", args=["threats.threat", restricted_threat.pk])
    response = client_for(kestrel_officer).post(
        url, {"reason": "Tasking meeting 14:00", "next": "https://evil.example/steal"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("threats:detail", args=[restricted_threat.pk])


def test_the_reason_form_is_a_404_for_someone_not_named(
    client_for, restricted_threat, wiltshire_analyst
):
    url = reverse("security:access-reason", args=["threats.threat", restricted_threat.pk])
    client = client_for(wiltshire_analyst)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Let me see it please"}).status_code == 404
    assert not AuditEvent.objects.filter(action="restricted.opened").exists()


def test_the_api_needs_the_reason_header_for_a_restricted_threat(
    client_for, restricted_threat, kestrel_officer
):
    client = client_for(kestrel_officer)
    url = f"/api/threats/{restricted_threat.pk}"
    refused = client.get(url)
    assert refused.status_code == 403
    assert "X-Access-Reason" in refused.json()["detail"]
    answered = client.get(url, headers={"X-Access-Reason": "Briefing the SIO at 09:00"})
    assert answered.status_code == 200
    event = AuditEvent.objects.get(action="threat.viewed")
    assert event.reason == "Briefing the SIO at 09:00"
    assert event.changes["via"] == "api"


def test_a_plan_of_a_restricted_threat_asks_why_too(client_for, restricted_threat, kestrel_officer):
    from socmap.plans.services import create_plan

    plan = create_plan(actor=None, threat=restricted_threat)
    response = client_for(kestrel_officer).get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 302 and "/reason/" in response["Location"]


def test_restricting_through_the_page(client_for, make_threat, wiltshire_analyst):
    threat = make_threat(wiltshire_analyst)
    client = client_for(wiltshire_analyst)
    page = client.get(reverse("threats:detail", args=[threat.pk]))
    assert b"Restrict this record" in page.content
    url = reverse("security:restrict", args=["threats.threat", threat.pk])
    assert client.get(url).status_code == 200
    done = client.post(url, {"name": "Operation Osprey", "reason": "Covert deployment planned"})
    assert done.status_code == 302
    threat.refresh_from_db()
    assert threat.restriction.name == "Operation Osprey"
    assert list(threat.restriction.people.all()) == [wiltshire_analyst]
    # the restrictor's reason counts as the reason to open it straight away
    assert client.get(reverse("threats:detail", args=[threat.pk])).status_code == 200
    lift = reverse("security:lift", args=["threats.threat", threat.pk])
    assert client.post(lift, {"reason": "Deployment finished"}).status_code == 302
    threat.refresh_from_db()
    assert threat.restriction is None


def test_restricting_through_the_api(client_for, make_threat, wiltshire_analyst, make_user, org):
    threat = make_threat(wiltshire_analyst)
    colleague = make_user(org("Wiltshire"), "analyst", username="osprey.colleague")
    client = client_for(wiltshire_analyst)
    created = client.post(
        "/api/security/restrictions",
        {
            "record_type": "threats.threat",
            "record_id": threat.pk,
            "name": "Operation Osprey",
            "reason": "Covert deployment planned",
            "people": ["osprey.colleague"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["people"] == ["osprey.colleague", "wiltshire.analyst"]
    listed = client_for(colleague).get("/api/security/restrictions").json()
    assert [r["name"] for r in listed["items"]] == ["Operation Osprey"]
    lifted = client.post(
        "/api/security/restrictions/lift",
        {"record_type": "threats.threat", "record_id": threat.pk, "reason": "Deployment over"},
        content_type="application/json",
    )
    assert lifted.status_code == 204


def test_the_api_cannot_restrict_an_unseen_record(
    client_for, make_threat, wiltshire_analyst, dorset_analyst
):
    threat = make_threat(wiltshire_analyst)
    response = client_for(dorset_analyst).post(
        "/api/security/restrictions",
        {
            "record_type": "threats.threat",
            "record_id": threat.pk,
            "name": "Mine",
            "reason": "Want to hide it now",
        },
        content_type="application/json",
    )
    assert response.status_code == 404
    threat.refresh_from_db()
    assert threat.restriction is None


def test_a_report_only_on_a_restricted_threat_asks_why_too(
    client_for, restricted_threat, kestrel_officer, make_report
):
    report = make_report(kestrel_officer, threats=[restricted_threat])
    response = client_for(kestrel_officer).get(reverse("intel:report", args=[report.pk]))
    assert response.status_code == 302 and "/reason/" in response["Location"]


def test_a_restricted_threats_panels_need_the_same_reason_and_their_read_is_audited(
    client_for, restricted_threat, kestrel_officer
):
    # Given the named officer, who has not yet said why they open the restricted threat
    client = client_for(kestrel_officer)
    panels = reverse("threats:panels", args=[restricted_threat.pk])
    # When the panels the page loads after itself are asked for directly
    first = client.get(panels, HTTP_HX_REQUEST="true")
    # Then they too ask why first, and nothing is shown or recorded as read
    assert first.status_code == 302 and "/reason/" in first["Location"]
    assert not AuditEvent.objects.filter(action="threat.viewed").exists()
    # With a reason given, they open, and the read is in the audit trail as the panels'
    client.post(first["Location"], {"reason": "Tasking meeting 14:00", "next": panels})
    shown = client.get(panels, HTTP_HX_REQUEST="true")
    assert shown.status_code == 200 and b"Lifetime management" in shown.content
    viewed = AuditEvent.objects.get(action="threat.viewed")
    assert viewed.changes["via"] == "page panels" and viewed.reason == "Tasking meeting 14:00"
