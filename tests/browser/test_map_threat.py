"""A Wiltshire analyst maps a new organised crime group, watches the live score preview as
they answer the group matrix, and lands on the threat's page showing the same band."""

import re

import pytest

from socmap.demo import DEMO_PASSWORD
from socmap.orgs.models import Organisation
from socmap.orgs.services import create_user, ensure_reference
from socmap.scoring.methodology import score
from socmap.scoring.services import methodology_version

pytestmark = pytest.mark.browser

# One answer per attribute of group-matrix@1 (a serious, armed, regional group).
ANSWERS = {
    "criminality": "serious",
    "weapons": "firearms_access",
    "violence": "assaults",
    "corruption": "none",
    "counter_surveillance": "basic",
    "legitimate_business": "uses",
    "international_links": "some",
    "reach": "regional",
    "network_size": "11-20",
    "intent": "high",
}


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


def test_analyst_maps_an_ocg_and_sees_its_band(live_server, page, analyst):
    # Given every attribute of the group matrix is answered
    rules = methodology_version("group-matrix@1").rules()
    assert {a.key for a in rules.attributes} == set(ANSWERS)

    # Given the Wiltshire analyst has signed in
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("wiltshire.analyst")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    # When they open the mapping form from the threat list
    page.goto(f"{live_server.url}/threats/")
    page.get_by_role("link", name="Map a threat").click()
    page.wait_for_url("**/threats/map/")
    assert page.get_by_role("heading", level=1).inner_text() == "Map a threat"

    # And describe the group (choosing the kind re-checks the methodology's questions: wait
    # for that swap, or answers chosen meanwhile would be replaced by the fresh questions)
    with page.expect_response(lambda response: "/threats/map/answers/" in response.url):
        page.get_by_label("Kind").select_option("ocg")
    page.get_by_label("Name", exact=True).fill("Northgate firm")
    page.get_by_label("Predominant crime type").select_option(label="Drugs supply")
    assert page.get_by_label("Scoring methodology").input_value() == "group-matrix@1"

    # And answer every attribute of the group matrix
    for attribute in rules.attributes:
        page.locator(f"#id_answer_{attribute.key}").select_option(ANSWERS[attribute.key])

    # Then the live preview shows a band, no longer provisional
    preview = page.locator("#score-preview")
    page.wait_for_function(
        "() => { const p = document.querySelector('#score-preview');"
        " return p && p.innerText.includes('Band') && !p.innerText.includes('Provisional'); }"
    )
    previewed = re.search(r"Band (\w+)", preview.inner_text()).group(1)
    # And it is the band the scoring rules give for those answers
    assert previewed == score(rules, ANSWERS).band

    # When they submit the form
    page.get_by_role("button", name="Map the threat").click()

    # Then they land on the threat's page, showing the band the preview gave
    page.wait_for_url(re.compile(r".*/threats/\d+/$"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "Northgate firm" in heading
    lead = page.locator("main p.lead").inner_text()
    assert f"Band {previewed}" in lead
    assert f"band {previewed}" in page.locator(".messages").inner_text()


def test_choosing_another_methodology_swaps_the_questions(live_server, page, analyst):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("wiltshire.analyst")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/threats/map/")
    assert page.locator("#id_answer_criminality").count() == 1
    # When the analyst chooses MoRiLE instead of the group matrix
    page.get_by_label("Scoring methodology").select_option("morile@1")
    # Then MoRiLE's harm and likelihood questions replace the matrix's
    page.locator("#id_answer_likelihood").wait_for()
    assert page.locator("#id_answer_criminality").count() == 0
    # And the preview follows the new methodology
    page.wait_for_function(
        "() => (document.querySelector('#score-preview') || {}).innerText?.includes('morile@1')"
    )
