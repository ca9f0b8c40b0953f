"""A Wiltshire offender manager sees a release coming on their dashboard, opens the person's
lifetime record and records the Serious Crime Prevention Order the court made in custody: the
first attempt, longer than the statute allows, is refused with the reason; the corrected order
starts on release, with its non-association condition."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from socmap.demo import DEMO_PASSWORD
from socmap.lifetime.models import Order
from socmap.lifetime.services import record_custody
from socmap.orgs.models import Organisation
from socmap.orgs.services import create_user, ensure_reference
from socmap.people.services import record_nominal
from socmap.reference import ensure_all

pytestmark = pytest.mark.browser


@pytest.fixture
def offender_manager(transactional_db):
    ensure_reference()
    ensure_all()
    return create_user(
        actor=None,
        username="wiltshire.offender",
        email="offender@wiltshire.example",
        first_name="Declan",
        last_name="Murphy",
        organisation=Organisation.objects.get(name="Wiltshire"),
        roles=["offender_manager"],
        password=DEMO_PASSWORD,
    ).user


@pytest.fixture
def prisoner(offender_manager):
    today = timezone.localdate()
    nominal = record_nominal(
        actor=None,
        owner=offender_manager.organisation,
        surname="Holloway",
        forenames="Ryan",
        date_of_birth=dt.date(1990, 4, 2),
    )
    record_custody(
        actor=offender_manager,
        nominal=nominal,
        custody_type="sentenced",
        started_on=today - dt.timedelta(days=700),
        sentence_months=72,
        establishment="HMP Erlestoke",
        expected_release_on=today + dt.timedelta(days=45),
    )
    return nominal


def test_offender_manager_records_an_order_that_starts_on_release(
    live_server, page, offender_manager, prisoner
):
    # Given the offender manager has signed in
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("wiltshire.offender")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    # Then their dashboard shows the release coming in the next 90 days
    panel = page.get_by_role("region", name="Releases in the next 90 days")
    assert "HOLLOWAY" in panel.inner_text()

    # When they open the person's lifetime record and choose to record an order
    page.goto(f"{live_server.url}/lifetime/people/{prisoner.pk}/")
    assert (
        "Lifetime management of Ryan Holloway" in page.get_by_role("heading", level=1).inner_text()
    )
    page.get_by_role("link", name="Record an order").click()
    page.wait_for_url(re.compile(r".*/lifetime/orders/record/\?nominal=\d+"))
    assert page.get_by_label("Person (socmap id)").input_value() == str(prisoner.pk)

    # And describe the order the Crown Court made, for six years from release
    page.get_by_label("Type of order").select_option(label="Serious Crime Prevention Order")
    page.get_by_label("Applied for by").select_option(
        label="Crown Prosecution Service (the prosecution)"
    )
    page.locator("#id_court").select_option(label="Crown Court")
    page.get_by_label("The court says it starts on release from custody").check()
    page.get_by_label("Duration in months").fill("72")
    page.locator("#id_conditions-0-kind").select_option("non_association")
    page.locator("#id_conditions-0-wording").fill("Not to contact Liam Hart by any means")
    page.locator("#id_conditions-0-person").fill("Liam Hart")
    page.get_by_role("button", name="Record the order").click()

    # Then the order is refused: a Serious Crime Prevention Order lasts at most five years
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "lasts at most 5 years; 6 years is too long" in summary.inner_text()
    assert Order.objects.count() == 0

    # When they correct the duration to the five years the court ordered
    page.get_by_label("Duration in months").fill("60")
    page.get_by_role("button", name="Record the order").click()

    # Then they land on the order's page: it starts on release, with its condition
    page.wait_for_url(re.compile(r".*/lifetime/orders/\d+/$"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.endswith("Serious Crime Prevention Order")
    main = page.locator("main").inner_text()
    assert "Starts on release" in main
    assert "Not to contact Liam Hart by any means" in main
    assert "5 years from release" in main
    order = Order.objects.get()
    assert order.starts_on_release and order.start_is_provisional
    assert order.recorded_by == offender_manager
