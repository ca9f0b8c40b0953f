"""`socmap lifetime-alerts`, `socmap orders` and `socmap expire-orders` at the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from socmap.lifetime.models import Order

DAY = dt.timedelta(days=1)


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_lifetime_alerts_list_releases_expiries_and_people_to_consider(
    offender_manager, person, custody, grant, active_group, dorset_offender_manager
):
    cole = person("Releasing")
    active_group(members=[cole])
    custody(cole, release_in=30)
    ending = grant(
        person("Ending"),
        "kcpo",
        by="police",
        duration_months=6,
        decided_on=dt.date.today() - 150 * DAY,
    )
    output = _run("lifetime-alerts", "--days", "90", "--as", "wiltshire.offender")
    assert "Releases in the next 90 days: 1" in output and "RELEASING" in output
    assert "Orders ending in the next 90 days: 1" in output and ending.reference in output
    assert "Convicted members of active threats with no order considered: 1" in output
    narrow = _run("lifetime-alerts", "--days", "10", "--only", "releases")
    assert "Releases in the next 10 days: 0" in narrow and "Orders ending" not in narrow
    data = json.loads(_run("lifetime-alerts", "--format", "json"))
    assert set(data) == {"releases", "expiring", "past-end", "consider"}
    assert data["releases"][0]["person_id"] == cole.pk
    other = json.loads(_run("lifetime-alerts", "--format", "json", "--as", "dorset.offender"))
    assert all(not rows for rows in other.values())


def test_lifetime_alerts_refuse_a_bad_window():
    with pytest.raises(CommandError, match="--days must be"):
        _run("lifetime-alerts", "--days", "-1")


def test_the_orders_command_filters_and_writes_csv(offender_manager, grant, person):
    grant(person("Alpha"))
    grant(person("Bravo"), "kcpo", by="police", duration_months=12)
    rows = list(csv.reader(io.StringIO(_run("orders", "--type", "kcpo", "--format", "csv"))))
    assert len(rows) == 2 and "BRAVO" in rows[1][2]
    assert "2 orders." in _run("orders", "--as", "wiltshire.offender")
    with pytest.raises(CommandError, match="state"):
        _run("orders", "--state", "asleep")


def test_expire_orders_records_the_expiry_of_orders_past_their_last_day(
    offender_manager, grant, person
):
    old = grant(
        person(), "kcpo", by="police", duration_months=6, decided_on=dt.date.today() - 300 * DAY
    )
    output = _run("expire-orders", "--as", "wiltshire.offender")
    assert old.reference in output and "Recorded the expiry of 1 order." in output
    assert Order.objects.get().status == "expired"
    assert "Recorded the expiry of 0 orders." in _run("expire-orders")


def test_an_inspector_expires_nothing(inspector, grant, person):
    grant(person(), "kcpo", by="police", duration_months=6, decided_on=dt.date.today() - 300 * DAY)
    with pytest.raises(CommandError, match="read-only"):
        _run("expire-orders", "--as", "hmicfrs.inspector")
