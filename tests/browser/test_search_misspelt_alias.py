"""A Wiltshire analyst remembers only a street name, and spells it wrong: the search finds the
nominal by the misspelt alias, says which alias matched, and the result opens the person."""

import pytest

from socmap.demo import DEMO_PASSWORD
from socmap.orgs.models import Organisation
from socmap.orgs.services import create_user, ensure_reference
from socmap.people.services import add_alias, record_nominal

pytestmark = pytest.mark.browser


@pytest.fixture
def analyst(transactional_db):
    ensure_reference()
    return create_user(
        actor=None,
        username="wiltshire.analyst",
        email="analyst@wiltshire.example",
        first_name="Amira",
        last_name="Khan",
        organisation=Organisation.objects.get(name="Wiltshire"),
        roles=["analyst"],
        password=DEMO_PASSWORD,
    ).user


@pytest.fixture
def nominal(analyst):
    person = record_nominal(actor=analyst, surname="Pemberton", forenames="Carl")
    add_alias(actor=analyst, nominal=person, name="Smudger", kind="nickname")
    # someone in Dorset with the same street name, whom the analyst may not see
    dorset = record_nominal(
        actor=None, owner=Organisation.objects.get(name="Dorset"), surname="Hale"
    )
    add_alias(actor=None, nominal=dorset, name="Smudger", kind="nickname")
    return person


def test_analyst_finds_a_nominal_by_a_misspelt_alias(live_server, page, analyst, nominal):
    # Given the analyst is signed in
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("wiltshire.analyst")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    # When they open Search from the navigation and type the alias as they remember it
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_label("Search for").fill("Smugder")
    page.get_by_label("Kind").select_option("nominal")
    page.get_by_label("Search for").press("Enter")
    # Then the one person they may see is found, with the alias that matched
    page.wait_for_selector("#result-count")
    assert page.locator("#result-count").inner_text().startswith("1 result for")
    result = page.locator(".search-result")
    assert result.count() == 1
    assert "PEMBERTON, Carl" in result.inner_text()
    assert "nickname or street name 'Smudger'" in result.inner_text()
    # And the result opens the person's page
    result.get_by_role("link", name="PEMBERTON, Carl").click()
    page.wait_for_url(f"{live_server.url}/people/{nominal.pk}/")
    assert "Pemberton" in page.get_by_role("heading", level=1).inner_text().title()
