"""Scripts map, read and move threats through the JSON API, with the same rules and
messages as the pages."""

from __future__ import annotations

from socmap.people.services import record_nominal
from socmap.threats.models import Status, Threat

from .conftest import LOW_ANSWERS, TOP_ANSWERS

API = "/api/threats"


def _post(client, path, payload):
    return client.post(path, payload, content_type="application/json")


def test_the_list_is_prioritised_filtered_and_paginated(client_for, wiltshire_analyst, map_ocg):
    map_ocg(wiltshire_analyst, "Low group", answers=LOW_ANSWERS)
    map_ocg(wiltshire_analyst, "Top group")
    map_ocg(wiltshire_analyst, "Trigger group", answers=None, status=Status.TRIGGER_REPORT)
    client = client_for(wiltshire_analyst)
    body = client.get(API, {"status": "active"}).json()
    assert body["count"] == 2
    assert [t["name"] for t in body["items"]] == ["Top group", "Low group"]
    assert body["items"][0]["band"] == "1A" and body["items"][0]["overdue"] is False
    by_name = client.get(API, {"sort": "name"}).json()
    assert [t["name"] for t in by_name["items"]] == ["Low group", "Top group", "Trigger group"]
    bad = client.get(API, {"kind": "gang", "sort": "colour"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"kind", "sort"}


def test_a_threat_is_mapped_and_assessed_in_one_call(client_for, wiltshire_analyst, wiltshire_lro):
    response = _post(
        client_for(wiltshire_analyst),
        API,
        {
            "kind": "ocg",
            "name": "API group",
            "predominant_crime_type": "drugs",
            "other_crime_types": ["money-laundering"],
            "forces": ["dorset"],
            "operation_names": ["Op Lark"],
            "lro": "wiltshire.lro",
            "methodology": "group-matrix@1",
            "inputs": TOP_ANSWERS,
            "rationale": "From the API",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["band"] == "1A" and body["methodology"] == "group-matrix@1"
    assert body["lro"] == "wiltshire.lro"
    assert sorted(body["forces"]) == ["dorset", "wiltshire"]
    assert body["why"][0]["contribution"]  # the explanation comes with it


def test_wrong_answers_are_refused_with_field_errors_and_nothing_is_saved(
    client_for, wiltshire_analyst
):
    response = _post(
        client_for(wiltshire_analyst),
        API,
        {
            "kind": "ocg",
            "name": "API group",
            "predominant_crime_type": "drugs",
            "methodology": "group-matrix@1",
            "inputs": {**TOP_ANSWERS, "reach": "galactic"},
        },
    )
    assert response.status_code == 400
    assert "'galactic' is not an allowed answer" in response.json()["errors"]["reach"][0]
    assert not Threat.objects.filter(name="API group").exists()


def test_unknown_codes_are_named(client_for, wiltshire_analyst):
    response = _post(
        client_for(wiltshire_analyst),
        API,
        {"kind": "ocg", "name": "X", "predominant_crime_type": "piracy", "lro": "nobody"},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "predominant_crime_type": ["'piracy' is not a crime type code."]
    }


def test_a_read_only_inspector_may_not_map(client_for, inspector):
    response = _post(
        client_for(inspector), API, {"kind": "ocg", "name": "X", "predominant_crime_type": "drugs"}
    )
    assert response.status_code == 403


def test_detail_patch_and_status(client_for, wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst, adopt=False)
    client = client_for(wiltshire_analyst)
    detail = client.get(f"{API}/{threat.pk}").json()
    assert detail["reference"] == threat.reference
    assert [c["to_status"] for c in detail["status_changes"]] == ["under_assessment"]
    patched = client.patch(
        f"{API}/{threat.pk}",
        {"name": "Renamed", "tier": "regional", "reason": "Tasking"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["tier"] == "regional"
    adopted = _post(client, f"{API}/{threat.pk}/status", {"to_status": "active"})
    assert adopted.status_code == 200 and adopted.json()["status"] == "active"
    refused = _post(client, f"{API}/{threat.pk}/status", {"to_status": "archived"})
    assert refused.status_code == 400
    assert refused.json()["errors"]["reason"] == ["Record why the threat is archived."]


def test_records_outside_the_scope_answer_404(
    client_for, wiltshire_analyst, dorset_analyst, map_ocg
):
    threat = map_ocg(wiltshire_analyst)
    client = client_for(dorset_analyst)
    assert client.get(f"{API}/{threat.pk}").status_code == 404
    assert client.get(f"{API}/{threat.pk}/members").status_code == 404
    assert _post(client, f"{API}/{threat.pk}/status", {"to_status": "archived"}).status_code == 404
    assert client.get(API).json()["count"] == 0


def test_members_are_added_listed_and_ended(client_for, wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst)
    person = record_nominal(actor=wiltshire_analyst, surname="Stone", forenames="Jay")
    client = client_for(wiltshire_analyst)
    added = _post(
        client,
        f"{API}/{threat.pk}/members",
        {"nominal": person.pk, "role": "principal", "joined_on": "2024-01-10"},
    )
    assert added.status_code == 201
    member_id = added.json()["id"]
    listed = client.get(f"{API}/{threat.pk}/members").json()
    assert [(m["name"], m["role"]) for m in listed] == [("STONE, Jay", "principal")]
    wrong_role = _post(client, f"{API}/{threat.pk}/members", {"nominal": person.pk, "role": "boss"})
    assert wrong_role.status_code == 400 and "role" in wrong_role.json()["errors"]
    ended = _post(client, f"{API}/members/{member_id}/end", {"left_on": "2024-05-01"})
    assert ended.status_code == 200 and ended.json()["left_on"] == "2024-05-01"


def test_overdue_figures_and_crime_types(client_for, wiltshire_analyst, map_ocg):
    map_ocg(wiltshire_analyst, "Unassessed active group")
    Threat.objects.filter(name="Unassessed active group").update(
        reassessment_due=None, last_assessed_at=None
    )
    client = client_for(wiltshire_analyst)
    overdue = client.get(f"{API}/overdue").json()
    assert [(t["name"], t["why"]) for t in overdue["items"]] == [
        ("Unassessed active group", "Never assessed")
    ]
    figures = client.get(f"{API}/figures").json()
    wiltshire = next(f for f in figures["forces"] if f["slug"] == "wiltshire")
    assert wiltshire["threats"] == 1 and wiltshire["population_year"].isdigit()
    assert figures["crime_types"][0]["share"] == 100.0
    assert figures["bands"][0]["band"] == "1A"
    assert client.get(f"{API}/figures", {"status": "sleeping"}).status_code == 400
    codes = [c["code"] for c in client.get(f"{API}/crime-types").json()]
    assert "drugs" in codes and "msht" in codes
