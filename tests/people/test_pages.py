"""The people pages: finding, reading, recording and linking people in the browser."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from socmap.people.models import Alias, Association, Identifier, Nominal
from socmap.people.services import link_people


def test_the_list_searches_filters_and_sorts(client_for, wiltshire_analyst, person):
    person(wiltshire_analyst, "Smith", aliases=["Big Dave"], iom=True)
    person(wiltshire_analyst, "Jones", date_of_birth="1980-01-01")
    client = client_for(wiltshire_analyst)
    page = client.get(reverse("people:list"), {"q": "big dave"})
    assert page.status_code == 200
    assert [n.surname for n in page.context["page"].object_list] == ["Smith"]
    flagged = client.get(reverse("people:list"), {"flag": "iom"})
    assert [n.surname for n in flagged.context["page"].object_list] == ["Smith"]
    by_name_descending = client.get(reverse("people:list"), {"sort": "-name"})
    assert [n.surname for n in by_name_descending.context["page"].object_list] == [
        "Smith",
        "Jones",
    ]
    assert 'aria-sort="descending"' in by_name_descending.content.decode()


def test_the_list_has_an_empty_state_and_offers_recording_to_analysts(
    client_for, wiltshire_analyst, inspector
):
    page = client_for(wiltshire_analyst).get(reverse("people:list")).content.decode()
    assert "No people have been recorded that you can see yet." in page
    assert reverse("people:create") in page
    read_only = client_for(inspector).get(reverse("people:list")).content.decode()
    assert reverse("people:create") not in read_only
    filtered = client_for(wiltshire_analyst).get(reverse("people:list"), {"q": "nobody"})
    assert "No people match these filters." in filtered.content.decode()


def test_the_list_downloads_as_csv(client_for, wiltshire_analyst, dorset_analyst, person):
    person(wiltshire_analyst, "Smith", pnc_id="19/1A", mappa=True)
    person(dorset_analyst, "Dorsetman")
    response = client_for(wiltshire_analyst).get(reverse("people:list"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["id", "surname", "forenames"]
    assert [r[1] for r in rows[1:]] == ["Smith"]
    assert rows[1][6] == "19/1A" and rows[1][7] == "MAPPA"


def test_the_detail_page_shows_everything_about_a_person(client_for, wiltshire_analyst, person):
    smith = person(wiltshire_analyst, "Smith", aliases=["Smithy"])
    victim = person(wiltshire_analyst, "Victim")
    link_people(actor=wiltshire_analyst, source=smith, target=victim, kind="exploits")
    client = client_for(wiltshire_analyst)
    page = client.get(reverse("people:detail", args=[victim.pk])).content.decode()
    assert "Exploited by" in page and "SMITH" in page
    page = client.get(reverse("people:detail", args=[smith.pk])).content.decode()
    assert "Smithy" in page and "Exploits" in page
    assert reverse("people:edit", args=[smith.pk]) in page
    assert reverse("lifetime:person", args=[smith.pk]) in page  # custody, orders, breaches


def test_a_person_of_another_force_is_not_found(
    client_for, wiltshire_analyst, dorset_analyst, person
):
    smith = person(wiltshire_analyst)
    client = client_for(dorset_analyst)
    assert client.get(reverse("people:detail", args=[smith.pk])).status_code == 404
    assert client.get(reverse("people:edit", args=[smith.pk])).status_code == 404
    assert (
        client.post(reverse("people:add-alias", args=[smith.pk]), {"name": "X"}).status_code == 404
    )
    assert not Alias.objects.exists()


def test_an_inspector_reads_but_is_offered_no_changes(
    client_for, inspector, wiltshire_analyst, person
):
    smith = person(wiltshire_analyst)
    client = client_for(inspector)
    page = client.get(reverse("people:detail", args=[smith.pk]))
    assert page.status_code == 200
    assert reverse("people:edit", args=[smith.pk]) not in page.content.decode()
    assert client.get(reverse("people:edit", args=[smith.pk])).status_code == 403


def test_a_partner_sees_only_shared_people(
    client_for, council_partner, wiltshire_council, wiltshire_analyst, person, share_with
):
    shared, private = person(wiltshire_analyst, "Shared"), person(wiltshire_analyst, "Private")
    share_with(wiltshire_analyst, shared, wiltshire_council)
    client = client_for(council_partner)
    assert client.get(reverse("people:detail", args=[shared.pk])).status_code == 200
    assert client.get(reverse("people:detail", args=[private.pk])).status_code == 404
    listing = client.get(reverse("people:list"))
    assert [n.surname for n in listing.context["page"].object_list] == ["Shared"]


def test_recording_a_person_and_seeing_errors_for_bad_input(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    assert client.get(reverse("people:create")).status_code == 200
    bad = client.post(
        reverse("people:create"),
        {
            "surname": "Smith",
            "gender": "unknown",
            "pnc_id": "nonsense",
            "date_of_birth": "2999-01-01",
        },
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "There is a problem" in page
    assert "is not a PNC ID" in page
    assert not Nominal.objects.exists()
    good = client.post(
        reverse("people:create"),
        {
            "surname": "Smith",
            "forenames": "John",
            "gender": "male",
            "pnc_id": "19/123456A",
            "aliases": "Smithy; JS",
            "iom": "on",
        },
    )
    smith = Nominal.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse("people:detail", args=[smith.pk])
    assert smith.iom and smith.owner == wiltshire_analyst.organisation
    assert smith.aliases.count() == 2


def test_editing_a_person_keeps_the_reason(client_for, wiltshire_analyst, person):
    from socmap.audit.models import AuditEvent

    smith = person(wiltshire_analyst)
    response = client_for(wiltshire_analyst).post(
        reverse("people:edit", args=[smith.pk]),
        {"surname": "Smyth", "forenames": "John", "gender": "male", "reason": "Spelling"},
    )
    assert response.status_code == 302
    smith.refresh_from_db()
    assert smith.surname == "Smyth"
    assert AuditEvent.objects.get(action="nominal.changed").reason == "Spelling"


def test_adding_an_alias_an_identifier_and_an_address(client_for, wiltshire_analyst, person, org):
    smith = person(wiltshire_analyst)
    client = client_for(wiltshire_analyst)
    assert client.get(reverse("people:add-alias", args=[smith.pk])).status_code == 200
    client.post(
        reverse("people:add-alias", args=[smith.pk]), {"name": "Smithy", "kind": "nickname"}
    )
    duplicate = client.post(
        reverse("people:add-alias", args=[smith.pk]), {"name": "smithy", "kind": "alias"}
    )
    assert duplicate.status_code == 400 and "already has the alias" in duplicate.content.decode()
    client.post(
        reverse("people:add-identifier", args=[smith.pk]),
        {"kind": "phone", "value": "07700 900123"},
    )
    bad_address = client.post(
        reverse("people:add-address", args=[smith.pk]),
        {"line": "1 High Street", "from_date": "2020-01-01", "to_date": "2019-01-01"},
    )
    assert "cannot end before it starts" in bad_address.content.decode()
    client.post(
        reverse("people:add-address", args=[smith.pk]),
        {"line": "1 High Street", "town": "Swindon", "force": org("Wiltshire").pk},
    )
    assert smith.aliases.get().kind == "nickname"
    assert Identifier.objects.get().value == "07700 900123"
    assert smith.addresses.get().force == org("Wiltshire")


def test_linking_two_people_by_id_in_either_direction(client_for, wiltshire_analyst, person):
    smith, victim = person(wiltshire_analyst, "Smith"), person(wiltshire_analyst, "Victim")
    client = client_for(wiltshire_analyst)
    response = client.post(
        reverse("people:link", args=[victim.pk]),
        {"relation": "by:exploits", "other": str(smith.pk)},
    )
    assert response.status_code == 302
    association = Association.objects.get()
    assert (association.source, association.target, association.kind) == (smith, victim, "exploits")
    again = client.post(
        reverse("people:link", args=[smith.pk]), {"relation": "exploits", "other": victim.pk}
    )
    assert again.status_code == 400 and "already recorded" in again.content.decode()


def test_the_link_form_refuses_a_person_the_user_cannot_see(
    client_for, wiltshire_analyst, dorset_analyst, person
):
    smith, dorsetman = person(wiltshire_analyst), person(dorset_analyst, "Dorsetman")
    response = client_for(wiltshire_analyst).post(
        reverse("people:link", args=[smith.pk]), {"relation": "family", "other": dorsetman.pk}
    )
    assert response.status_code == 400
    assert (
        f"There is no person with id {dorsetman.pk} that you can see." in response.content.decode()
    )
    assert not Association.objects.exists()


def test_searching_for_the_other_person_lists_only_visible_people(
    client_for, wiltshire_analyst, dorset_analyst, person
):
    smith = person(wiltshire_analyst, "Smith")
    jones = person(wiltshire_analyst, "Jones", aliases=["Jonesy"])
    person(dorset_analyst, "Jones")
    client = client_for(wiltshire_analyst)
    results = client.get(reverse("people:search"), {"q": "jones", "exclude": smith.pk})
    assert list(results.context["results"]) == [jones]
    # without htmx the link page shows the same results
    page = client.get(reverse("people:link", args=[smith.pk]), {"q": "jonesy"})
    assert list(page.context["results"]) == [jones]
    chosen = client.get(reverse("people:search"), {"choose": jones.pk}).content.decode()
    assert f'value="{jones.pk}"' in chosen


def test_removing_a_link_needs_a_reason(client_for, wiltshire_analyst, person):
    smith, jones = person(wiltshire_analyst, "Smith"), person(wiltshire_analyst, "Jones")
    association = link_people(actor=wiltshire_analyst, source=smith, target=jones, kind="family")
    client = client_for(wiltshire_analyst)
    url = reverse("people:unlink", args=[jones.pk, association.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert Association.objects.exists()
    assert client.post(url, {"reason": "Not related after all"}).status_code == 302
    assert not Association.objects.exists()


def test_the_dashboard_shows_analysts_recently_recorded_people(
    client_for, wiltshire_analyst, wiltshire_validator, person
):
    person(wiltshire_analyst, "Newest")
    page = client_for(wiltshire_analyst).get(reverse("dashboard")).content.decode()
    assert "Recently recorded people" in page and "NEWEST" in page
    other = client_for(wiltshire_validator).get(reverse("dashboard")).content.decode()
    assert "Recently recorded people" not in other


def test_the_list_is_paginated(client_for, wiltshire_analyst, org):
    Nominal.objects.bulk_create(
        Nominal(owner=org("Wiltshire"), surname=f"Person{n:03d}") for n in range(55)
    )
    client = client_for(wiltshire_analyst)
    first = client.get(reverse("people:list"))
    assert len(first.context["page"].object_list) == 50
    assert "55 people" in first.content.decode()
    second = client.get(reverse("people:list"), {"page": 2})
    assert [n.surname for n in second.context["page"].object_list] == [
        f"Person{n:03d}" for n in range(50, 55)
    ]
