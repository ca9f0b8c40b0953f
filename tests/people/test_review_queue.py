"""The duplicates review queue: finding pairs, confirming (merge) and rejecting, who sees
which pair, the pages, API and commands."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from socmap.errors import InvalidInput
from socmap.people.models import CandidateStatus, DuplicateCandidate
from socmap.people.selectors import candidates_visible_to
from socmap.people.services import (
    confirm_candidate,
    find_duplicates,
    reject_candidate,
    unmerge_people,
)


@pytest.fixture
def records(db, person, org):
    """Twelve people of Wiltshire and Dorset; three recorded twice under other spellings:
    one within Wiltshire, two across the border."""
    wilts, dorset = org("Wiltshire"), org("Dorset")
    names = [
        ("Abbott", "Alan"),
        ("Baker", "Beth"),
        ("Carter", "Colin"),
        ("Dixon", "Dora"),
        ("Evans", "Ed"),
        ("Fisher", "Fay"),
        ("Grant", "Gus"),
        ("Hughes", "Hana"),
        ("Irwin", "Ivy"),
    ]
    made = {}
    for n, (surname, forenames) in enumerate(names):
        made[surname] = person(
            None,
            owner=wilts if n % 2 else dorset,
            surname=surname,
            forenames=forenames,
            date_of_birth=dt.date(1980 + n, n + 1, 10 + n),
        )
    made["Baker2"] = person(
        None, owner=dorset, surname="Bakker", forenames="Beth", date_of_birth=dt.date(1981, 2, 11)
    )
    made["Carter2"] = person(
        None, owner=wilts, surname="Colin", forenames="Carter", date_of_birth=dt.date(1982, 3, 12)
    )
    made["Dixon2"] = person(
        None,
        owner=wilts,
        surname="Dixon",
        forenames="Dora",
        date_of_birth=dt.date(1983, 4, 13),
        aliases=["Dora Dix"],
    )
    return made


def pair_of(a, b):
    left, right = sorted([a.pk, b.pk])
    return DuplicateCandidate.objects.get(left_id=left, right_id=right)


def test_a_linkage_run_fills_the_queue_with_the_likely_pairs(records, swrocu_officer):
    run = find_duplicates(actor=swrocu_officer, threshold=0.5)
    assert run.records == 12 and run.new_candidates >= 3
    for a, b in (("Baker", "Baker2"), ("Carter", "Carter2"), ("Dixon", "Dixon2")):
        assert pair_of(records[a], records[b]).status == CandidateStatus.PENDING


def test_each_user_sees_only_pairs_whose_two_people_they_may_see(
    records, swrocu_officer, wiltshire_analyst, dorset_analyst, nca_officer, council_partner
):
    find_duplicates(actor=None, threshold=0.5)
    cross = pair_of(records["Baker"], records["Baker2"])  # Wiltshire and Dorset
    within = pair_of(records["Dixon"], records["Dixon2"])  # both Wiltshire
    assert cross in candidates_visible_to(swrocu_officer)
    assert cross in candidates_visible_to(nca_officer)
    assert cross not in candidates_visible_to(wiltshire_analyst)
    assert cross not in candidates_visible_to(dorset_analyst)
    assert within in candidates_visible_to(wiltshire_analyst)
    assert not candidates_visible_to(council_partner).exists()
    assert list(candidates_visible_to(swrocu_officer, cross_force_only=True)).count(within) == 0


def test_confirming_merges_and_rejecting_is_remembered_by_later_runs(records, swrocu_officer):
    find_duplicates(actor=swrocu_officer, threshold=0.5)
    cross = pair_of(records["Baker"], records["Baker2"])
    merge = confirm_candidate(actor=swrocu_officer, candidate=cross, reason="Same custody photo")
    cross.refresh_from_db()
    assert cross.status == CandidateStatus.CONFIRMED and merge.candidate == cross
    swapped = pair_of(records["Carter"], records["Carter2"])
    reject_candidate(actor=swrocu_officer, candidate=swapped, reason="Brothers")
    with pytest.raises(InvalidInput, match="already been reviewed"):
        reject_candidate(actor=swrocu_officer, candidate=swapped, reason="Brothers")
    again = find_duplicates(actor=swrocu_officer, threshold=0.5)
    swapped.refresh_from_db()
    assert swapped.status == CandidateStatus.REJECTED
    assert again.new_candidates == 0
    unmerge_people(actor=swrocu_officer, merge=merge, reason="Twins after all")
    cross.refresh_from_db()
    assert cross.status == CandidateStatus.REJECTED


def test_a_bad_threshold_is_refused(records, swrocu_officer):
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        find_duplicates(actor=swrocu_officer, threshold=1.5)


def test_the_queue_and_review_pages(records, client_for, swrocu_officer, dorset_analyst):
    find_duplicates(actor=None, threshold=0.5)
    client = client_for(swrocu_officer)
    queue = client.get(reverse("people:duplicates"))
    assert queue.status_code == 200 and "BAKKER" in queue.content.decode()
    csv = client.get(reverse("people:duplicates") + "?format=csv").content.decode()
    assert csv.startswith("pair,match_probability")
    cross = pair_of(records["Baker"], records["Baker2"])
    review = client.get(reverse("people:duplicate-review", args=[cross.pk]))
    assert review.status_code == 200 and "Are these the same person?" in review.content.decode()
    assert (
        client_for(dorset_analyst)
        .get(reverse("people:duplicate-review", args=[cross.pk]))
        .status_code
        == 404
    )
    refused = client.post(
        reverse("people:duplicate-review", args=[cross.pk]), {"decision": "reject", "reason": ""}
    )
    assert refused.status_code == 400
    done = client.post(
        reverse("people:duplicate-review", args=[cross.pk]),
        {"decision": "confirm", "keep": "right", "reason": "Same PNC"},
    )
    assert done.status_code == 302
    cross.refresh_from_db()
    assert cross.status == CandidateStatus.CONFIRMED
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Possible duplicate people to review" in dashboard


def test_the_queue_page_runs_the_linkage_for_an_analyst(
    records, client_for, swrocu_officer, inspector
):
    response = client_for(swrocu_officer).post(reverse("people:duplicates"), {"threshold": "0.6"})
    assert response.status_code == 302
    assert DuplicateCandidate.objects.exists()
    assert (
        client_for(inspector).post(reverse("people:duplicates"), {"threshold": "0.6"}).status_code
        == 403
    )


def test_the_duplicates_api(records, client_for, swrocu_officer, wiltshire_analyst):
    client = client_for(swrocu_officer)
    run = client.post(
        "/api/people/duplicates/find", {"threshold": 0.5}, content_type="application/json"
    )
    assert run.status_code == 201 and run.json()["records"] == 12
    listed = client.get("/api/people/duplicates").json()
    assert listed["count"] >= 3
    cross = pair_of(records["Baker"], records["Baker2"])
    assert (
        client_for(wiltshire_analyst).get(f"/api/people/duplicates/{cross.pk}").status_code == 404
    )
    merged = client.post(
        f"/api/people/duplicates/{cross.pk}/confirm",
        {"reason": "same", "keep": "left"},
        content_type="application/json",
    )
    assert merged.status_code == 201
    swapped = pair_of(records["Carter"], records["Carter2"])
    rejected = client.post(
        f"/api/people/duplicates/{swapped.pk}/reject",
        {"reason": "no"},
        content_type="application/json",
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert client.get("/api/people/duplicates", {"status": "odd"}).status_code == 400


def test_the_commands(records, swrocu_officer):
    out = io.StringIO()
    call_command(
        "find-duplicates", "--threshold", "0.5", "--as", swrocu_officer.username, stdout=out
    )
    assert "new in the review queue" in out.getvalue()
    out = io.StringIO()
    call_command("duplicates", "--as", swrocu_officer.username, stdout=out)
    assert "BAKKER" in out.getvalue()
    cross = pair_of(records["Baker"], records["Baker2"])
    out = io.StringIO()
    call_command(
        "merge-people",
        "--pair",
        str(cross.pk),
        "--reason",
        "same",
        "--as",
        swrocu_officer.username,
        stdout=out,
    )
    assert "is shown as" in out.getvalue()
    with pytest.raises(CommandError, match="already merged"):
        call_command(
            "merge-people",
            str(records["Baker2"].pk),
            str(records["Abbott"].pk),
            "--reason",
            "x",
            "--confirm-different-dates-of-birth",
        )
    with pytest.raises(CommandError, match="dates of birth differ"):
        call_command(
            "merge-people", str(records["Evans"].pk), str(records["Abbott"].pk), "--reason", "x"
        )
    out = io.StringIO()
    call_command(
        "unmerge-people", "--duplicate", str(records["Baker2"].pk), "--reason", "no", stdout=out
    )
    assert "undone" in out.getvalue()
    with pytest.raises(CommandError, match="is not merged"):
        call_command("unmerge-people", "--duplicate", str(records["Baker2"].pk), "--reason", "no")
