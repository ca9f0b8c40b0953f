"""An analyst finds earlier work without knowing the case: every kind of record, by words,
names, misspelt aliases and operation names; filters, pages and clear errors for bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socmap.errors import InvalidInput
from socmap.search import selectors


def run(user, q, **filters):
    return selectors.search(user, selectors.parse_request(q, **filters))


def titles(results):
    return [h.title for h in results.hits]


def test_one_search_finds_every_kind_of_record_the_analyst_may_see(world, wiltshire_analyst):
    results = run(wiltshire_analyst, "kettering")
    assert results.counts == {
        "threat": 1,
        "nominal": 1,
        "plan": 1,
        "disruption": 1,
        "intel": 2,  # the report (cleared analyst: its original) and its sanitised copy
        "profile": 0,
    }
    assert results.total == 6
    kinds = {(h.kind, h.label) for h in results.hits}
    assert kinds == {
        ("threat", ""),
        ("nominal", ""),
        ("plan", ""),
        ("disruption", ""),
        ("intel", "report"),
        ("intel", "copy"),
    }
    threat = next(h for h in results.hits if h.kind == "threat")
    assert threat.title == f"{world['threat'].reference} Kettering firm"
    assert threat.url == f"/threats/{world['threat'].pk}/"
    assert threat.excerpt[1] == "Kettering"


def test_a_misspelt_alias_finds_the_nominal_and_says_which_alias_matched(world, wiltshire_analyst):
    results = run(wiltshire_analyst, "Smugder")
    assert titles(results) == [str(world["nominal"])]
    assert results.hits[0].matched.startswith("nickname or street name 'Smudger'")


def test_a_misspelt_surname_finds_the_person(world, wiltshire_analyst):
    results = run(wiltshire_analyst, "Keterring", kind="nominal")
    assert titles(results) == [str(world["nominal"])]
    assert "similar name" in results.hits[0].matched


def test_an_operation_name_finds_the_threat_and_the_disruption(world, wiltshire_analyst):
    results = run(wiltshire_analyst, "kestrel")
    assert results.counts["threat"] == 1 and results.counts["disruption"] == 1


def test_plans_are_found_by_their_actions(world, wiltshire_analyst):
    results = run(wiltshire_analyst, "cuckooed", kind="plan")
    assert titles(results) == [
        f"{world['plan'].reference} 4P plan for {world['threat'].reference} Kettering firm"
    ]


def test_a_profile_is_found_by_its_text(world, wiltshire_analyst):
    from socmap.profiles.services import create_profile

    create_profile(
        actor=wiltshire_analyst,
        area_kind="force",
        force=wiltshire_analyst.organisation,
        sections={"partner_data": "Housing reports cuckooing in Trowbridge."},
    )
    results = run(wiltshire_analyst, "trowbridge")
    assert results.counts["profile"] == 1
    assert results.hits[0].excerpt[1].lower() == "trowbridge"


def test_the_best_match_comes_first(world, wiltshire_analyst):
    # the threat is named Kettering; the others only mention it
    results = run(wiltshire_analyst, "kettering firm")
    assert results.hits[0].kind == "threat"


def test_filters_narrow_by_kind_force_date_and_status(world, wiltshire_analyst, nca_officer):
    assert run(nca_officer, "kettering", kind="threat").total == 3
    assert run(nca_officer, "kettering", kind="threat", force="dorset").total == 1
    assert run(nca_officer, "kettering", kind="threat", status="archived").total == 0
    assert run(nca_officer, "kettering", status="active").counts == {"threat": 3}
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert run(nca_officer, "kettering", date_from=tomorrow.isoformat()).total == 0
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    disruptions = run(nca_officer, "kettering", kind="disruption", date_from=week_ago)
    assert disruptions.total == 1


def test_results_come_a_page_at_a_time(world, nca_officer):
    # 3 threats, 2 nominals, the plan, the disruption and the sanitised copy (the NCA officer
    # is not cleared, so the report itself is not found by its original text)
    first = run(nca_officer, "kettering", page_size=3)
    second = run(nca_officer, "kettering", page_size=3, page=2)
    assert first.total == second.total == 8 and first.num_pages == 3
    assert len(first.hits) == 3 and len(second.hits) == 3
    assert not {(h.kind, h.label, h.pk) for h in first.hits} & {
        (h.kind, h.label, h.pk) for h in second.hits
    }
    last = run(nca_officer, "kettering", page_size=3, page=40)
    assert last.page == 3
    # the pages, one after another, are the whole ranking, in order, each record once
    paged = [
        (h.kind, h.label, h.pk)
        for page in (1, 2, 3)
        for h in run(nca_officer, "kettering", page_size=3, page=page).hits
    ]
    whole = [(h.kind, h.label, h.pk) for h in run(nca_officer, "kettering", page_size=20).hits]
    assert paged == whole and len(whole) == 8
    assert [(h.kind, h.pk) for h in last.hits] == [(k, pk) for k, _, pk in whole[6:]]


def test_one_kind_is_shown_and_every_kind_still_counted(world, nca_officer):
    every = run(nca_officer, "kettering").counts
    threats = run(nca_officer, "kettering", kind="threat")
    assert threats.counts == every and every["threat"] == 3 and every["nominal"] == 2
    assert threats.total == 3 and {h.kind for h in threats.hits} == {"threat"}
    assert all(isinstance(h.day, dt.date) for h in threats.hits)  # the day each was created


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        (("",), "q", "Type something to search for."),
        (("x" * 300,), "q", "Keep the search to 200 characters (it has 300)."),
        (("a",), "q", "Type at least 2 letters or digits."),
        (
            ("ab",),
            "kind",
            "Unknown kind 'person': choose from threat, nominal, plan, disruption, intel, profile.",
        ),
        (("ab",), "force", "There is no force or organisation 'atlantis'."),
        (
            ("ab",),
            "status",
            "Unknown status 'lost': choose from active, archived, draft, returned, "
            "submitted, trigger_report, under_assessment, validated.",
        ),
        (("ab",), "date_from", "'yesterday' is not a date: use 2026-03-14."),
        (("ab",), "page", "'two' is not a whole number."),
        (
            ("ab",),
            "colour",
            "Unknown filter 'colour': use q, kind, force, date_from, date_to, "
            "status, page, page_size.",
        ),
    ],
)
def test_bad_input_gets_a_clear_message(db, args, field, message):
    filters = {
        "kind": {"kind": "person"},
        "force": {"force": "atlantis"},
        "status": {"status": "lost"},
        "date_from": {"date_from": "yesterday"},
        "page": {"page": "two"},
        "colour": {"unknown": ["colour"]},
    }.get(field, {})
    with pytest.raises(InvalidInput) as raised:
        selectors.parse_request(*args, **filters)
    assert raised.value.field_errors[field] == [message]


def test_a_status_filter_must_fit_the_kind(db):
    with pytest.raises(InvalidInput) as raised:
        selectors.parse_request("ab", kind="nominal", status="active")
    assert raised.value.field_errors["status"] == ["Nominals have no status to filter by."]
    with pytest.raises(InvalidInput) as raised:
        selectors.parse_request("ab", kind="disruption", status="active")
    assert raised.value.field_errors["status"] == ["Disruptions have no status 'active'."]
    with pytest.raises(InvalidInput) as raised:
        selectors.parse_request("ab", date_from="2026-02-01", date_to="2026-01-01")
    assert raised.value.field_errors["date_to"] == ["The end date is before the start date."]


def test_nothing_is_found_for_words_no_record_holds(world, nca_officer):
    results = run(nca_officer, "zanzibar")
    assert results.total == 0 and results.hits == []
    assert set(results.counts.values()) == {0}


def test_a_merged_person_is_found_once_by_either_record_s_name(
    world, swrocu_officer, dorset_analyst
):
    # Given Dorset recorded Wiltshire's person again under another name, and the ROCU merged them
    from socmap.people.services import merge_people, record_nominal

    survivor = world["nominal"]
    duplicate = record_nominal(
        actor=dorset_analyst,
        surname="Zanzibarr",
        forenames=survivor.forenames,
        date_of_birth=survivor.date_of_birth,
    )
    assert titles(run(swrocu_officer, "Zanzibar", kind="nominal")) == [str(duplicate)]
    merge_people(actor=swrocu_officer, duplicate=duplicate, survivor=survivor, reason="Same person")
    # When the ROCU officer, who sees both records, searches by the duplicate's spelling
    results = run(swrocu_officer, "Zanzibar", kind="nominal")
    # Then the person is found once, as the record the duplicate was merged into
    assert titles(results) == [str(survivor)]
    assert results.counts["nominal"] == 1
    # And Dorset, who sees only its own record, still finds that one
    assert titles(run(dorset_analyst, "Zanzibar", kind="nominal")) == [str(duplicate)]


def test_a_restricted_operation_is_neither_found_nor_counted_by_anyone_not_named(
    world, wiltshire_analyst, make_user, org
):
    from socmap.security.services import restrict_record

    officer = make_user(org("Wiltshire"), "analyst", username="kestrel.officer")
    national = make_user(org("NCA"), "analyst", username="nca.searcher")
    before = {user: run(user, "kettering").counts for user in (wiltshire_analyst, national)}
    restrict_record(
        actor=officer,
        record=world["threat"],
        name="Operation Kestrel",
        reason="Covert operation: need to know",
    )
    for user in (wiltshire_analyst, national):
        results = run(user, "kettering")
        # the group, its plan and the disruption recorded only against it are gone, and counted
        # nowhere
        for kind in ("threat", "plan", "disruption"):
            assert results.counts[kind] == before[user][kind] - 1, (user, kind)
        assert world["threat"].reference not in " ".join(titles(results))
    assert run(officer, "kettering").counts["threat"] == 1
