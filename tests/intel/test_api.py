"""Intelligence through the JSON API: the same rules, clearance and scope as the pages; the
original text only from its own endpoint, for cleared users, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socmap.audit.models import AuditEvent
from socmap.intel import services
from socmap.intel.models import IntelligenceReport, SuspiciousActivityReport, TriggerReport

from .conftest import ORIGINAL

API = "/api/intel"
CLEAN = "Subject COLE is storing cocaine in Chippenham."


def _post(client, path, payload):
    return client.post(path, payload, content_type="application/json")


def _payload(**overrides) -> dict:
    payload = {
        "reported_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        "text": ORIGINAL,
        "source_type": "chis",
        "grading_system": "3x5x2",
        "source_evaluation": "1",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "classification": "official_sensitive",
    }
    payload.update(overrides)
    return payload


def test_a_report_is_recorded_and_read_only_through_the_original_endpoint(
    client_for, cleared_analyst, uncleared_analyst
):
    client = client_for(cleared_analyst)
    made = _post(client, f"{API}/reports", _payload())
    assert made.status_code == 201, made.content
    body = made.json()
    assert "text" not in body and body["grading"] == "1BP" and body["original_readable"]
    original = client.get(f"{API}/reports/{body['id']}/original")
    assert original.json()["text"] == ORIGINAL
    assert AuditEvent.objects.filter(action="intel.original_read").count() == 1
    other = client_for(uncleared_analyst)
    seen = other.get(f"{API}/reports/{body['id']}").json()
    assert seen["original_readable"] is False and "not cleared" in seen["why_not"]
    assert other.get(f"{API}/reports/{body['id']}/original").status_code == 403
    listed = other.get(f"{API}/reports").json()
    assert listed["count"] == 1 and "text" not in listed["items"][0]


@pytest.mark.parametrize(
    "overrides, field_name",
    [
        ({"handling_code": "C"}, "handling_conditions"),
        ({"source_evaluation": "A"}, "source_evaluation"),
        ({"intelligence_assessment": "3"}, "intelligence_assessment"),
        (
            {
                "grading_system": "5x5x5",
                "source_evaluation": "A",
                "intelligence_assessment": "1",
                "handling_code": "1",
            },
            "grading_system",
        ),
        ({"classification": "restricted"}, "classification"),
        ({"text": "  "}, "text"),
    ],
)
def test_bad_gradings_are_refused_by_field(client_for, cleared_analyst, overrides, field_name):
    response = _post(client_for(cleared_analyst), f"{API}/reports", _payload(**overrides))
    assert response.status_code == 400
    assert field_name in response.json()["errors"]
    assert not IntelligenceReport.objects.exists()


def test_sanitised_copies_are_made_shared_and_read_by_partners(
    client_for, cleared_analyst, council_partner
):
    client = client_for(cleared_analyst)
    report_id = _post(client, f"{API}/reports", _payload()).json()["id"]
    leaky = _post(
        client,
        f"{API}/reports/{report_id}/sanitised",
        {"text": "Source works the night shift at the Red Lion car wash"},
    )
    assert leaky.status_code == 400 and "source-identifying" in leaky.json()["detail"]
    copy = _post(client, f"{API}/reports/{report_id}/sanitised", {"text": CLEAN}).json()
    shared = _post(
        client, f"{API}/sanitised/{copy['id']}/shares", {"organisation": "wiltshire-council"}
    )
    assert shared.status_code == 201
    partner = client_for(council_partner)
    assert partner.get(f"{API}/sanitised").json()["items"][0]["text"] == CLEAN
    assert partner.get(f"{API}/reports").json()["count"] == 0
    assert partner.get(f"{API}/reports/{report_id}").status_code == 404
    assert partner.get(f"{API}/reports/{report_id}/original").status_code == 404


def test_clearance_is_managed_by_administrators(
    client_for, wiltshire_admin, uncleared_analyst, cleared_analyst
):
    admin = client_for(wiltshire_admin)
    until = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    granted = _post(
        admin,
        f"{API}/clearances",
        {
            "user": uncleared_analyst.username,
            "level": "secret",
            "expires_on": until,
            "reason": "SOC unit",
        },
    )
    assert granted.status_code == 201 and granted.json()["level"] == "secret"
    assert admin.get(f"{API}/clearances").json()["count"] == 2
    assert client_for(cleared_analyst).get(f"{API}/clearances").status_code == 403
    revoked = _post(admin, f"{API}/clearances/{granted.json()['id']}/revoke", {"reason": "Left"})
    assert revoked.json()["revoked"] is True
    self_grant = _post(
        client_for(wiltshire_admin),
        f"{API}/clearances",
        {
            "user": wiltshire_admin.username,
            "level": "secret",
            "expires_on": until,
            "reason": "x",
        },
    )
    assert self_grant.status_code == 403


def test_trigger_reports_through_the_queue(
    client_for, council_partner, swrocu_officer, wiltshire_analyst
):
    sent = _post(
        client_for(council_partner),
        f"{API}/triggers",
        {"title": "Flats", "summary": "Dealing", "suggested_kind": "ocg", "crime_type": "drugs"},
    )
    assert sent.status_code == 201 and sent.json()["owner"] == "swrocu"
    rocu = client_for(swrocu_officer)
    queue = rocu.get(f"{API}/triggers").json()
    assert queue["count"] == 1
    no_reason = _post(
        rocu, f"{API}/triggers/{sent.json()['id']}/decline", {"reason": "insufficient", "note": ""}
    )
    assert no_reason.status_code == 400
    accepted = _post(rocu, f"{API}/triggers/{sent.json()['id']}/accept-new", {"tier": "regional"})
    assert accepted.json()["status"] == "accepted_new" and accepted.json()["threat"]
    assert rocu.get(f"{API}/triggers").json()["count"] == 0
    assert (
        client_for(wiltshire_analyst).get(f"{API}/triggers/{sent.json()['id']}").status_code == 404
    )


def test_sars_packages_arrests_and_measures(client_for, wiltshire_analyst, dorset_analyst):
    client = client_for(wiltshire_analyst)
    today = dt.date.today().isoformat()
    ids = [
        _post(
            client,
            f"{API}/sars",
            {"reference": f"U{n}", "received_on": today, "reporter_sector": "bank"},
        ).json()["id"]
        for n in range(2)
    ]
    assert (
        _post(client, f"{API}/sars/{ids[0]}/triage", {"outcome": "no_further_action"}).json()[
            "status"
        ]
        == "no_further_action"
    )
    package = _post(
        client,
        f"{API}/packages",
        {"sars": ids[1:], "produced_on": today, "summary": "Cash deposits"},
    )
    assert package.status_code == 201 and package.json()["sars"] == ["U1"]
    arrest = _post(
        client,
        f"{API}/arrests",
        {"custody_reference": "C1", "arrested_on": today, "nationality": "Lithuanian"},
    )
    _post(
        client,
        f"{API}/arrests/{arrest.json()['id']}/check",
        {"result": "requested", "requested_on": today},
    )
    measures = client.get(f"{API}/measures").json()
    row = next(r for r in measures["rows"] if r["slug"] == "wiltshire")
    assert (row["sars_received"], row["packages"], row["acro_checked"]) == (2, 1, 1)
    assert row["packages_per_100_sars"] == "50.0" and row["acro_share"] == "100.0"
    other = client_for(dorset_analyst)
    assert other.get(f"{API}/sars").json()["count"] == 0
    assert (
        _post(other, f"{API}/sars/{ids[0]}/triage", {"outcome": "intelligence"}).status_code == 404
    )


def test_an_import_through_the_api_is_all_or_nothing(client_for, wiltshire_analyst):
    content = b"reference,received_on,reporter_sector\nA1,2025-09-01,bank\nA2,soon,bank\n"
    response = client_for(wiltshire_analyst).post(
        f"{API}/imports/sars", {"file": SimpleUploadedFile("sars.csv", content, "text/csv")}
    )
    assert response.status_code == 400
    assert response.json()["row_errors"][0]["line"] == 3
    assert not SuspiciousActivityReport.objects.exists()
    good = client_for(wiltshire_analyst).post(
        f"{API}/imports/sars",
        {"file": SimpleUploadedFile("sars.csv", content.split(b"A2")[0].rstrip(b"\n") + b"\n")},
    )
    assert good.json() == {"rows": 1, "dry_run": False}


@pytest.mark.parametrize(
    "who, count",
    [
        ("cleared_analyst", 1),
        ("swrocu_officer", 1),
        ("nca_officer", 1),
        ("inspector", 1),
        ("dorset_analyst", 0),
        ("council_partner", 0),
    ],
)
def test_who_sees_reports_through_the_api(request, client_for, report, who, count):
    made = report()
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"{API}/reports").json()["count"] == count
    assert client.get(f"{API}/reports/{made.pk}").status_code == (200 if count else 404)


def test_anonymous_callers_are_refused(client):
    assert client.get(f"{API}/reports").status_code == 401
    assert client.get(f"{API}/sanitised").status_code == 401
    assert TriggerReport.objects.count() == 0


def test_a_partner_sharing_a_secret_copy_is_refused(client_for, cleared_rocu, report):
    made = report(classification="secret", actor=cleared_rocu)
    copy = services.sanitise_report(actor=cleared_rocu, report=made, text=CLEAN)
    response = _post(
        client_for(cleared_rocu),
        f"{API}/sanitised/{copy.pk}/shares",
        {"organisation": "wiltshire-council"},
    )
    assert response.status_code == 400
