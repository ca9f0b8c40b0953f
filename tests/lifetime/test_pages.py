"""The lifetime management pages, as an offender manager uses them, and who may see them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from socmap.lifetime.models import Breach, CustodyRecord, Order, OrderConsideration
from socmap.lifetime.services import ConditionInput, record_breach
from socmap.orgs.models import Share
from socmap.orgs.services import share_record
from tests.threat_page import as_shown

DAY = dt.timedelta(days=1)


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def _order_post(nominal, **overrides) -> dict:
    data = {
        "nominal": str(nominal.pk),
        "order_type": "scpo",
        "applicant": "cps",
        "status": "granted",
        "decided_on": (dt.date.today() - 5 * DAY).isoformat(),
        "court": "crown",
        "court_reference": "T20260042",
        "duration_months": "60",
        "conditions-TOTAL_FORMS": "3",
        "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "40",
        "conditions-0-kind": "exclusion_zone",
        "conditions-0-wording": "Not to enter the Broadway estate",
        "conditions-0-area": "Broadway estate, Chippenham",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --------------------------------------------------------------------------- recording


def test_offender_manager_records_an_order_with_a_condition(client_for, offender_manager, person):
    cole = person()
    client = client_for(offender_manager)
    form = client.get(reverse("lifetime:record"), {"nominal": cole.pk})
    assert form.status_code == 200
    assert f'value="{cole.pk}"' in form.content.decode()
    response = client.post(reverse("lifetime:record"), _order_post(cole))
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "lifetime:order", args=[order.pk]
    )
    assert order.current_conditions.get().details == {"area": "Broadway estate, Chippenham"}
    page = client.get(response.url).content.decode()
    assert "Serious Crime Prevention Order" in page
    assert "Not to enter the Broadway estate" in page
    assert "In force" in page


def test_an_order_beyond_its_statute_is_shown_back_with_the_reason(
    client_for, offender_manager, person
):
    cole = person()
    response = client_for(offender_manager).post(
        reverse("lifetime:record"), _order_post(cole, duration_months="72")
    )
    assert response.status_code == 400
    assert "lasts at most 5 years" in response.content.decode()
    assert not Order.objects.exists()


def test_a_condition_missing_its_detail_is_shown_back(client_for, offender_manager, person):
    response = client_for(offender_manager).post(
        reverse("lifetime:record"), _order_post(person(), **{"conditions-0-area": ""})
    )
    assert response.status_code == 400
    assert "Condition 1: give &#x27;the area or premises&#x27;" in response.content.decode()


def test_an_analyst_may_not_open_the_order_form(client_for, wiltshire_analyst):
    assert client_for(wiltshire_analyst).get(reverse("lifetime:record")).status_code == 403


def test_recording_custody_and_the_release_on_the_pages(client_for, offender_manager, person):
    cole = person()
    client = client_for(offender_manager)
    today = dt.date.today()
    response = client.post(
        reverse("lifetime:record-custody"),
        {
            "nominal": cole.pk,
            "custody_type": "sentenced",
            "started_on": (today - 400 * DAY).isoformat(),
            "sentence_months": "60",
            "establishment": "HMP Bristol",
            "expected_release_on": (today + 20 * DAY).isoformat(),
        },
    )
    record = CustodyRecord.objects.get()
    assert response.status_code == 302
    client.post(
        reverse("lifetime:record"), _order_post(cole, starts_on_release="on", duration_months="24")
    )
    order = Order.objects.get()
    assert order.start_is_provisional
    client.post(reverse("lifetime:release", args=[record.pk]), {"released_on": today.isoformat()})
    order.refresh_from_db()
    assert order.starts_on == today and not order.start_is_provisional


def test_an_application_is_granted_on_its_page(client_for, offender_manager, person):
    cole = person()
    client = client_for(offender_manager)
    client.post(
        reverse("lifetime:record"),
        _order_post(
            cole,
            status="applied",
            decided_on=None,
            applied_on=(dt.date.today() - 10 * DAY).isoformat(),
            duration_months=None,
        ),
    )
    order = Order.objects.get()
    assert order.status == "applied"
    response = client.post(
        reverse("lifetime:grant", args=[order.pk]),
        {
            "decided_on": dt.date.today().isoformat(),
            "duration_months": "36",
            "conditions-TOTAL_FORMS": "1",
            "conditions-INITIAL_FORMS": "0",
            "conditions-0-kind": "curfew",
            "conditions-0-wording": "Indoors 21:00 to 07:00",
            "conditions-0-from_time": "21:00",
            "conditions-0-to_time": "07:00",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "granted" and order.current_conditions.count() == 2


def test_a_breach_is_recorded_on_the_order_page(client_for, offender_manager, grant, person):
    order = grant(person(), decided_on=dt.date.today() - 20 * DAY)
    response = client_for(offender_manager).post(
        reverse("lifetime:breach", args=[order.pk]),
        {
            "occurred_on": dt.date.today().isoformat(),
            "description": "Found in the exclusion zone",
            "outcome": "arrested",
        },
    )
    assert response.status_code == 302
    breach = Breach.objects.get()
    assert breach.awaits_disruption


def test_a_decision_is_recorded_for_a_person(client_for, offender_manager, person):
    cole = person()
    response = client_for(offender_manager).post(
        reverse("lifetime:consider", args=[cole.pk]),
        {"decision": "not_appropriate", "reason": "Managed on licence", "decided_on": ""},
    )
    assert response.status_code == 302
    assert OrderConsideration.objects.get().reason == "Managed on licence"
    refused = client_for(offender_manager).post(
        reverse("lifetime:consider", args=[cole.pk]), {"decision": "apply", "reason": "x"}
    )
    assert refused.status_code == 400
    assert "Say which order is to be applied for" in refused.content.decode()


# --------------------------------------------------------------------------- lists and alerts


def test_the_alerts_show_releases_expiries_and_people_to_consider(
    client_for, offender_manager, wiltshire_analyst, person, custody, grant, active_group
):
    soon = person("Soonrelease")
    active_group(members=[soon])
    custody(soon, release_in=15)
    ending = grant(
        person("Endingorder"),
        "kcpo",
        by="police",
        duration_months=6,
        decided_on=dt.date.today() - 150 * DAY,
    )
    page = client_for(offender_manager).get(reverse("lifetime:alerts")).content.decode()
    assert "SOONRELEASE" in page and ending.reference in page
    assert "Convicted members waiting for a decision" in page  # the custody counts
    export = client_for(offender_manager).get(
        reverse("lifetime:alerts"), {"export": "releases", "format": "csv"}
    )
    rows = _csv(export)
    assert rows[0][:3] == ["reference", "person id", "person"] and len(rows) == 2
    narrow = client_for(offender_manager).get(reverse("lifetime:alerts"), {"days": "5"})
    assert "No releases are expected in the next 5 days" in narrow.content.decode()


def test_the_order_list_filters_sorts_and_exports(client_for, offender_manager, grant, person):
    grant(person("Alpha"), "scpo", duration_months=60)
    grant(person("Bravo"), "kcpo", by="police", duration_months=12)
    client = client_for(offender_manager)
    page = client.get(reverse("lifetime:orders"), {"type": "kcpo"}).content.decode()
    assert "BRAVO" in page and "ALPHA" not in page
    by_person = client.get(reverse("lifetime:orders"), {"sort": "person"}).content.decode()
    assert by_person.index("ALPHA") < by_person.index("BRAVO")
    rows = _csv(client.get(reverse("lifetime:orders"), {"format": "csv", "state": "in_force"}))
    assert len(rows) == 3 and rows[0][0] == "reference"
    xlsx = client.get(reverse("lifetime:orders"), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    empty = client.get(reverse("lifetime:orders"), {"q": "Nobody"}).content.decode()
    assert "No orders match these filters" in empty


def test_the_lists_say_so_when_empty(client_for, offender_manager):
    client = client_for(offender_manager)
    assert (
        "There are no orders you can see yet"
        in client.get(reverse("lifetime:orders")).content.decode()
    )
    assert (
        "No one you can see is recorded in custody"
        in client.get(reverse("lifetime:custody-list")).content.decode()
    )
    assert "No breaches are recorded" in client.get(reverse("lifetime:breaches")).content.decode()


def test_export_cells_cannot_run_as_formulas(client_for, offender_manager, person, grant):
    grant(person("=HYPERLINK(1)"))
    rows = _csv(client_for(offender_manager).get(reverse("lifetime:orders"), {"format": "csv"}))
    assert rows[1][2].startswith("'=")


def test_the_order_types_page_lists_the_statutory_rules(client_for, council_partner):
    page = client_for(council_partner).get(reverse("lifetime:order-types")).content.decode()
    assert "Serious Crime Act 2007" in page and "Up to 5 years" in page
    assert "Always starts on release" in page


def test_breaches_awaiting_a_disruption_are_recorded_from_the_list(
    client_for, offender_manager, wiltshire_analyst, grant, person, active_group, outcome
):
    cole = person()
    active_group(members=[cole])
    order = grant(cole, decided_on=dt.date.today() - 20 * DAY)
    breach = record_breach(
        actor=offender_manager,
        order=order,
        occurred_on=dt.date.today(),
        description="Curfew",
        outcome=outcome("recalled"),
    )
    client = client_for(wiltshire_analyst)
    page = client.get(reverse("lifetime:breaches"), {"awaiting": "1"}).content.decode()
    assert breach.reference in page and "Record as a disruption" in page
    client.post(reverse("lifetime:breach-disruption", args=[breach.pk]))
    breach.refresh_from_db()
    assert breach.disruption is not None


# --------------------------------------------------------------------------- dashboard


def test_the_offender_managers_dashboard_shows_releases_and_expiring_orders(
    client_for, offender_manager, person, custody, grant
):
    custody(person("Releasedsoon"), release_in=10)
    grant(
        person("Expiring"),
        "kcpo",
        by="police",
        duration_months=6,
        decided_on=dt.date.today() - 170 * DAY,
    )
    page = client_for(offender_manager).get(reverse("dashboard")).content.decode()
    assert "Releases in the next 90 days" in page and "RELEASEDSOON" in page
    assert "Orders expiring in the next 90 days" in page and "EXPIRING" in page


# --------------------------------------------------------------------------- scoping

PAGES = ("lifetime:order", "lifetime:custody")


@pytest.fixture
def records(grant, custody, person, offender_manager):
    cole = person()
    spell = custody(cole)
    order = grant(cole, conditions=[ConditionInput("devices", "One phone")])
    return {"lifetime:order": order, "lifetime:custody": spell, "person": cole}


@pytest.mark.parametrize(
    "who, sees",
    [
        ("offender_manager", True),
        ("wiltshire_analyst", True),
        ("swrocu_officer", True),
        ("nca_officer", True),
        ("inspector", True),
        ("dorset_analyst", False),
        ("council_partner", False),
        ("other_region", False),
    ],
)
def test_who_sees_an_order_and_a_custody_record(
    request, client_for, records, who, sees, make_user, org
):
    user = (
        make_user(org("Thames Valley"), "offender_manager")
        if who == "other_region"
        else request.getfixturevalue(who)
    )
    client = client_for(user)
    for name in PAGES:
        response = client.get(reverse(name, args=[records[name].pk]))
        assert response.status_code == (200 if sees else 404), (who, name)
    person_page = client.get(reverse("lifetime:person", args=[records["person"].pk]))
    assert person_page.status_code == (200 if sees else 404)
    listed = client.get(reverse("lifetime:orders")).content.decode()
    assert (records["lifetime:order"].reference in listed) == sees
    exported = _csv(client.get(reverse("lifetime:orders"), {"format": "csv"}))
    assert (len(exported) == 2) == sees


def test_a_partner_sees_an_order_shared_with_it(
    client_for, council_partner, offender_manager, records
):
    order = records["lifetime:order"]
    share_record(actor=offender_manager, record=order, organisation=council_partner.organisation)
    assert Share.objects.exists()
    client = client_for(council_partner)
    page = client.get(reverse("lifetime:order", args=[order.pk]))
    assert page.status_code == 200
    assert "A person not shared with you" in page.content.decode()
    assert (
        client.get(reverse("lifetime:custody", args=[records["lifetime:custody"].pk])).status_code
        == 404
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, records):
    for name in PAGES:
        response = client.get(reverse(name, args=[records[name].pk]))
        assert response.status_code == 302 and "/login/" in response.url
    assert client.get(reverse("lifetime:alerts")).status_code == 302


def test_an_inspector_sees_but_cannot_change(client_for, inspector, records):
    client = client_for(inspector)
    order = records["lifetime:order"]
    page = client.get(reverse("lifetime:order", args=[order.pk])).content.decode()
    assert "Record a breach" not in page
    assert client.get(reverse("lifetime:breach", args=[order.pk])).status_code == 403
    assert client.post(reverse("lifetime:expire")).status_code == 403


def test_another_force_cannot_act_on_an_order_it_cannot_see(client_for, dorset_analyst, records):
    order = records["lifetime:order"]
    assert (
        client_for(dorset_analyst)
        .post(reverse("lifetime:discharge", args=[order.pk]), {"discharged_on": "2026-01-01"})
        .status_code
        == 404
    )


def test_the_threat_page_shows_its_members_in_custody_and_under_orders(
    client_for, wiltshire_analyst, person, custody, grant, active_group
):
    inside, free = person("Insider"), person("Outsider")
    group = active_group(members=[inside, free])
    custody(inside, release_in=30)
    order = grant(free, decided_on=dt.date.today() - 10 * DAY)
    text = as_shown(client_for(wiltshire_analyst), group)
    assert "Lifetime management" in text and "INSIDER" in text and order.reference in text
    assert "Consider an order for" in text  # the custodial sentence counts as a conviction


@pytest.mark.parametrize(
    "who, sees",
    [
        ("offender_manager", True),
        ("swrocu_officer", True),
        ("dorset_analyst", False),
        ("council_partner", False),
    ],
)
def test_the_alerts_custody_and_breach_lists_show_only_what_the_user_may_see(
    request, client_for, person, custody, grant, outcome, offender_manager, who, sees
):
    cole = person("Scopedperson")
    custody(cole, release_in=10)
    order = grant(person("Breacher"), decided_on=dt.date.today() - 20 * DAY)
    record_breach(
        actor=offender_manager,
        order=order,
        occurred_on=dt.date.today(),
        description="x",
        outcome=outcome("warning"),
    )
    client = client_for(request.getfixturevalue(who))
    for name, text in (
        ("lifetime:alerts", "SCOPEDPERSON"),
        ("lifetime:custody-list", "SCOPEDPERSON"),
        ("lifetime:breaches", "BREACHER"),
    ):
        assert (text in client.get(reverse(name)).content.decode()) == sees, (who, name)
    exported = _csv(client.get(reverse("lifetime:alerts"), {"export": "releases", "format": "csv"}))
    assert (len(exported) == 2) == sees
