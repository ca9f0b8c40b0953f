"""No user finds, counts or is hinted at a record they may not see: each persona searches
for a word every record in the world holds, and gets exactly their own share of it, on the
page, through the API and at the command line. Intelligence originals are searched only for
users cleared to read them; partners find only the sanitised copies shared with them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from socmap.search import selectors
from tests.search.world import clear, share_copy_with


def counts(user, q="kettering"):
    return selectors.search(user, selectors.parse_request(q)).counts


ZERO = dict.fromkeys(selectors.KINDS, 0)

# the share of the world each persona may see (the Wiltshire analyst is cleared by the world)
EXPECTED = {
    "wiltshire_analyst": {"threat": 1, "nominal": 1, "plan": 1, "disruption": 1, "intel": 2},
    "dorset_analyst": {"threat": 1, "nominal": 1},
    "swrocu_officer": {"threat": 2, "nominal": 2, "plan": 1, "disruption": 1, "intel": 1},
    "durham_analyst": {"threat": 1},
    "nca_officer": {"threat": 3, "nominal": 2, "plan": 1, "disruption": 1, "intel": 1},
    "council_partner": {},
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_each_persona_counts_only_what_they_may_see(world, persona, request):
    user = request.getfixturevalue(persona)
    assert counts(user) == {**ZERO, **EXPECTED[persona]}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_the_page_and_the_api_show_the_same_counts(world, persona, request, client_for):
    user = request.getfixturevalue(persona)
    expected = {**ZERO, **EXPECTED[persona]}
    api = client_for(user).get("/api/search/", {"q": "kettering", "page_size": 50})
    assert api.status_code == 200
    body = api.json()
    assert body["counts"] == expected and body["total"] == sum(expected.values())
    assert len(body["results"]) == sum(expected.values())
    page = client_for(user).get("/search/", {"q": "kettering"})
    assert page.status_code == 200
    assert page.context["results"].counts == expected
    assert f"{sum(expected.values())} result" in page.content.decode()


def test_words_only_in_an_original_find_it_only_for_a_cleared_user(
    world, wiltshire_analyst, make_user, org
):
    uncleared = make_user(org("Wiltshire"), "analyst", username="wiltshire.uncleared")
    # "lockup" is only in the original; "cannabis" only in the sanitised copy
    assert counts(wiltshire_analyst, "lockup")["intel"] == 1
    assert counts(uncleared, "lockup") == ZERO
    assert counts(uncleared, "cannabis")["intel"] == 1
    hit = selectors.search(uncleared, selectors.parse_request("cannabis")).hits[0]
    assert hit.label == "copy"
    clear(uncleared)
    assert counts(uncleared, "lockup")["intel"] == 1


def test_a_cleared_user_sees_no_excerpt_of_the_original_in_results(world, wiltshire_analyst):
    hit = selectors.search(wiltshire_analyst, selectors.parse_request("lockup")).hits[0]
    assert hit.excerpt == ("", "", "")
    page = Client()
    page.force_login(wiltshire_analyst)
    html = page.get("/search/", {"q": "lockup"}).content.decode()
    assert "behind the parade" not in html and "night bus" not in html


def test_clearance_below_the_classification_does_not_search_the_original(world, wiltshire_analyst):
    from socmap.intel import services as intel

    secret = intel.record_report(
        actor=None,
        owner=wiltshire_analyst.organisation,
        reported_on=world["report"].reported_on,
        text="Zeppelin deliveries to the Kettering lockup.",
        source_type="officer",
        grading_system="3x5x2",
        source_evaluation="1",
        intelligence_assessment="A",
        handling_code="P",
        classification="secret",
    )
    assert secret.pk
    # cleared only to OFFICIAL-SENSITIVE: the SECRET report's words are not searched
    assert counts(wiltshire_analyst, "zeppelin") == ZERO


def test_a_partner_finds_a_sanitised_copy_only_once_it_is_shared(
    world, wiltshire_analyst, council_partner, wiltshire_council
):
    assert counts(council_partner, "cannabis") == ZERO
    share_copy_with(world, wiltshire_analyst, wiltshire_council)
    assert counts(council_partner, "cannabis") == {**ZERO, "intel": 1}
    # never the report itself, whatever its words
    assert counts(council_partner, "lockup") == ZERO


def test_a_partner_finds_a_profile_only_when_shared_and_only_by_partner_sections(
    world, wiltshire_analyst, council_partner, wiltshire_council
):
    from socmap.orgs.services import share_record
    from socmap.profiles.services import create_profile

    profile = create_profile(
        actor=wiltshire_analyst,
        area_kind="force",
        force=wiltshire_analyst.organisation,
        sections={"summary": "Tobacco sales rising.", "narrative": "Operation Zebedee internal."},
    )
    assert counts(council_partner, "tobacco") == ZERO
    share_record(actor=wiltshire_analyst, record=profile, organisation=wiltshire_council)
    assert counts(council_partner, "tobacco") == {**ZERO, "profile": 1}
    assert counts(council_partner, "zebedee") == ZERO
    assert counts(wiltshire_analyst, "zebedee") == {**ZERO, "profile": 1}


def test_a_hidden_record_changes_no_count_and_no_page(world, dorset_analyst):
    before = counts(dorset_analyst)
    from tests.search.world import adopted_threat

    adopted_threat(world["threat"].owner.users.first(), "Kettering second firm")
    assert counts(dorset_analyst) == before
    page = Client()
    page.force_login(dorset_analyst)
    html = page.get("/search/", {"q": "kettering", "kind": "threat"}).content.decode()
    assert "Kettering second firm" not in html and "Kettering firm" not in html


def test_an_anonymous_visitor_is_sent_to_sign_in_and_the_api_refuses(world):
    page = Client().get("/search/", {"q": "kettering"})
    assert page.status_code == 302 and "/login" in page["Location"]
    assert Client().get("/api/search/", {"q": "kettering"}).status_code == 401


def test_the_command_searches_as_the_named_user(world, dorset_analyst):
    out = StringIO()
    call_command("search", "kettering", "--as", "dorset.analyst", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows[-1]["counts"] == {**ZERO, "threat": 1, "nominal": 1}
    assert {r["title"] for r in rows[:-1]} == {
        f"{world['dorset_threat'].reference} Kettering crew",
        str(world["dorset_nominal"]),
    }
