"""A Wiltshire analyst opens a group's page, sees its network of associates drawn, opens the
full network, narrows it with a filter and downloads it: the Cytoscape picture and the table
beside it always list the same people, and a person recorded by another region never
appears."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest

from socmap.demo import DEMO_PASSWORD
from socmap.networks import store
from socmap.orgs.models import Organisation
from socmap.orgs.services import create_user, ensure_reference
from socmap.people.services import link_people, record_nominal
from socmap.threats.models import CrimeType, ThreatKind
from socmap.threats.services import add_member, map_threat

pytestmark = pytest.mark.browser

PICTURE_LABELS = "(id) => document.getElementById(id).cy.nodes().map((n) => n.data('label')).sort()"


@pytest.fixture
def group(transactional_db):
    """Swindon Line (Wiltshire): Wendy WEST and Will WARD; Wendy is an associate of Dan DEAN
    (Wiltshire's record), who is supplied by Kim KING of Kent (another region)."""
    ensure_reference()
    store.forget()
    wilts = Organisation.objects.get(name="Wiltshire")
    kent = Organisation.objects.get(name="Kent")
    create_user(
        actor=None,
        username="wiltshire.analyst",
        email="analyst@wiltshire.example",
        first_name="Amira",
        last_name="Khan",
        organisation=wilts,
        roles=["analyst"],
        password=DEMO_PASSWORD,
    )
    people = {
        name: record_nominal(
            actor=None,
            owner=kent if name == "King" else wilts,
            surname=name,
            forenames=forename,
            date_of_birth=dt.date(1990, 3, 4),
        )
        for name, forename in (
            ("West", "Wendy"),
            ("Ward", "Will"),
            ("Dean", "Dan"),
            ("King", "Kim"),
        )
    }
    threat = map_threat(
        actor=None,
        kind=ThreatKind.OCG,
        name="Swindon Line",
        predominant_crime_type=CrimeType.objects.get(code="drugs"),
        owner=wilts,
    )
    add_member(actor=None, threat=threat, nominal=people["West"], role="principal")
    add_member(actor=None, threat=threat, nominal=people["Ward"], role="core")
    link_people(actor=None, source=people["West"], target=people["Dean"], kind="criminal_associate")
    link_people(actor=None, source=people["Dean"], target=people["King"], kind="supplier")
    yield threat
    store.forget()


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("wiltshire.analyst")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def table_labels(page, caption_id: str) -> list[str]:
    table = page.locator(f"table:has(caption#{caption_id})")
    return sorted(table.locator("tbody th[scope=row] a").all_inner_texts())


def test_analyst_sees_filters_and_exports_the_network_picture(live_server, page, group):
    # Given the Wiltshire analyst has signed in
    sign_in(page, live_server)

    # When they open the group's page
    page.goto(f"{live_server.url}/threats/{group.pk}/")
    # Then the network of associates is drawn: the group, its members and Wendy's associate
    page.locator("#network-panel[data-ready='1']").wait_for()
    drawn = page.evaluate(PICTURE_LABELS, "network-panel")
    threat_label = f"{group.reference} Swindon Line"
    assert drawn == sorted([threat_label, "Wendy West", "Will Ward", "Dan Dean"])
    # and the table under the picture lists the same people and threats
    page.get_by_text("The same network as tables").click()
    assert table_labels(page, "network-panel-nodes-caption") == sorted(drawn)
    assert "Kim King" not in drawn  # three steps away, and another region's

    # When they open the full network analysis from the panel
    page.get_by_role("link", name="Open the network analysis").click()
    page.wait_for_url(re.compile(r".*/networks/threat/\d+/\?steps=2$"))
    page.locator("#network[data-ready='1']").wait_for()
    everyone = page.evaluate(PICTURE_LABELS, "network")
    assert table_labels(page, "network-nodes-caption") == sorted(everyone)
    assert len(everyone) == 4

    # And narrow it to associations only, three steps out
    page.get_by_label("Steps from").select_option("3")
    page.get_by_label("Association").check()
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r".*kind=association.*"))
    page.locator("#network[data-ready='1']").wait_for()
    narrowed = page.evaluate(PICTURE_LABELS, "network")
    # Then only the group itself is left (it has no associations of its own to follow)
    assert narrowed == [threat_label]
    assert table_labels(page, "network-nodes-caption") == narrowed

    # When they go back to every kind of link and download the nodes as CSV
    page.goto(f"{live_server.url}/networks/nominal/{_wendy_id(group)}/?steps=2")
    page.locator("#network[data-ready='1']").wait_for()
    shown = page.evaluate(PICTURE_LABELS, "network")
    assert shown == sorted([threat_label, "Wendy West", "Will Ward", "Dan Dean"])
    with page.expect_download() as download:
        page.get_by_role("link", name="nodes (CSV)").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # Then the file lists the same people and threats as the picture
    assert sorted(r["label"] for r in rows) == sorted(shown)
    # And the picture itself downloads as a PNG
    with page.expect_download() as picture:
        page.get_by_role("button", name="Download picture (PNG)").click()
    assert picture.value.suggested_filename.endswith(".png")
    with open(picture.value.path(), "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def _wendy_id(threat) -> int:
    return threat.memberships.get(role="principal").nominal_id
