"""A performance lead opens the ranking of forces, reads their force's place against the
average in the chart and the table, narrows it to the South West region, leaves a force out
of the comparison, and downloads the table behind the chart."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from socmap.demo import DEMO_PASSWORD
from socmap.disruptions.models import Disruption, Tactic
from socmap.orgs.models import Organisation
from socmap.orgs.services import create_user, ensure_reference

pytestmark = pytest.mark.browser


def _put(force: Organisation, n: int, day: dt.date) -> None:
    arrest = Tactic.objects.get(pk="arrest")
    Disruption.objects.bulk_create(
        [
            Disruption(
                owner=force,
                acting_organisation=force,
                occurred_on=day,
                category="pursue",
                tactic=arrest,
                grade="moderate",
                status="validated",
                validated_at=timezone.now(),
            )
            for _ in range(n)
        ]
    )


@pytest.fixture
def figures(transactional_db):
    ensure_reference()
    wiltshire = Organisation.objects.get(name="Wiltshire")
    create_user(
        actor=None,
        username="wiltshire.performance",
        email="performance@wiltshire.example",
        first_name="Priya",
        last_name="Shah",
        organisation=wiltshire,
        roles=["performance_lead"],
        password=DEMO_PASSWORD,
    )
    day = timezone.localdate() - dt.timedelta(days=30)
    _put(wiltshire, 2_362, day)  # 3.27 per 1,000 of 722,217
    _put(Organisation.objects.get(name="Dorset"), 619, day)  # 0.80 of 773,839
    _put(Organisation.objects.get(name="Kent"), 1_488, day)  # 0.80 of 1,860,111


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def test_a_performance_lead_reads_and_narrows_the_ranking(live_server, page, figures):
    base = live_server.url
    sign_in(page, base, "wiltshire.performance")
    # Given the lead opens Performance from the main navigation
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Performance").click()
    page.wait_for_url(f"{base}/performance/")
    assert page.get_by_role("heading", name="Disruptions per 1,000 population").is_visible()
    # Then the chart and the table show Wiltshire first at 3.27, about 2.5 times the average
    chart = page.get_by_role("img", name="Disruptions per 1,000 population, ")
    assert chart.first.is_visible()
    table = page.get_by_role("table", name="Disruptions per 1,000 population by force")
    first = table.locator("tbody tr").first
    assert "Wiltshire" in first.inner_text() and "3.27" in first.inner_text()
    # (2,362 + 619 + 1,488) / (722,217 + 773,839 + 1,860,111) = 1.33 per 1,000
    assert "1.33" in table.locator("tfoot").inner_text()
    assert "2.46×" in first.inner_text()
    # When they show only the South West and leave Dorset out of the comparison
    page.get_by_label("Region", exact=True).select_option(label="South West")
    page.locator("summary", has_text="Forces in the comparison").click()
    page.get_by_label("Leave these out").select_option(label="Dorset")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**region=south-west**")
    # Then Dorset is shown but not compared, and the average is Wiltshire's and Kent's
    table = page.get_by_role("table", name="Disruptions per 1,000 population by force")
    dorset = table.locator("tbody tr", has_text="Dorset")
    assert "Left out of the comparison by choice" in dorset.inner_text()
    assert "Kent" not in table.locator("tbody").inner_text()
    assert "1.49" in table.locator("tfoot").inner_text()  # 3,850 / 2,582,328
    # And the table behind the chart downloads as CSV with the same figures
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    with open(download.value.path(), encoding="utf-8") as saved:
        content = saved.read()
    assert "Wiltshire,South West,2362,722217,2019,3.27,2.19,yes," in content
    # and the table sorts by name from its header, with the keyboard
    page.locator("thead").get_by_role("link", name=re.compile(r"^Force")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=name**")
    names = page.get_by_role("table", name="Disruptions per 1,000 population by force").locator(
        "tbody th"
    )
    assert names.all_inner_texts() == sorted(names.all_inner_texts())
