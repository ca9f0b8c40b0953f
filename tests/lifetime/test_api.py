"""Scripts record and read lifetime management through the JSON API, with the same rules and
messages as the pages, and the same scope."""

from __future__ import annotations

import datetime as dt

import pytest

from socmap.lifetime.models import Breach, CustodyRecord, Order, OrderConsideration

API = "/api/lifetime"
DAY = dt.timedelta(days=1)


def _post(client, path, payload):
    return client.post(path, payload, content_type="application/json")


def _order_payload(nominal, **overrides) -> dict:
    payload = {
        "nominal": nominal.pk,
        "order_type": "scpo",
        "applicant": "cps",
        "decided_on": (dt.date.today() - 10 * DAY).isoformat(),
        "court": "crown",
        "duration_months": 48,
        "conditions": [
            {
                "kind": "curfew",
                "wording": "Curfew 21:00-07:00",
                "details": {"from_time": "21:00", "to_time": "07:00"},
            },
        ],
    }
    payload.update(overrides)
    return payload


def test_an_order_is_recorded_read_and_listed(client_for, offender_manager, person):
    cole = person()
    client = client_for(offender_manager)
    response = _post(client, f"{API}/orders", _order_payload(cole))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "in_force" and body["conditions"][0]["kind"] == "curfew"
    assert body["history"][0]["action"] == "granted"
    listed = client.get(f"{API}/orders", {"state": "in_force"}).json()
    assert listed["count"] == 1 and listed["items"][0]["reference"] == body["reference"]
    assert client.get(f"{API}/orders/{body['id']}").json()["duration_months"] == 48


def test_statutory_limits_and_ages_are_refused_with_field_errors(
    client_for, offender_manager, person
):
    client = client_for(offender_manager)
    long = _post(client, f"{API}/orders", _order_payload(person(), duration_months=61))
    assert long.status_code == 400 and "duration_months" in long.json()["errors"]
    young = _post(client, f"{API}/orders", _order_payload(person("Young", age=16)))
    assert young.status_code == 400 and "18 or over" in young.json()["detail"]
    unknown = _post(client, f"{API}/orders", _order_payload(person(), order_type="asbo"))
    assert unknown.status_code == 400 and "order_type" in unknown.json()["errors"]
    assert not Order.objects.exists()


def test_bad_filters_are_refused(client_for, offender_manager):
    response = client_for(offender_manager).get(f"{API}/orders", {"state": "asleep", "sort": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"state", "sort"}


def test_custody_release_and_an_order_on_release(client_for, offender_manager, person):
    cole = person()
    client = client_for(offender_manager)
    today = dt.date.today()
    custody = _post(
        client,
        f"{API}/custody",
        {
            "nominal": cole.pk,
            "custody_type": "sentenced",
            "started_on": (today - 300 * DAY).isoformat(),
            "sentence_months": 60,
            "expected_release_on": (today + 40 * DAY).isoformat(),
        },
    )
    assert custody.status_code == 201, custody.content
    order = _post(client, f"{API}/orders", _order_payload(cole, starts_on_release=True))
    assert order.json()["state"] == "awaiting_release"
    moved = client.patch(
        f"{API}/custody/{custody.json()['id']}",
        {"expected_release_on": (today + 20 * DAY).isoformat(), "reason": "HDC"},
        content_type="application/json",
    )
    assert moved.status_code == 200
    alerts = client.get(f"{API}/alerts", {"days": 30}).json()
    assert [c["id"] for c in alerts["releases"]] == [custody.json()["id"]]
    released = _post(
        client, f"{API}/custody/{custody.json()['id']}/release", {"released_on": today.isoformat()}
    )
    assert released.json()["released_on"] == today.isoformat()
    detail = client.get(f"{API}/orders/{order.json()['id']}").json()
    assert detail["state"] == "in_force" and detail["starts_on"] == today.isoformat()


def test_an_application_is_granted_varied_and_discharged(client_for, offender_manager, person):
    client = client_for(offender_manager)
    today = dt.date.today()
    applied = _post(
        client,
        f"{API}/orders",
        {
            "nominal": person().pk,
            "order_type": "kcpo",
            "applicant": "police",
            "status": "applied",
            "applied_on": (today - 30 * DAY).isoformat(),
        },
    )
    order_id = applied.json()["id"]
    granted = _post(
        client,
        f"{API}/orders/{order_id}/grant",
        {"decided_on": (today - 20 * DAY).isoformat(), "duration_months": 12},
    )
    assert granted.json()["status"] == "granted"
    too_long = _post(
        client,
        f"{API}/orders/{order_id}/vary",
        {"varied_on": today.isoformat(), "reason": "x", "duration_months": 25},
    )
    assert too_long.status_code == 400
    varied = _post(
        client,
        f"{API}/orders/{order_id}/vary",
        {"varied_on": today.isoformat(), "reason": "Extended", "duration_months": 24},
    )
    assert varied.json()["status"] == "varied"
    no_reason = _post(
        client,
        f"{API}/orders/{order_id}/discharge",
        {"discharged_on": today.isoformat(), "reason": ""},
    )
    assert no_reason.status_code == 400
    done = _post(
        client,
        f"{API}/orders/{order_id}/discharge",
        {"discharged_on": today.isoformat(), "reason": "Appeal"},
    )
    assert done.json()["status"] == "discharged"
    assert [e["action"] for e in done.json()["history"]] == [
        "applied",
        "granted",
        "varied",
        "discharged",
    ]


def test_a_breach_and_its_disruption(
    client_for, offender_manager, wiltshire_analyst, grant, person, active_group
):
    cole = person()
    active_group(members=[cole])
    order = grant(cole, decided_on=dt.date.today() - 20 * DAY)
    breach = _post(
        client_for(offender_manager),
        f"{API}/orders/{order.pk}/breaches",
        {
            "occurred_on": dt.date.today().isoformat(),
            "description": "In the zone",
            "outcome": "arrested",
        },
    )
    assert breach.status_code == 201 and breach.json()["disruption"] is None
    waiting = client_for(wiltshire_analyst).get(f"{API}/breaches", {"awaiting": True}).json()
    assert waiting["count"] == 1
    made = _post(
        client_for(wiltshire_analyst), f"{API}/breaches/{breach.json()['id']}/disruption", {}
    )
    assert made.status_code == 201 and made.json()["tactic"] == "arrest"
    forbidden = _post(
        client_for(offender_manager),
        f"{API}/orders/{order.pk}/breaches",
        {
            "occurred_on": dt.date.today().isoformat(),
            "description": "Again",
            "outcome": "arrested",
            "record_as_disruption": True,
        },
    )
    assert forbidden.status_code == 403
    assert Breach.objects.count() == 1


def test_the_consider_alert_and_a_decision(
    client_for, offender_manager, person, custody, active_group
):
    cole = person()
    active_group(members=[cole])
    custody(cole)
    client = client_for(offender_manager)
    alerts = client.get(f"{API}/alerts").json()
    assert [r["person_id"] for r in alerts["consider"]] == [cole.pk]
    refused = _post(
        client,
        f"{API}/people/{cole.pk}/considerations",
        {"decision": "not_appropriate", "reason": ""},
    )
    assert refused.status_code == 400
    made = _post(
        client,
        f"{API}/people/{cole.pk}/considerations",
        {"decision": "apply", "order_type": "scpo", "reason": "Leads the group"},
    )
    assert made.status_code == 201
    assert client.get(f"{API}/alerts").json()["consider"] == []
    record = client.get(f"{API}/people/{cole.pk}").json()
    assert record["considerations"][0]["decision"] == "apply"
    assert OrderConsideration.objects.count() == 1


def test_order_types_are_published_with_their_rules(client_for, council_partner):
    types = {t["code"]: t for t in client_for(council_partner).get(f"{API}/order-types").json()}
    assert types["scpo"]["max_months"] == 60 and types["scpo"]["minimum_age"] == 18
    assert types["tro"]["start_on_release"] == "required"
    assert types["fro"]["new_applications"] is False


@pytest.mark.parametrize(
    "who, sees",
    [
        ("offender_manager", True),
        ("swrocu_officer", True),
        ("nca_officer", True),
        ("inspector", True),
        ("dorset_analyst", False),
        ("council_partner", False),
    ],
)
def test_who_sees_orders_and_custody_through_the_api(
    request, client_for, grant, custody, person, who, sees
):
    cole = person()
    spell = custody(cole)
    order = grant(cole)
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"{API}/orders/{order.pk}").status_code == (200 if sees else 404)
    assert client.get(f"{API}/custody/{spell.pk}").status_code == (200 if sees else 404)
    assert client.get(f"{API}/people/{cole.pk}").status_code == (200 if sees else 404)
    assert client.get(f"{API}/orders").json()["count"] == (1 if sees else 0)
    assert client.get(f"{API}/custody").json()["count"] == (1 if sees else 0)


def test_outsiders_cannot_act_on_records_they_cannot_see(client_for, dorset_analyst, grant, person):
    order = grant(person())
    response = _post(
        client_for(dorset_analyst),
        f"{API}/orders/{order.pk}/discharge",
        {"discharged_on": dt.date.today().isoformat(), "reason": "x"},
    )
    assert response.status_code == 404


def test_an_inspector_changes_nothing(client_for, inspector, person):
    response = _post(client_for(inspector), f"{API}/orders", _order_payload(person()))
    assert response.status_code == 403
    assert _post(client_for(inspector), f"{API}/orders/expire", {}).status_code == 403


def test_anonymous_callers_are_refused(client):
    assert client.get(f"{API}/orders").status_code == 401
    assert CustodyRecord.objects.count() == 0
