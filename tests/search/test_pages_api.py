"""The search page, the API and the command refuse bad input with the checks' own words."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command


def test_the_empty_search_page_shows_the_form(client_for, wiltshire_analyst):
    page = client_for(wiltshire_analyst).get("/search/")
    assert page.status_code == 200
    assert 'role="search"' in page.content.decode() and page.context["results"] is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ""}, "Type something to search for."),
        ({"q": "x" * 250}, "Keep the search to 200 characters (it has 250)."),
        ({"q": "kettering", "kind": "person"}, "Unknown kind &#x27;person&#x27;"),
        ({"q": "kettering", "colour": "red"}, "Unknown filter &#x27;colour&#x27;"),
    ],
)
def test_the_page_explains_bad_input(client_for, wiltshire_analyst, params, message):
    page = client_for(wiltshire_analyst).get("/search/", params)
    assert page.status_code == 400
    assert message in page.content.decode()


def test_the_api_answers_400_with_field_errors(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    reply = client.get("/api/search/", {"q": "kettering", "sort": "name", "page": "0"})
    assert reply.status_code == 400
    errors = reply.json()["errors"]
    assert errors["sort"][0].startswith("Unknown filter 'sort'")
    assert errors["page"] == ["Choose a page from 1 to 50."]
    assert client.get("/api/search/").json()["errors"]["q"] == ["Type something to search for."]


def test_the_results_page_links_each_hit_and_marks_the_words(world, client_for, wiltshire_analyst):
    html = client_for(wiltshire_analyst).get("/search/", {"q": "kettering"}).content.decode()
    assert f'href="/threats/{world["threat"].pk}/"' in html
    assert f'href="/people/{world["nominal"].pk}/"' in html
    assert "<mark>Kettering</mark>" in html


def test_the_command_needs_a_user_and_a_good_query(world):
    with pytest.raises(CommandError, match="Give --as USERNAME"):
        call_command("search", "kettering")
    with pytest.raises(CommandError, match="Type at least 2 letters"):
        call_command("search", "k", "--as", "wiltshire.analyst")
