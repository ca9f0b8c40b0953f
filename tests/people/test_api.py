"""Scripts search, record and link people through the JSON API, with the same rules and
messages as the pages; a person outside the user's scope answers 404."""

from __future__ import annotations

from socmap.people.models import Association, Nominal
from socmap.people.services import link_people

API = "/api/people"


def _post(client, path, payload):
    return client.post(path, payload, content_type="application/json")


def _patch(client, path, payload):
    return client.patch(path, payload, content_type="application/json")


def test_the_list_searches_filters_and_paginates(
    client_for, wiltshire_analyst, dorset_analyst, person
):
    person(wiltshire_analyst, "Smith", aliases=["Big Dave"], iom=True)
    person(wiltshire_analyst, "Jones", mappa=True)
    person(dorset_analyst, "Dorsetman", iom=True)
    client = client_for(wiltshire_analyst)
    body = client.get(f"{API}/nominals").json()
    assert body["count"] == 2
    assert [n["surname"] for n in body["items"]] == ["Jones", "Smith"]
    assert client.get(f"{API}/nominals", {"search": "big dave"}).json()["items"][0]["flags"] == [
        "iom"
    ]
    assert [n["surname"] for n in client.get(f"{API}/nominals?flags=mappa").json()["items"]] == [
        "Jones"
    ]
    newest_first = client.get(f"{API}/nominals", {"sort": "-updated"}).json()["items"]
    assert [n["surname"] for n in newest_first] == ["Jones", "Smith"]
    assert client.get(f"{API}/nominals", {"flags": "dangerous"}).status_code == 400
    bad = client.get(f"{API}/nominals", {"flags": "dangerous", "sort": "colour"})
    assert bad.status_code == 400 and "sort" in bad.json()["errors"]


def test_recording_reading_and_changing_a_person(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    created = _post(
        client,
        f"{API}/nominals",
        {
            "surname": "Smith",
            "forenames": "John",
            "date_of_birth": "1990-05-01",
            "pnc_id": "19/123456A",
            "aliases": ["Smithy"],
            "vulnerable": True,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner"] == "wiltshire" and body["flags"] == ["vulnerable"]
    assert [a["name"] for a in body["aliases"]] == ["Smithy"]
    url = f"{API}/nominals/{body['id']}"
    assert client.get(url).json()["date_of_birth"] == "1990-05-01"
    changed = _patch(client, url, {"surname": "Smyth", "reason": "Spelling"})
    assert changed.status_code == 200 and changed.json()["surname"] == "Smyth"
    assert changed.json()["forenames"] == "John"


def test_bad_input_gets_400_with_field_errors_and_nothing_is_saved(client_for, wiltshire_analyst):
    response = _post(
        client_for(wiltshire_analyst),
        f"{API}/nominals",
        {"surname": "", "date_of_birth": "2999-01-01", "pnc_id": "nonsense", "gender": "x"},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"surname", "date_of_birth", "pnc_id", "gender"}
    assert not Nominal.objects.exists()


def test_a_person_outside_the_users_scope_is_not_found(
    client_for, wiltshire_analyst, dorset_analyst, person
):
    smith = person(wiltshire_analyst)
    client = client_for(dorset_analyst)
    assert client.get(f"{API}/nominals/{smith.pk}").status_code == 404
    assert _patch(client, f"{API}/nominals/{smith.pk}", {"surname": "X"}).status_code == 404
    assert _post(client, f"{API}/nominals/{smith.pk}/aliases", {"name": "X"}).status_code == 404
    smith.refresh_from_db()
    assert smith.surname == "Smith" and not smith.aliases.exists()


def test_an_inspector_reads_but_may_not_write(client_for, inspector, wiltshire_analyst, person):
    smith = person(wiltshire_analyst)
    client = client_for(inspector)
    assert client.get(f"{API}/nominals/{smith.pk}").status_code == 200
    assert _post(client, f"{API}/nominals", {"surname": "New"}).status_code == 403
    assert _patch(client, f"{API}/nominals/{smith.pk}", {"surname": "X"}).status_code == 403
    assert (
        _post(
            client, f"{API}/nominals/{smith.pk}/identifiers", {"kind": "phone", "value": "1"}
        ).status_code
        == 403
    )
    assert Nominal.objects.count() == 1


def test_adding_aliases_identifiers_and_addresses(client_for, wiltshire_analyst, person):
    smith = person(wiltshire_analyst)
    client = client_for(wiltshire_analyst)
    base = f"{API}/nominals/{smith.pk}"
    assert _post(client, f"{base}/aliases", {"name": "Smithy"}).status_code == 201
    duplicate = _post(client, f"{base}/aliases", {"name": "SMITHY"})
    assert duplicate.status_code == 400 and "name" in duplicate.json()["errors"]
    identifier = _post(client, f"{base}/identifiers", {"kind": "passport", "value": "123456789"})
    assert identifier.status_code == 201 and identifier.json()["kind"] == "passport"
    address = _post(
        client,
        f"{base}/addresses",
        {"line": "1 High St", "force": "wiltshire", "from_date": "2020-01-01"},
    )
    assert address.status_code == 201 and address.json()["force"] == "wiltshire"
    bad = _post(
        client, f"{base}/addresses", {"line": "2 Low St", "force": "atlantis", "from_date": "soon"}
    )
    assert bad.status_code == 400
    detail = client.get(base).json()
    assert len(detail["aliases"]) == 1 and len(detail["identifiers"]) == 1
    assert [a["line"] for a in detail["addresses"]] == ["1 High St"]


def test_linking_and_unlinking_people(client_for, wiltshire_analyst, dorset_analyst, person):
    smith, victim = person(wiltshire_analyst, "Smith"), person(wiltshire_analyst, "Victim")
    dorsetman = person(dorset_analyst, "Dorsetman")
    client = client_for(wiltshire_analyst)
    linked = _post(
        client,
        f"{API}/nominals/{victim.pk}/associations",
        {"other": smith.pk, "kind": "exploits", "direction": "incoming"},
    )
    assert linked.status_code == 201, linked.content
    assert (linked.json()["source"], linked.json()["target"]) == (smith.pk, victim.pk)
    [link] = client.get(f"{API}/nominals/{victim.pk}").json()["associations"]
    assert link["label"] == "Exploited by" and link["other"]["surname"] == "Smith"
    outside = _post(
        client, f"{API}/nominals/{smith.pk}/associations", {"other": dorsetman.pk, "kind": "family"}
    )
    assert outside.status_code == 400 and "other" in outside.json()["errors"]
    url = f"{API}/associations/{link['association']}"
    assert client.delete(url).status_code == 400  # no reason
    assert (
        client.delete(url, {"reason": "Wrong"}, content_type="application/json").status_code == 204
    )
    assert not Association.objects.exists()


def test_removing_an_association_of_another_force_is_not_found(
    client_for, wiltshire_analyst, dorset_analyst, person
):
    smith, jones = person(wiltshire_analyst, "Smith"), person(wiltshire_analyst, "Jones")
    association = link_people(actor=wiltshire_analyst, source=smith, target=jones, kind="family")
    response = client_for(dorset_analyst).delete(f"{API}/associations/{association.pk}?reason=x")
    assert response.status_code == 404
    assert Association.objects.exists()
