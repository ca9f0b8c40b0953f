"""A Wiltshire analyst records a disruption against a group from its threat page and submits
it; a validator of the force's validation team (another user) validates it; the disruption is
then counted on the figures page and on the threat's page."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from socmap.demo import DEMO_PASSWORD
from socmap.orgs.models import Organisation, Team
from socmap.orgs.services import create_user, ensure_reference
from socmap.threats.models import CrimeType, ThreatKind
from socmap.threats.services import map_threat

pytestmark = pytest.mark.browser


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def _user(username, roles, team, first, last):
    wiltshire = Organisation.objects.get(name="Wiltshire")
    return create_user(
        actor=None,
        username=username,
        email=f"{username}@wiltshire.example",
        first_name=first,
        last_name=last,
        organisation=wiltshire,
        roles=roles,
        team=Team.objects.get_or_create(organisation=wiltshire, name=team)[0],
        password=DEMO_PASSWORD,
    ).user


@pytest.fixture
def people(transactional_db):
    ensure_reference()
    Organisation.objects.filter(name="Wiltshire").update(separate_validation_team=True)
    analyst = _user("wiltshire.analyst", ["analyst"], "SOC Intelligence Unit", "Amira", "Khan")
    validator = _user(
        "wiltshire.validator", ["validator"], "Disruption Validation Team", "Gareth", "Pryce"
    )
    threat = map_threat(
        actor=analyst,
        kind=ThreatKind.OCG,
        name="Northgate firm",
        predominant_crime_type=CrimeType.objects.get(code="county-lines"),
    )
    return analyst, validator, threat


def settled(page):
    """htmx wires up swapped-in fields when the swap settles: wait for that."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def test_a_claim_is_recorded_submitted_validated_by_another_user_and_counted(
    live_server, browser, page, people
):
    _, _, threat = people
    base = live_server.url

    # Given the analyst is on the group's page
    sign_in(page, base, "wiltshire.analyst")
    page.goto(f"{base}/threats/{threat.pk}/")
    # When they record a disruption from it
    page.get_by_role("link", name="Record a disruption").click()
    page.wait_for_url(re.compile(r".*/disruptions/record/\?threat=\d+$"))
    assert page.get_by_label("Threats").input_value() == threat.reference
    page.get_by_label("Date of the disruption").fill(days_ago(40).isoformat())
    # choosing the 4P category offers its tactics; choosing the tactic its quantities
    page.get_by_label("4P category").select_option("pursue")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#id_tactic option')]"
        ".every(o => !o.value || !['victim-safeguarding', 'diversion'].includes(o.value))"
    )
    settled(page)
    page.get_by_label("Tactic", exact=True).select_option("arrest")
    page.locator("#id_drugs_kg").wait_for(state="detached")  # drugs do not apply to an arrest
    assert "What applies to arrest" in page.locator("#tactic-fields").inner_text()
    page.locator("#id_arrests").fill("3")
    page.get_by_label("Operation name").fill("Kestrel")
    # the guidance is beside each grade where it is chosen
    assert "significant but partial" in page.locator("#guidance-moderate").inner_text()
    page.get_by_label("Moderate", exact=True).check()
    page.get_by_label("Rationale for the grade").fill("Three runners remanded; line quiet.")
    page.get_by_role("button", name="Save and submit for validation").click()

    # Then the claim's page says it waits for validation
    page.wait_for_url(re.compile(r".*/disruptions/\d+/$"))
    reference = re.search(r"DIS-\d{6}", page.locator(".messages").inner_text()).group(0)
    assert "submitted it for validation" in page.locator(".messages").inner_text()
    assert "Submitted for validation" in page.locator("main p.lead").inner_text()
    # and the analyst cannot validate their own claim
    assert page.get_by_role("link", name="Validate").count() == 0

    # When the validator, signed in separately, opens the claims waiting for them
    validator_context = browser.new_context(locale="en-GB")
    other = validator_context.new_page()
    other.set_default_timeout(15_000)
    sign_in(other, base, "wiltshire.validator")
    other.goto(f"{base}/disruptions/unvalidated/")
    other.get_by_role("link", name=reference).click()
    other.get_by_role("link", name="Validate", exact=True).click()
    other.wait_for_url("**/validate/")
    # the claimed grade is chosen already; they agree it
    assert other.get_by_label("Moderate", exact=True).is_checked()
    other.get_by_role("button", name="Validate the disruption").click()
    other.wait_for_url(re.compile(r".*/disruptions/\d+/$"))
    assert f"{reference} is validated, graded moderate." in other.locator(".messages").inner_text()
    history = other.locator(".history-list").inner_text()
    assert history.index("Recorded") < history.index("Submitted") < history.index("Validated")
    validator_context.close()

    # Then it is counted: on the figures page (for Wiltshire, with the population year)...
    page.goto(f"{base}/disruptions/figures/")
    row = page.get_by_role("row", name=re.compile(r"^Wiltshire"))
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "1" and cells[1] == "1" and cells[3] == "2019"
    # ...and on the threat's page
    page.goto(f"{base}/threats/{threat.pk}/")
    stats = page.locator("section[aria-labelledby='disruptions-title'] dl.stats").inner_text()
    assert re.search(r"Validated\s+1", stats)
    assert reference in page.locator("main").inner_text()
