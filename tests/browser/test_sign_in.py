"""A demo user signs in through the real log-in page and reaches their dashboard."""

import pytest

from socmap.demo import DEMO_PASSWORD
from socmap.orgs.models import Organisation
from socmap.orgs.services import create_user, ensure_reference

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_analyst(transactional_db):
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


def test_analyst_signs_in_and_reaches_the_dashboard(live_server, page, demo_analyst):
    # Given the Wiltshire analyst opens socmap without being signed in
    page.goto(f"{live_server.url}/")
    # Then they are sent to the sign-in page
    assert "/login/" in page.url
    # When they sign in with the keyboard, as they would
    page.get_by_label("Username").fill("Wiltshire.Analyst")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_label("Password").press("Enter")
    # Then they reach their dashboard, which knows who and where they are
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    body = page.locator("main").inner_text()
    assert "Wiltshire" in body
    assert "Analyst" in body
    # And the main navigation marks the current page
    assert page.locator('nav[aria-label="Main"] [aria-current="page"]').inner_text().strip() == (
        "Dashboard"
    )
    # When they sign out
    page.get_by_role("button", name="Sign out").click()
    # Then they are back at the sign-in page, and the dashboard needs a new sign-in
    page.wait_for_url("**/login/")
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url


def test_wrong_password_is_refused_with_a_clear_message(live_server, page, demo_analyst):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("wiltshire.analyst")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert "/login/" in page.url
    assert "correct username and password" in page.locator("main").inner_text()
