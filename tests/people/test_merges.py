"""Merging and unmerging people, the rules that refuse bad merges, and how merged people
show as one."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from socmap.audit.models import AuditEvent
from socmap.errors import InvalidInput
from socmap.people.models import Nominal
from socmap.people.rules import (
    date_of_birth_difference,
    merge_chain,
    merge_would_cycle,
    representative,
)
from socmap.people.selectors import nominal_detail, nominals_visible_to
from socmap.people.services import merge_people, unmerge_people


def test_date_of_birth_differences_are_described():
    a = dt.date(1990, 3, 4)
    assert date_of_birth_difference(a, a) == ""
    assert date_of_birth_difference(a, None) == ""
    assert "day and month look swapped" in date_of_birth_difference(a, dt.date(1990, 4, 3))
    assert "one digit" in date_of_birth_difference(a, dt.date(1990, 3, 5))
    assert "one digit" in date_of_birth_difference(dt.date(1974, 1, 2), dt.date(1947, 1, 2))
    assert date_of_birth_difference(a, dt.date(1975, 8, 9)).endswith("(04/03/1990 and 09/08/1975).")


def test_merge_chains_cycles_and_representatives():
    parents = {1: 2, 2: 3, 3: None}
    assert merge_chain(parents, 1) == [2, 3]
    assert merge_would_cycle(parents, 3, 1)  # 1 is already merged (through 2) into 3
    assert merge_would_cycle(parents, 2, 2)
    assert not merge_would_cycle(parents, 4, 1)
    assert representative(parents, 1, {1, 2, 3}) == 3
    assert representative(parents, 1, {1, 3}) == 1  # the link through 2 is out of sight


@pytest.fixture
def two_records(person, org):
    wilts = person(
        None,
        owner=org("Wiltshire"),
        surname="Smith",
        forenames="John",
        date_of_birth=dt.date(1990, 3, 4),
    )
    dorset = person(
        None,
        owner=org("Dorset"),
        surname="Smyth",
        forenames="Jon",
        date_of_birth=dt.date(1990, 3, 4),
    )
    return wilts, dorset


def test_an_analyst_merges_two_records_and_both_are_kept_with_their_history(
    swrocu_officer, two_records
):
    wilts, dorset = two_records
    merge = merge_people(
        actor=swrocu_officer, duplicate=dorset, survivor=wilts, reason="Same PNC photograph"
    )
    dorset.refresh_from_db()
    assert dorset.merged_into == wilts
    assert Nominal.objects.filter(pk__in=[wilts.pk, dorset.pk]).count() == 2
    event = AuditEvent.objects.get(action="nominal.merged", target_id=str(dorset.pk))
    assert event.changes["survivor"] == wilts.pk and event.reason == "Same PNC photograph"
    # Listed once, for someone who sees both; found by either spelling.
    listed = list(nominals_visible_to(swrocu_officer).filter(pk__in=[wilts.pk, dorset.pk]))
    assert listed == [wilts]
    assert list(nominals_visible_to(swrocu_officer, search="Smyth")) == [wilts]
    detail = nominal_detail(swrocu_officer, wilts.pk)
    assert [m.duplicate for m in detail.merged_here] == [dorset]
    assert nominal_detail(swrocu_officer, dorset.pk).shown_as == merge

    unmerge_people(actor=swrocu_officer, merge=merge, reason="Different fathers' names")
    dorset.refresh_from_db()
    assert dorset.merged_into is None
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undo_reason == "Different fathers' names"
    assert set(nominals_visible_to(swrocu_officer).filter(pk__in=[wilts.pk, dorset.pk])) == {
        wilts,
        dorset,
    }
    assert AuditEvent.objects.filter(action="nominal.unmerged", target_id=str(dorset.pk)).exists()
    assert len(nominal_detail(swrocu_officer, wilts.pk).merge_history) == 1


def test_a_user_who_sees_only_one_record_sees_it_as_before(
    swrocu_officer, dorset_analyst, two_records
):
    wilts, dorset = two_records
    merge_people(actor=swrocu_officer, duplicate=dorset, survivor=wilts, reason="Same person")
    assert list(nominals_visible_to(dorset_analyst).filter(pk=dorset.pk)) == [dorset]
    detail = nominal_detail(dorset_analyst, dorset.pk)
    assert detail.shown_as is None and detail.merge_history == []


def test_different_dates_of_birth_need_explicit_confirmation(swrocu_officer, person, org):
    a = person(None, owner=org("Wiltshire"), date_of_birth=dt.date(1990, 3, 4))
    b = person(None, owner=org("Dorset"), date_of_birth=dt.date(1990, 4, 3))
    with pytest.raises(InvalidInput) as refused:
        merge_people(actor=swrocu_officer, duplicate=b, survivor=a, reason="Looks the same")
    assert "day and month look swapped" in refused.value.summary()
    b.refresh_from_db()
    assert b.merged_into is None
    merge = merge_people(
        actor=swrocu_officer,
        duplicate=b,
        survivor=a,
        reason="Checked",
        confirm_different_dates_of_birth=True,
    )
    assert merge.dates_of_birth_differ


def test_cycles_self_merges_and_second_merges_are_refused(swrocu_officer, person, org):
    a, b, c = (person(None, owner=org("Wiltshire"), surname=s) for s in ("Ash", "Birch", "Cedar"))
    merge_people(actor=swrocu_officer, duplicate=a, survivor=b, reason="same")
    merge_people(actor=swrocu_officer, duplicate=b, survivor=c, reason="same")
    with pytest.raises(InvalidInput, match="would make a cycle"):
        merge_people(actor=swrocu_officer, duplicate=c, survivor=a, reason="same")
    with pytest.raises(InvalidInput, match="already merged into another record"):
        merge_people(actor=swrocu_officer, duplicate=a, survivor=c, reason="same")
    with pytest.raises(InvalidInput, match="cannot be merged into itself"):
        merge_people(actor=swrocu_officer, duplicate=c, survivor=c, reason="same")
    with pytest.raises(InvalidInput, match="Say why"):
        merge_people(actor=swrocu_officer, duplicate=c, survivor=a, reason=" ")


def test_merging_into_a_person_the_user_cannot_see_is_refused_like_a_typo(
    wiltshire_analyst, two_records
):
    wilts, dorset = two_records
    with pytest.raises(InvalidInput, match=f"There is no person with id {dorset.pk} you can see"):
        merge_people(actor=wiltshire_analyst, duplicate=wilts, survivor=dorset, reason="same")
    wilts.refresh_from_db()
    assert wilts.merged_into is None


def test_inspectors_and_partners_may_not_merge(inspector, two_records):
    wilts, dorset = two_records
    with pytest.raises(PermissionDenied):
        merge_people(actor=inspector, duplicate=dorset, survivor=wilts, reason="same")


def test_the_merge_and_undo_pages(client_for, swrocu_officer, two_records):
    wilts, dorset = two_records
    client = client_for(swrocu_officer)
    page = client.post(
        reverse("people:merge", args=[dorset.pk]),
        {"survivor": str(wilts.pk), "reason": "Same tattoo"},
    )
    assert page.status_code == 302
    merge = dorset.merges_out.get()
    detail = client.get(reverse("people:detail", args=[wilts.pk])).content.decode()
    assert "Other records of this person" in detail and "Same tattoo" in detail
    refused = client.post(reverse("people:unmerge", args=[merge.pk]), {"reason": ""})
    assert refused.status_code == 400
    done = client.post(reverse("people:unmerge", args=[merge.pk]), {"reason": "Wrong person"})
    assert done.status_code == 302
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_the_merge_page_refuses_an_unseen_survivor_and_unconfirmed_dates(
    client_for, wiltshire_analyst, dorset_analyst, person, org
):
    a = person(None, owner=org("Wiltshire"), date_of_birth=dt.date(1990, 3, 4))
    b = person(None, owner=org("Wiltshire"), date_of_birth=dt.date(1991, 3, 4))
    hidden = person(None, owner=org("Dorset"))
    client = client_for(wiltshire_analyst)
    page = client.post(
        reverse("people:merge", args=[a.pk]), {"survivor": str(hidden.pk), "reason": "same"}
    )
    assert page.status_code == 400
    assert f"There is no person with id {hidden.pk} that you can see" in page.content.decode()
    page = client.post(reverse("people:merge", args=[a.pk]), {"survivor": str(b.pk), "reason": "x"})
    assert page.status_code == 400 and "dates of birth differ" in page.content.decode()
    assert client_for(dorset_analyst).get(reverse("people:merge", args=[a.pk])).status_code == 404


def test_the_merge_api_and_undo(client_for, swrocu_officer, dorset_analyst, two_records):
    wilts, dorset = two_records
    client = client_for(swrocu_officer)
    made = client.post(
        f"/api/people/nominals/{dorset.pk}/merge",
        {"survivor": wilts.pk, "reason": "same"},
        content_type="application/json",
    )
    assert made.status_code == 201
    merge_id = made.json()["id"]
    assert client_for(dorset_analyst).get("/api/people/merges").json()["count"] == 0
    listed = client.get("/api/people/merges").json()
    assert [m["id"] for m in listed["items"]] == [merge_id]
    again = client.post(
        f"/api/people/nominals/{dorset.pk}/merge",
        {"survivor": wilts.pk, "reason": "same"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert (
        client_for(dorset_analyst)
        .post(
            f"/api/people/merges/{merge_id}/undo", {"reason": "x"}, content_type="application/json"
        )
        .status_code
        == 404
    )
    undone = client.post(
        f"/api/people/merges/{merge_id}/undo", {"reason": "wrong"}, content_type="application/json"
    )
    assert undone.status_code == 200 and undone.json()["undone_at"]
