"""Recording people and linking them: bad input is refused with a message naming the field,
and nothing is saved; people outside your scope cannot be touched."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from socmap.audit.models import AuditEvent
from socmap.errors import InvalidInput
from socmap.people.models import Alias, Association, AssociationKind, Nominal
from socmap.people.services import (
    add_alias,
    add_identifier,
    link_people,
    record_nominal,
    unlink_people,
    update_nominal,
)


def test_an_analyst_records_a_person_with_aliases_and_an_audit_event(wiltshire_analyst):
    nominal = record_nominal(
        actor=wiltshire_analyst,
        surname="Smith",
        forenames="John",
        date_of_birth=dt.date(1990, 5, 1),
        pnc_id="19/123456a",
        iom=True,
        aliases=["Smithy", "JS"],
    )
    assert nominal.owner == wiltshire_analyst.organisation
    assert nominal.pnc_id == "19/123456A"
    assert sorted(nominal.aliases.values_list("name", flat=True)) == ["JS", "Smithy"]
    assert AuditEvent.objects.filter(action="nominal.recorded", target_id=str(nominal.pk)).exists()


def test_a_date_of_birth_in_the_future_is_refused(wiltshire_analyst):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        record_nominal(actor=wiltshire_analyst, surname="Smith", date_of_birth=tomorrow)
    assert refused.value.field_errors["date_of_birth"] == [
        "The date of birth cannot be in the future."
    ]
    assert not Nominal.objects.exists()


def test_a_bad_pnc_id_is_refused_with_an_example(wiltshire_analyst):
    with pytest.raises(InvalidInput) as refused:
        record_nominal(actor=wiltshire_analyst, surname="Smith", pnc_id="not-a-pnc")
    assert "is not a PNC ID (e.g. 19/123456A" in refused.value.field_errors["pnc_id"][0]
    assert not Nominal.objects.exists()


def test_text_too_long_for_the_database_is_refused_not_crashed(wiltshire_analyst):
    with pytest.raises(InvalidInput) as refused:
        record_nominal(actor=wiltshire_analyst, surname="Smith", forenames="x" * 151)
    assert refused.value.field_errors["forenames"] == [
        "The forenames must be 150 characters or fewer."
    ]


def test_a_person_cannot_be_associated_with_themselves(wiltshire_analyst, person):
    smith = person(wiltshire_analyst)
    with pytest.raises(InvalidInput) as refused:
        link_people(actor=wiltshire_analyst, source=smith, target=smith, kind="family")
    assert refused.value.field_errors["target"] == [
        "A person cannot be associated with themselves."
    ]
    assert not Association.objects.exists()


def test_the_same_association_cannot_be_recorded_twice(wiltshire_analyst, person):
    smith, jones = person(wiltshire_analyst), person(wiltshire_analyst, "Jones")
    link_people(actor=wiltshire_analyst, source=smith, target=jones, kind="supplier")
    with pytest.raises(InvalidInput) as refused:
        link_people(actor=wiltshire_analyst, source=smith, target=jones, kind="supplier")
    assert "already recorded" in refused.value.field_errors["target"][0]
    assert Association.objects.count() == 1


def test_a_symmetric_association_recorded_the_other_way_round_is_a_duplicate(
    wiltshire_analyst, person
):
    # Given "Smith is family of Jones"
    smith, jones = person(wiltshire_analyst), person(wiltshire_analyst, "Jones")
    link_people(actor=wiltshire_analyst, source=smith, target=jones, kind="family")
    # then "Jones is family of Smith" says nothing new
    with pytest.raises(InvalidInput):
        link_people(actor=wiltshire_analyst, source=jones, target=smith, kind="family")
    # but "Jones supplies Smith" is a different fact from "Smith supplies Jones"
    link_people(actor=wiltshire_analyst, source=smith, target=jones, kind="supplier")
    link_people(actor=wiltshire_analyst, source=jones, target=smith, kind="supplier")
    assert Association.objects.count() == 3


def test_a_duplicate_alias_is_refused_whatever_its_case(wiltshire_analyst, person):
    smith = person(wiltshire_analyst, aliases=["Smithy"])
    with pytest.raises(InvalidInput) as refused:
        add_alias(actor=wiltshire_analyst, nominal=smith, name="SMITHY")
    assert "already has the alias" in refused.value.field_errors["name"][0]
    assert Alias.objects.count() == 1


def test_a_dorset_analyst_cannot_link_a_wiltshire_person(wiltshire_analyst, dorset_analyst, person):
    wiltshire_person = person(wiltshire_analyst)
    dorset_person = person(dorset_analyst, "Jones")
    with pytest.raises(PermissionDenied):
        link_people(
            actor=dorset_analyst, source=dorset_person, target=wiltshire_person, kind="family"
        )
    assert not Association.objects.exists()


def test_the_regional_unit_can_link_people_of_two_forces_in_its_region(
    wiltshire_analyst, dorset_analyst, swrocu_officer, person
):
    wiltshire_person = person(wiltshire_analyst)
    dorset_person = person(dorset_analyst, "Jones")
    association = link_people(
        actor=swrocu_officer, source=dorset_person, target=wiltshire_person, kind="supplier"
    )
    assert association.label_from(wiltshire_person) == "Supplied by"


def test_a_partner_cannot_record_people(council_partner, make_user, wiltshire_council):
    with pytest.raises(PermissionDenied):
        record_nominal(actor=council_partner, surname="Smith")
    # not even a partner agency's LRO: partners see what is shared with them, they do not
    # keep their own records of people
    partner_lro = make_user(wiltshire_council, "partner", "lro", username="council.lro")
    with pytest.raises(PermissionDenied):
        record_nominal(actor=partner_lro, surname="Smith")
    assert not Nominal.objects.exists()


def test_an_inspector_cannot_change_a_person(inspector, wiltshire_analyst, person):
    smith = person(wiltshire_analyst)
    with pytest.raises(PermissionDenied):
        update_nominal(actor=inspector, nominal=smith, surname="Changed")
    with pytest.raises(PermissionDenied):
        add_identifier(actor=inspector, nominal=smith, kind="phone", value="07700 900000")
    smith.refresh_from_db()
    assert smith.surname == "Smith"


def test_removing_an_association_needs_a_reason_and_is_audited(wiltshire_analyst, person):
    smith, jones = person(wiltshire_analyst), person(wiltshire_analyst, "Jones")
    association = link_people(
        actor=wiltshire_analyst, source=smith, target=jones, kind=AssociationKind.EXPLOITS
    )
    with pytest.raises(InvalidInput):
        unlink_people(actor=wiltshire_analyst, association=association, reason="  ")
    assert Association.objects.count() == 1
    unlink_people(actor=wiltshire_analyst, association=association, reason="Wrong person")
    assert not Association.objects.exists()
    event = AuditEvent.objects.get(action="nominal.association_removed")
    assert event.reason == "Wrong person"
