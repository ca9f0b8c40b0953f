"""Finding people: by any name they are known by, by flags, and only within your scope."""

from __future__ import annotations

import pytest

from socmap.errors import InvalidInput
from socmap.people.selectors import nominal_detail, nominals_visible_to
from socmap.people.services import add_identifier, link_people
from socmap.threats.services import add_member


def _names(qs) -> list[str]:
    return [n.surname for n in qs]


def test_searching_by_alias_finds_the_person_once(wiltshire_analyst, person):
    person(wiltshire_analyst, "Smith", aliases=["Big Dave", "Big D"])
    person(wiltshire_analyst, "Jones")
    assert _names(nominals_visible_to(wiltshire_analyst, search="big d")) == ["Smith"]


@pytest.mark.parametrize("search", ["smi", "JOHN", "john smith", "19/123456", "07700 900123"])
def test_search_matches_names_full_name_pnc_id_and_identifiers(wiltshire_analyst, person, search):
    smith = person(wiltshire_analyst, "Smith", "John", pnc_id="19/123456A")
    add_identifier(actor=wiltshire_analyst, nominal=smith, kind="phone", value="07700 900123")
    person(wiltshire_analyst, "Jones", "Mary")
    assert _names(nominals_visible_to(wiltshire_analyst, search=search)) == ["Smith"]


def test_flags_filter_people_with_every_flag_asked_for(wiltshire_analyst, person):
    person(wiltshire_analyst, "Both", iom=True, mappa=True)
    person(wiltshire_analyst, "Iom", iom=True)
    person(wiltshire_analyst, "Neither")
    assert _names(nominals_visible_to(wiltshire_analyst, flags=["iom"])) == ["Both", "Iom"]
    assert _names(nominals_visible_to(wiltshire_analyst, flags=["iom", "mappa"])) == ["Both"]
    with pytest.raises(InvalidInput) as refused:
        nominals_visible_to(wiltshire_analyst, flags=["dangerous"])
    assert "Unknown flag 'dangerous'" in refused.value.field_errors["flags"][0]


def test_a_dorset_analyst_cannot_see_wiltshire_people(wiltshire_analyst, dorset_analyst, person):
    person(wiltshire_analyst, "Wiltshireman")
    person(dorset_analyst, "Dorsetman")
    assert _names(nominals_visible_to(dorset_analyst)) == ["Dorsetman"]
    assert _names(nominals_visible_to(dorset_analyst, search="wiltshireman")) == []


def test_the_regional_unit_and_the_system_see_both_forces(
    wiltshire_analyst, dorset_analyst, swrocu_officer, person
):
    person(wiltshire_analyst, "Wiltshireman")
    person(dorset_analyst, "Dorsetman")
    assert _names(nominals_visible_to(swrocu_officer)) == ["Dorsetman", "Wiltshireman"]
    assert _names(nominals_visible_to(None)) == ["Dorsetman", "Wiltshireman"]
    assert _names(nominals_visible_to(swrocu_officer, owner="dorset")) == ["Dorsetman"]


def test_a_partner_sees_only_the_people_shared_with_it(
    wiltshire_analyst, council_partner, wiltshire_council, person, share_with
):
    shared = person(wiltshire_analyst, "Shared")
    person(wiltshire_analyst, "Private")
    assert _names(nominals_visible_to(council_partner)) == []
    share_with(wiltshire_analyst, shared, wiltshire_council)
    assert _names(nominals_visible_to(council_partner)) == ["Shared"]


def test_the_detail_shows_only_associates_the_viewer_may_see(
    wiltshire_analyst, dorset_analyst, swrocu_officer, person
):
    # Given a Wiltshire person supplied by a Dorset person and exploiting a Wiltshire person
    smith = person(wiltshire_analyst, "Smith")
    victim = person(wiltshire_analyst, "Victim")
    dealer = person(dorset_analyst, "Dealer")
    link_people(actor=swrocu_officer, source=dealer, target=smith, kind="supplier")
    link_people(actor=wiltshire_analyst, source=smith, target=victim, kind="exploits")
    # the regional unit sees both links, each read from Smith's point of view
    regional = nominal_detail(swrocu_officer, smith.pk)
    assert [(link.label, link.other.surname) for link in regional.linked_people] == [
        ("Exploits", "Victim"),
        ("Supplied by", "Dealer"),
    ]
    # the Wiltshire analyst cannot see the Dorset dealer, so not that link either
    local = nominal_detail(wiltshire_analyst, smith.pk)
    assert [link.other.surname for link in local.linked_people] == ["Victim"]
    # and from the victim's page the link reads the other way
    assert [link.label for link in nominal_detail(wiltshire_analyst, victim.pk).linked_people] == [
        "Exploited by"
    ]


def test_the_detail_shows_only_groups_the_viewer_may_see(
    wiltshire_analyst, dorset_analyst, swrocu_officer, person
):
    from socmap.threats.models import CrimeType, MemberRole, ThreatKind
    from socmap.threats.services import map_threat

    drugs = CrimeType.objects.get(code="drugs")
    smith = person(swrocu_officer, "Smith", owner=wiltshire_analyst.organisation)
    dorset_group = map_threat(
        actor=dorset_analyst, kind=ThreatKind.OCG, name="Dorset group", predominant_crime_type=drugs
    )
    add_member(actor=swrocu_officer, threat=dorset_group, nominal=smith, role=MemberRole.CORE)
    assert [
        m.threat.name for m in nominal_detail(swrocu_officer, smith.pk).visible_memberships
    ] == ["Dorset group"]
    assert nominal_detail(wiltshire_analyst, smith.pk).visible_memberships == []
