"""Two people editing the same threat, plan, action or disruption never silently overwrite
each other: every save checks the version it started from (socmap/concurrency.py). A stale
save from a page shows a clear message and changes nothing; from the API it answers 409.
The truly concurrent case - two transactions at once - is tested on PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from socmap.concurrency import Conflict
from socmap.threats.models import Threat
from socmap.threats.services import update_threat

pytestmark = pytest.mark.django_db


@pytest.fixture
def threat(make_threat, wiltshire_analyst):
    return make_threat(wiltshire_analyst, "Northgate firm")


def test_a_stale_copy_cannot_overwrite_a_newer_save(threat):
    # Given two copies of the same threat read at the same time
    mine, theirs = Threat.objects.get(pk=threat.pk), Threat.objects.get(pk=threat.pk)
    # When one is saved, then the other
    theirs.name = "Their name"
    theirs.save()
    mine.name = "My name"
    with pytest.raises(Conflict, match="changed by someone else"):
        mine.save()
    # Then the first save stands
    threat.refresh_from_db()
    assert threat.name == "Their name"
    assert threat.version == theirs.version == mine.version + 1


def test_every_save_raises_the_version(threat, wiltshire_analyst):
    before = Threat.objects.get(pk=threat.pk).version
    update_threat(
        actor=wiltshire_analyst,
        threat=Threat.objects.get(pk=threat.pk),
        name="Renamed",
        reason="Known by another name",
    )
    assert Threat.objects.get(pk=threat.pk).version == before + 1


def test_the_edit_page_refuses_a_stale_form_and_keeps_the_other_change(
    client_for, threat, wiltshire_analyst, make_user, org
):
    colleague = make_user(org("Wiltshire"), "analyst")
    me = client_for(wiltshire_analyst)
    url = reverse("threats:edit", args=[threat.pk])
    # Given I open the edit form, and a colleague saves a change meanwhile
    form = me.get(url).context["form"]
    opened_version = form.initial["version"]
    update_threat(actor=colleague, threat=Threat.objects.get(pk=threat.pk), name="Colleague's")
    # When I save my form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        name="Mine", version=opened_version, other_crime_types=[], forces=[], local_areas=[]
    )
    response = me.post(url, data)
    # Then I am told, nothing of mine is saved, and the colleague's change stands
    assert response.status_code == 400
    assert b"was changed by someone else after you opened it" in response.content
    assert Threat.objects.get(pk=threat.pk).name == "Colleague's"


def test_the_status_page_refuses_a_stale_form(client_for, threat, wiltshire_analyst):
    url = reverse("threats:status", args=[threat.pk])
    me = client_for(wiltshire_analyst)
    version = me.get(url).context["form"].initial["version"]
    update_threat(actor=wiltshire_analyst, threat=Threat.objects.get(pk=threat.pk), name="New")
    response = me.post(
        url, {"to_status": "under_assessment", "reason": "New intelligence", "version": version}
    )
    assert response.status_code == 400
    assert Threat.objects.get(pk=threat.pk).status == "active"


def test_the_api_answers_409_to_a_stale_version_and_200_to_the_current(
    client_for, threat, wiltshire_analyst
):
    client = client_for(wiltshire_analyst)
    url = f"/api/threats/{threat.pk}"
    read = client.get(url).json()
    update_threat(actor=wiltshire_analyst, threat=Threat.objects.get(pk=threat.pk), name="Moved")
    stale = client.patch(
        url, {"name": "Mine", "version": read["version"]}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["version"] == read["version"] + 1
    assert Threat.objects.get(pk=threat.pk).name == "Moved"
    fresh = client.patch(
        url, {"name": "Mine", "version": stale.json()["version"]}, content_type="application/json"
    )
    assert fresh.status_code == 200
    assert fresh.json()["name"] == "Mine"
    assert fresh.json()["version"] == read["version"] + 2


def test_a_stale_plan_and_action_are_refused_by_the_api(client_for, threat, wiltshire_analyst):
    from socmap.plans.services import add_action, create_plan, update_plan

    plan = create_plan(actor=None, threat=threat)
    client = client_for(wiltshire_analyst)
    wiltshire_analyst_is_lro = Threat.objects.filter(pk=threat.pk).update(lro=wiltshire_analyst)
    assert wiltshire_analyst_is_lro
    version = plan.version
    update_plan(actor=None, plan=plan, look_for="Cars with false plates")
    response = client.patch(
        f"/api/plans/{plan.pk}",
        {"look_for": "x", "version": version},
        content_type="application/json",
    )
    assert response.status_code == 409
    import datetime as dt

    action = add_action(
        actor=None,
        plan=plan,
        category="pursue",
        description="Warrant",
        owner_user=wiltshire_analyst,
        due_on=dt.date.today() + dt.timedelta(30),
    )
    old = action.version
    client.patch(
        f"/api/plans/actions/{action.pk}",
        {"description": "Warrant executed"},
        content_type="application/json",
    )
    again = client.patch(
        f"/api/plans/actions/{action.pk}",
        {"description": "Something else", "version": old},
        content_type="application/json",
    )
    assert again.status_code == 409
    action.refresh_from_db()
    assert action.description == "Warrant executed"


def test_a_stale_disruption_edit_is_refused(client_for, threat, wiltshire_analyst):
    from socmap.disruptions.models import Tactic
    from socmap.disruptions.services import record_disruption, update_disruption

    claim = record_disruption(
        actor=wiltshire_analyst,
        threats=[threat],
        occurred_on=threat.created_at.date(),
        category="pursue",
        tactic=Tactic.objects.get(pk="arrest"),
        grade="minor",
        rationale="One arrest.",
        quantities={"arrests": 1},
    )
    version = claim.version
    update_disruption(actor=wiltshire_analyst, disruption=claim, narrative="First account")
    response = client_for(wiltshire_analyst).patch(
        f"/api/disruptions/{claim.pk}",
        {"narrative": "Second account", "version": version},
        content_type="application/json",
    )
    assert response.status_code == 409
    claim.refresh_from_db()
    assert claim.narrative == "First account"


def test_a_version_that_is_not_a_number_is_a_field_error(threat, wiltshire_analyst):
    from socmap.errors import InvalidInput

    with pytest.raises(InvalidInput, match="whole number"):
        update_threat(actor=wiltshire_analyst, threat=threat, name="x", version="seven")


# --------------------------------------------------------------------------- truly concurrent


@pytest.mark.django_db(transaction=True)
def test_two_transactions_at_once_one_wins_the_other_is_told(threat, wiltshire_analyst):
    """Two connections load the same threat; the first saves and holds its transaction open;
    the second's save waits on the row lock, then finds the version moved on."""
    if connection.vendor != "postgresql":
        print(
            "SKIPPED on SQLite: one in-memory test database has one connection; the stale "
            "path is tested above on both databases"
        )
        pytest.skip("needs PostgreSQL for two concurrent transactions")
    first_saved, results = threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                mine = Threat.objects.get(pk=threat.pk)
                mine.name = "First"
                mine.save()
                first_saved.set()
                time.sleep(0.5)  # hold the row lock while the second tries
            results["first"] = "saved"
        finally:
            connections.close_all()

    def second():
        try:
            theirs = Threat.objects.get(pk=threat.pk)  # read before the first commits
            first_saved.wait(5)
            theirs.name = "Second"
            started = time.monotonic()
            try:
                with transaction.atomic():
                    theirs.save()
                results["second"] = "saved"
            except Conflict:
                results["second"] = "conflict"
            results["waited"] = time.monotonic() - started
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results["first"] == "saved"
    assert results["second"] == "conflict"
    assert results["waited"] >= 0.3  # it waited for the first transaction's lock
    assert Threat.objects.get(pk=threat.pk).name == "First"
