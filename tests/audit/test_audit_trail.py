"""The audit trail: who created or changed what, and when - and nobody can rewrite it.

Services write an event in the same transaction as the change it describes. The application
refuses to change or delete events, and the database refuses too, so that neither a bug nor a
hand-written query can quietly alter history. Administrators read the events of their own
organisation's people; national administrators and inspectors read everything.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from socmap.audit.models import AppendOnlyError, AuditEvent
from socmap.audit.selectors import audit_events_for
from socmap.audit.services import field_changes, record_event
from socmap.orgs import services
from socmap.orgs.models import Role, User
from socmap.web.tables import safe_cell
from tests.scoping_app.models import Dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(wiltshire_analyst):
    return record_event(actor=wiltshire_analyst, action="dossier.opened",
                        target_type="scoping_app.dossier", target_id="7",
                        target_repr="Operation Kestrel", changes={"title": "Kestrel"})


# --------------------------------------------------------------------------- writing


def test_an_event_records_who_did_what_to_which_record(wiltshire_analyst, org):
    # Given a Wiltshire dossier
    dossier = Dossier.objects.create(owner=org("Wiltshire"), title="Operation Kestrel")
    # When the analyst's action on it is recorded
    event = record_event(actor=wiltshire_analyst, action="dossier.renamed", target=dossier,
                         changes={"title": ["Kestrel", "Operation Kestrel"]},
                         reason="Agreed at tasking")
    # Then the event names the actor, their organisation at the time, and the target
    event.refresh_from_db()
    assert event.actor == wiltshire_analyst
    assert event.actor_name == "wiltshire.analyst"
    assert event.actor_organisation == org("Wiltshire")
    assert event.action == "dossier.renamed"
    assert event.target_type == "scoping_app.dossier"
    assert event.target_id == str(dossier.pk)
    assert event.target_repr == "Operation Kestrel"
    assert event.changes == {"title": ["Kestrel", "Operation Kestrel"]}
    assert event.reason == "Agreed at tasking"
    assert event.ip_address is None  # not made during a web request
    assert event.at is not None


def test_an_event_by_the_system_has_no_actor():
    event = record_event(actor=None, action="reference.loaded", target_repr="forces")
    assert event.actor is None
    assert event.actor_name == "system"
    assert event.actor_organisation is None
    assert event.changes == {}


def test_a_long_target_name_is_cut_to_fit(org):
    dossier = Dossier.objects.create(owner=org("Wiltshire"), title="x" * 100)
    dossier.title = "y" * 300  # str() of a target may be longer than the column
    event = record_event(actor=None, action="dossier.opened", target=dossier)
    assert len(event.target_repr) == 255


def test_an_event_made_during_a_request_keeps_the_client_address(client, wiltshire_analyst):
    from tests.conftest import PASSWORD

    client.post(reverse("login"), {"username": "wiltshire.analyst", "password": PASSWORD},
                REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="auth.logged_in")
    assert event.ip_address == "10.1.2.3"


def test_field_changes_lists_only_what_changed():
    assert field_changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {
        "b": [2, 3], "c": [None, 4]
    }
    assert field_changes({"a": 1}, {"a": 1}) == {}


# --------------------------------------------------------------------------- append-only


def test_an_event_cannot_be_saved_again(event):
    event.action = "dossier.deleted"
    with pytest.raises(AppendOnlyError):
        event.save()
    event.refresh_from_db()
    assert event.action == "dossier.opened"


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_or_deleted_in_bulk(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.action = "rewritten"
    with pytest.raises(AppendOnlyError), transaction.atomic():  # bulk_update runs in one
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == "dossier.opened"


def test_events_cannot_be_removed_through_the_actor(event, wiltshire_analyst):
    with pytest.raises(AppendOnlyError):
        wiltshire_analyst.audit_events.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_forged_event_with_an_existing_id_cannot_overwrite_the_original(event):
    # Given an event, and a new object claiming its id with a different story
    forged = AuditEvent(pk=event.pk, actor_name="someone.else", action="nothing.happened")
    # When it is saved, the ORM tries to UPDATE the existing row
    with pytest.raises((AppendOnlyError, DatabaseError)), transaction.atomic():
        forged.save()
    # Then the original is untouched
    original = AuditEvent.objects.get(pk=event.pk)
    assert (original.actor_name, original.action) == ("wiltshire.analyst", "dossier.opened")


def test_a_raw_sql_update_is_refused_by_the_database(event):
    # When someone bypasses the application with hand-written SQL
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE id = %s",  # noqa: S608
                       ["rewritten", event.pk])
    # Then the database trigger has refused it
    assert AuditEvent.objects.get(pk=event.pk).action == "dossier.opened"


def test_a_raw_sql_delete_is_refused_by_postgresql(event):
    # On PostgreSQL a trigger refuses DELETE too (on SQLite the application refuses it, since
    # Django's test flush must be able to empty the table there).
    table = AuditEvent._meta.db_table
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])  # noqa: S608
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_admin_site_cannot_change_events():
    from django.contrib import admin

    model_admin = admin.site._registry[AuditEvent]
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)


# --------------------------------------------------------------------------- same transaction


class Boom(Exception):
    pass


@pytest.fixture
def failing_after_audit(monkeypatch):
    """Make services fail just after they have written their audit event."""

    def install(module):
        real = module.record_event

        def record_then_fail(**kwargs):
            real(**kwargs)
            raise Boom

        monkeypatch.setattr(module, "record_event", record_then_fail)

    return install


def test_a_failed_user_creation_leaves_no_user_and_no_event(failing_after_audit, wiltshire_admin,
                                                            org):
    # Given the service will fail after writing its event
    failing_after_audit(services)
    events_before = AuditEvent.objects.count()
    # When the administrator creates a user
    with pytest.raises(Boom):
        services.create_user(actor=wiltshire_admin, username="jo.bloggs",
                             email="jo@wiltshire.example", first_name="Jo", last_name="Bloggs",
                             organisation=org("Wiltshire"), roles=[Role.ANALYST])
    # Then neither the user nor the event survives: they were one transaction
    assert not User.objects.filter(username="jo.bloggs").exists()
    assert AuditEvent.objects.count() == events_before


def test_a_failed_role_change_leaves_no_change_and_no_event(failing_after_audit, wiltshire_admin,
                                                            wiltshire_analyst):
    failing_after_audit(services)
    events_before = AuditEvent.objects.count()
    with pytest.raises(Boom):
        services.update_user(actor=wiltshire_admin, user=wiltshire_analyst,
                             roles=[Role.VALIDATOR])
    assert set(User.objects.get(pk=wiltshire_analyst.pk).roles.values_list("code", flat=True)
               ) == {Role.ANALYST}
    assert AuditEvent.objects.count() == events_before


def test_a_failed_password_reset_keeps_the_old_password(failing_after_audit, wiltshire_admin,
                                                        wiltshire_analyst):
    from tests.conftest import PASSWORD

    failing_after_audit(services)
    events_before = AuditEvent.objects.count()
    with pytest.raises(Boom):
        services.reset_password(actor=wiltshire_admin, user=wiltshire_analyst)
    stored = User.objects.get(pk=wiltshire_analyst.pk)
    assert stored.check_password(PASSWORD)
    assert not stored.password_change_required
    assert AuditEvent.objects.count() == events_before


def test_a_failed_population_load_leaves_no_figures_and_no_event(failing_after_audit):
    from socmap.orgs.models import PopulationFigure

    failing_after_audit(services)
    events_before = AuditEvent.objects.count()
    with pytest.raises(Boom):
        services.load_populations(actor=None, rows=[
            {"force": "Wiltshire", "year": "2021", "population": "730000", "basis": "ONS"}
        ])
    assert not PopulationFigure.objects.filter(year=2021).exists()
    assert AuditEvent.objects.count() == events_before


def test_a_failed_share_leaves_no_share_and_no_event(failing_after_audit, wiltshire_analyst,
                                                     org):
    from socmap.orgs.models import Share

    dossier = Dossier.objects.create(owner=org("Wiltshire"), title="ours")
    failing_after_audit(services)
    events_before = AuditEvent.objects.count()
    with pytest.raises(Boom):
        services.share_record(actor=wiltshire_analyst, record=dossier,
                              organisation=org("Dorset"))
    assert not Share.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_a_successful_change_and_its_event_are_both_kept(wiltshire_admin, wiltshire_analyst):
    services.update_user(actor=wiltshire_admin, user=wiltshire_analyst, job_title="Lead")
    event = AuditEvent.objects.get(action="user.changed")
    assert event.target_id == str(wiltshire_analyst.pk)
    assert event.changes == {"job_title": ["", "Lead"]}


# --------------------------------------------------------------------------- reading


@pytest.fixture
def events_by_three_forces(wiltshire_analyst, dorset_analyst, nca_officer):
    for user in (wiltshire_analyst, dorset_analyst, nca_officer):
        record_event(actor=user, action="dossier.opened", target_repr=f"by {user.username}")
    record_event(actor=None, action="dossier.opened", target_repr="by the system")


def opened(user) -> set[str]:
    return set(audit_events_for(user, action="dossier.").values_list("target_repr", flat=True))


def test_a_force_administrator_reads_their_own_peoples_events(events_by_three_forces,
                                                              wiltshire_admin):
    assert opened(wiltshire_admin) == {"by wiltshire.analyst"}


def test_a_national_administrator_reads_every_event(events_by_three_forces, nca_admin):
    assert opened(nca_admin) == {"by wiltshire.analyst", "by dorset.analyst", "by nca.officer",
                                 "by the system"}


def test_the_inspector_reads_every_event(events_by_three_forces, inspector):
    assert len(opened(inspector)) == 4


def test_a_rocu_administrator_reads_their_regions_events(events_by_three_forces, make_user, org):
    swrocu_admin = make_user(org("SWROCU"), Role.ADMINISTRATOR)
    assert opened(swrocu_admin) == {"by wiltshire.analyst", "by dorset.analyst"}


@pytest.mark.parametrize("persona", ["wiltshire_analyst", "wiltshire_validator",
                                     "council_partner", "nca_officer"])
def test_only_administrators_and_inspectors_read_the_audit_trail(request, persona):
    with pytest.raises(PermissionDenied):
        audit_events_for(request.getfixturevalue(persona))


def test_audit_filters(wiltshire_admin, wiltshire_analyst, nca_admin):
    record_event(actor=wiltshire_analyst, action="dossier.opened", target_type="x.y",
                 target_id="1")
    record_event(actor=wiltshire_analyst, action="dossier.closed", target_type="x.y",
                 target_id="2")
    record_event(actor=wiltshire_admin, action="dossier.opened", target_type="x.z",
                 target_id="1")
    assert audit_events_for(nca_admin, action="dossier.closed").count() == 1
    assert audit_events_for(nca_admin, action="dossier.", actor="Wiltshire.Analyst").count() == 2
    assert audit_events_for(nca_admin, target_type="x.y", target_id="1").count() == 1
    latest = AuditEvent.objects.filter(action__startswith="dossier.").order_by("at").last().at
    assert audit_events_for(nca_admin, action="dossier.", until=latest).count() == 2
    assert audit_events_for(nca_admin, action="dossier.", since=latest).count() == 1


# --------------------------------------------------------------------------- the page


def test_the_audit_page_lists_events_with_filters(client_for, wiltshire_admin,
                                                  wiltshire_analyst):
    record_event(actor=wiltshire_analyst, action="dossier.opened", target_repr="Op Kestrel")
    record_event(actor=wiltshire_analyst, action="dossier.closed", target_repr="Op Merlin")
    response = client_for(wiltshire_admin).get(
        reverse("audit:event-list"), {"action": "dossier.opened", "actor": "wiltshire.analyst",
                                      "since": "2000-01-01", "until": "not a date"}
    )
    assert response.status_code == 200
    assert [e.target_repr for e in response.context["page"]] == ["Op Kestrel"]
    content = response.content.decode()
    assert "Op Kestrel" in content
    assert "Op Merlin" not in content


def test_an_analyst_cannot_open_the_audit_page(client_for, wiltshire_analyst):
    assert client_for(wiltshire_analyst).get(reverse("audit:event-list")).status_code == 403
    response = client_for(wiltshire_analyst).get(reverse("audit:event-list"), {"format": "csv"})
    assert response.status_code == 403


def test_the_audit_trail_exports_as_csv(client_for, wiltshire_admin, wiltshire_analyst,
                                        dorset_analyst):
    # Given events by a Wiltshire analyst and a Dorset analyst
    record_event(actor=wiltshire_analyst, action="dossier.opened", target_repr="Op Kestrel",
                 reason="Tasking")
    record_event(actor=dorset_analyst, action="dossier.opened", target_repr="Op Dorset")
    # When the Wiltshire administrator exports the trail
    response = client_for(wiltshire_admin).get(reverse("audit:event-list"),
                                               {"format": "csv", "action": "dossier."})
    # Then it is a CSV download of their own organisation's events only
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["at", "actor", "organisation", "action", "target_type", "target_id",
                       "target", "changes", "reason", "ip_address"]
    assert [(r[1], r[2], r[3], r[6], r[8]) for r in rows[1:]] == [
        ("wiltshire.analyst", "Wiltshire", "dossier.opened", "Op Kestrel", "Tasking")
    ]


def test_a_formula_in_the_audit_trail_is_not_run_by_a_spreadsheet(client_for, nca_admin,
                                                                  wiltshire_analyst):
    # Given an event whose target name and reason someone typed as spreadsheet formulas
    record_event(actor=wiltshire_analyst, action="dossier.opened",
                 target_repr='=HYPERLINK("http://evil.example","click")', reason="+1+1")
    # When the trail is exported
    response = client_for(nca_admin).get(reverse("audit:event-list"),
                                         {"format": "csv", "action": "dossier."})
    # Then those cells start with a quote, so the spreadsheet shows them as text
    (row,) = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    assert row[6] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert row[8] == "'+1+1"


@pytest.mark.parametrize(
    ("value", "shown"),
    [("=1+1", "'=1+1"), ("+44 1234", "'+44 1234"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("plain", "plain"), (None, ""), (42, "42"), ("a=b", "a=b")],
)
def test_safe_cell_neutralises_formulas(value, shown):
    assert safe_cell(value) == shown
