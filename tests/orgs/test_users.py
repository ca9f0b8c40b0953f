"""An administrator manages the users of their organisation.

Log-in names are unique whatever their case, every user belongs to one organisation and holds
roles that suit it, passwords are strong and stored with argon2, and every change leaves an
audit event naming who made it.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

import socmap.settings as production_settings
from socmap.audit.models import AuditEvent
from socmap.errors import InvalidInput
from socmap.orgs.models import Role, Team, User
from socmap.orgs.services import create_team, create_user, reset_password, update_user
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

STRONG = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def new_user(org):
    """Keyword arguments for a valid new Wiltshire user, to be varied by each test."""

    def details(**changes):
        values = {
            "username": "jo.bloggs", "email": "jo.bloggs@wiltshire.example",
            "first_name": "Jo", "last_name": "Bloggs", "organisation": org("Wiltshire"),
            "roles": [Role.ANALYST], "password": STRONG,
        }
        values.update(changes)
        return values

    return details


def refused(actor, **details) -> InvalidInput:
    """Create a user expecting refusal; check nothing was created and return the error."""
    users_before = User.objects.count()
    events_before = AuditEvent.objects.filter(action="user.created").count()
    with pytest.raises(InvalidInput) as invalid:
        create_user(actor=actor, **details)
    assert User.objects.count() == users_before
    assert AuditEvent.objects.filter(action="user.created").count() == events_before
    return invalid.value


# --------------------------------------------------------------------------- creating


def test_administrator_creates_a_user_in_their_organisation(wiltshire_admin, new_user, org):
    # When the Wiltshire administrator creates an analyst with a chosen password
    created = create_user(actor=wiltshire_admin, **new_user(job_title=" SOC analyst "))

    # Then the user exists, belongs to Wiltshire, holds the role and can log in
    user = created.user
    assert created.temporary_password is None
    assert user.organisation == org("Wiltshire")
    assert user.role_codes == {Role.ANALYST}
    assert user.job_title == "SOC analyst"
    assert not user.password_change_required
    assert user.check_password(STRONG)

    # And an audit event records who created whom, with the details
    event = AuditEvent.objects.get(action="user.created", target_id=str(user.pk))
    assert event.actor == wiltshire_admin
    assert event.actor_organisation == org("Wiltshire")
    assert event.target_type == "orgs.user"
    assert event.changes["username"] == "jo.bloggs"
    assert event.changes["roles"] == [Role.ANALYST]
    assert event.changes["organisation"] == "Wiltshire"
    assert STRONG not in str(event.changes)


def test_log_in_names_are_stored_in_lower_case(wiltshire_admin, new_user):
    created = create_user(actor=wiltshire_admin, **new_user(username="  Jo.Bloggs "))
    assert created.user.username == "jo.bloggs"


@pytest.mark.parametrize("spelling", ["wiltshire.analyst", "Wiltshire.Analyst",
                                      "WILTSHIRE.ANALYST"])
def test_a_log_in_name_taken_in_any_case_is_refused(
    wiltshire_admin, wiltshire_analyst, new_user, spelling
):
    # Given the Wiltshire analyst exists
    # When the administrator creates another user with the same name in another case
    error = refused(wiltshire_admin, **new_user(username=spelling))
    # Then it is refused with a message that says why
    assert error.field_errors["username"] == [
        "A user with the log-in name 'wiltshire.analyst' already exists."
    ]


def test_an_email_already_used_is_refused(wiltshire_admin, wiltshire_analyst, new_user):
    error = refused(wiltshire_admin, **new_user(email="Wiltshire.Analyst@TEST.example"))
    assert error.field_errors["email"] == [
        "Another user already has the email address Wiltshire.Analyst@TEST.example."
    ]


def test_the_database_refuses_a_second_user_with_an_email_in_any_case(wiltshire_analyst, org):
    # Given the check in the service were raced past (two administrators at once), then the
    # database still refuses the second account
    from django.db import IntegrityError, transaction

    from socmap.orgs.models import User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(
            username="another.analyst",
            email=wiltshire_analyst.email.upper(),
            organisation=org("Wiltshire"),
        )
    assert not User.objects.filter(username="another.analyst").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": ""}, "username"),
        ({"username": "jo bloggs"}, "username"),
        ({"username": "-jo"}, "username"),
        ({"email": ""}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"first_name": "  "}, "first_name"),
        ({"last_name": ""}, "last_name"),
        ({"organisation": None}, "organisation"),
        ({"roles": []}, "roles"),
        ({"roles": ["superintendent"]}, "roles"),
    ],
)
def test_incomplete_details_are_refused(wiltshire_admin, new_user, changes, field):
    error = refused(wiltshire_admin, **new_user(**changes))
    assert field in error.field_errors


def test_an_unknown_role_is_named(wiltshire_admin, new_user):
    error = refused(wiltshire_admin, **new_user(roles=[Role.ANALYST, "superintendent"]))
    assert error.field_errors["roles"][0].startswith("Unknown role: superintendent.")


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ([Role.LRO], "Users of a partner agency must hold the partner role."),
        ([Role.PARTNER, Role.ANALYST], "may hold only the partner, Lead Responsible Officer, "
                                       "offender manager and administrator roles, not analyst"),
        ([Role.PARTNER, Role.VALIDATOR, Role.INSPECTOR], "not inspector, validator"),
    ],
)
def test_partner_agency_users_hold_partner_roles_only(
    nca_admin, new_user, wiltshire_council, roles, message
):
    error = refused(nca_admin, **new_user(organisation=wiltshire_council, roles=roles))
    assert any(message in m for m in error.field_errors["roles"])


@pytest.mark.parametrize(
    "roles",
    [[Role.PARTNER], [Role.PARTNER, Role.LRO], [Role.PARTNER, Role.OFFENDER_MANAGER],
     [Role.PARTNER, Role.ADMINISTRATOR]],
)
def test_partner_agency_users_may_hold_the_partner_roles(nca_admin, new_user, wiltshire_council,
                                                         roles):
    user = create_user(actor=nca_admin, **new_user(organisation=wiltshire_council,
                                                   roles=roles)).user
    assert user.role_codes == set(roles)


def test_only_partner_agency_users_may_hold_the_partner_role(wiltshire_admin, new_user):
    error = refused(wiltshire_admin, **new_user(roles=[Role.PARTNER]))
    assert error.field_errors["roles"] == [
        "Only users of a partner agency may hold the partner role."
    ]


def test_a_team_of_another_organisation_is_refused(wiltshire_admin, new_user, org):
    dorset_team = Team.objects.create(organisation=org("Dorset"), name="SOC Intelligence Unit")
    error = refused(wiltshire_admin, **new_user(team=dorset_team))
    assert error.field_errors["team"] == ["SOC Intelligence Unit is not a team of Wiltshire."]


def test_a_team_of_the_users_organisation_is_accepted(wiltshire_admin, new_user, org):
    team = create_team(actor=wiltshire_admin, organisation=org("Wiltshire"), name="SOC Unit")
    assert create_user(actor=wiltshire_admin, **new_user(team=team)).user.team == team


@pytest.mark.parametrize("weak", ["short", "password1234", "123456789012", "jo.bloggs.wiltshire"])
def test_a_weak_password_is_refused(wiltshire_admin, new_user, weak):
    error = refused(wiltshire_admin, **new_user(password=weak))
    assert error.field_errors["password"]


def test_all_problems_are_reported_together(wiltshire_admin, wiltshire_analyst, new_user):
    error = refused(wiltshire_admin, **new_user(username="wiltshire.analyst", email="x",
                                                roles=[], password="short"))
    assert set(error.field_errors) == {"username", "email", "roles", "password"}


def test_without_a_password_a_temporary_one_is_given_once(wiltshire_admin, new_user):
    # When the administrator creates a user without choosing a password
    created = create_user(actor=wiltshire_admin, **new_user(password=None))
    # Then a temporary password is returned, works, and must be changed at first log-in
    assert created.temporary_password
    assert len(created.temporary_password) >= 12
    assert created.user.check_password(created.temporary_password)
    assert created.user.password_change_required
    # And it is not kept in the audit trail
    event = AuditEvent.objects.get(action="user.created", target_id=str(created.user.pk))
    assert created.temporary_password not in str(event.changes)


def test_a_record_only_account_cannot_log_in(wiltshire_admin, new_user):
    # When a user is created who may not log in (e.g. a named action owner)
    created = create_user(actor=wiltshire_admin, **new_user(can_log_in=False))
    # Then no password works, not even the one supplied, and none is returned
    assert created.temporary_password is None
    assert not created.user.has_usable_password()
    assert authenticate(username="jo.bloggs", password=STRONG) is None


@pytest.mark.parametrize("persona", ["wiltshire_analyst", "wiltshire_validator", "inspector",
                                     "council_partner"])
def test_only_administrators_may_create_users(request, new_user, persona):
    actor = request.getfixturevalue(persona)
    users_before = User.objects.count()
    with pytest.raises(PermissionDenied, match="Administrator"):
        create_user(actor=actor, **new_user(organisation=actor.organisation,
                                            roles=[Role.PARTNER] if persona == "council_partner"
                                            else [Role.ANALYST]))
    assert User.objects.count() == users_before


def test_an_administrator_may_not_create_users_in_another_organisation(
    wiltshire_admin, new_user, org
):
    users_before = User.objects.count()
    with pytest.raises(PermissionDenied, match="your own organisation"):
        create_user(actor=wiltshire_admin, **new_user(organisation=org("Dorset")))
    assert User.objects.count() == users_before


def test_a_national_administrator_may_create_users_anywhere(nca_admin, new_user, org):
    user = create_user(actor=nca_admin, **new_user(organisation=org("Dorset"))).user
    assert user.organisation == org("Dorset")


def test_an_inactive_administrator_may_not_create_users(wiltshire_admin, new_user):
    wiltshire_admin.is_active = False
    with pytest.raises(PermissionDenied):
        create_user(actor=wiltshire_admin, **new_user())


# --------------------------------------------------------------------------- passwords


def test_production_settings_hash_passwords_with_argon2():
    assert production_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_a_new_users_password_is_stored_as_an_argon2_hash(settings, wiltshire_admin, new_user):
    # Given socmap's production password hashers (the tests use a fast one otherwise)
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    # When a user is created
    user = create_user(actor=wiltshire_admin, **new_user()).user
    # Then only an argon2 hash of the password is stored
    assert user.password.startswith("argon2")
    assert STRONG not in user.password
    assert user.check_password(STRONG)


def test_log_in_ignores_the_case_of_the_log_in_name(wiltshire_analyst):
    assert authenticate(username="Wiltshire.ANALYST", password=PASSWORD) == wiltshire_analyst
    assert authenticate(username="wiltshire.analyst", password="wrong-password") is None


def test_an_administrator_resets_a_password(wiltshire_admin, wiltshire_analyst):
    # When the Wiltshire administrator resets the analyst's password
    temporary = reset_password(actor=wiltshire_admin, user=wiltshire_analyst)
    # Then only the temporary one works, it must be changed, and the reset is audited
    wiltshire_analyst.refresh_from_db()
    assert wiltshire_analyst.check_password(temporary)
    assert not wiltshire_analyst.check_password(PASSWORD)
    assert wiltshire_analyst.password_change_required
    event = AuditEvent.objects.get(action="user.password_reset")
    assert event.actor == wiltshire_admin
    assert event.target_id == str(wiltshire_analyst.pk)
    assert temporary not in str(event.changes)


def test_an_administrator_cannot_reset_another_organisations_password(
    wiltshire_admin, dorset_analyst
):
    with pytest.raises(PermissionDenied):
        reset_password(actor=wiltshire_admin, user=dorset_analyst)
    dorset_analyst.refresh_from_db()
    assert dorset_analyst.check_password(PASSWORD)
    assert not dorset_analyst.password_change_required


def test_an_analyst_cannot_reset_a_colleagues_password(wiltshire_analyst, wiltshire_validator):
    with pytest.raises(PermissionDenied):
        reset_password(actor=wiltshire_analyst, user=wiltshire_validator)


# --------------------------------------------------------------------------- changing


def test_an_administrator_changes_roles_and_the_audit_trail_shows_before_and_after(
    wiltshire_admin, wiltshire_analyst
):
    # When the administrator makes the analyst a validator too, giving a reason
    update_user(actor=wiltshire_admin, user=wiltshire_analyst,
                roles=[Role.ANALYST, Role.VALIDATOR], job_title="Senior analyst",
                reason="Trained as a validator")
    # Then the roles are changed
    wiltshire_analyst.refresh_from_db()
    assert wiltshire_analyst.role_codes == {Role.ANALYST, Role.VALIDATOR}
    # And the audit event has only the changed fields, old and new, and the reason
    event = AuditEvent.objects.get(action="user.changed")
    assert event.actor == wiltshire_admin
    assert event.reason == "Trained as a validator"
    assert event.changes == {
        "roles": [[Role.ANALYST], [Role.ANALYST, Role.VALIDATOR]],
        "job_title": ["", "Senior analyst"],
    }


def test_a_change_that_changes_nothing_leaves_no_event(wiltshire_admin, wiltshire_analyst):
    update_user(actor=wiltshire_admin, user=wiltshire_analyst, roles=[Role.ANALYST])
    assert not AuditEvent.objects.filter(action="user.changed").exists()


def test_an_administrator_cannot_remove_their_own_administrator_role(wiltshire_admin):
    with pytest.raises(InvalidInput) as invalid:
        update_user(actor=wiltshire_admin, user=wiltshire_admin, roles=[Role.ANALYST])
    assert invalid.value.field_errors["roles"] == [
        "You cannot remove your own administrator role."
    ]
    wiltshire_admin.refresh_from_db()
    wiltshire_admin.forget_cached_roles()
    assert wiltshire_admin.role_codes == {Role.ADMINISTRATOR}


def test_an_administrator_may_add_roles_to_themselves(wiltshire_admin):
    update_user(actor=wiltshire_admin, user=wiltshire_admin,
                roles=[Role.ADMINISTRATOR, Role.PERFORMANCE_LEAD])
    assert wiltshire_admin.role_codes == {Role.ADMINISTRATOR, Role.PERFORMANCE_LEAD}


def test_an_administrator_cannot_deactivate_themselves(wiltshire_admin):
    with pytest.raises(InvalidInput) as invalid:
        update_user(actor=wiltshire_admin, user=wiltshire_admin, is_active=False)
    assert invalid.value.field_errors["is_active"] == ["You cannot deactivate your own account."]
    wiltshire_admin.refresh_from_db()
    assert wiltshire_admin.is_active


def test_a_deactivated_user_can_no_longer_log_in(wiltshire_admin, wiltshire_analyst):
    update_user(actor=wiltshire_admin, user=wiltshire_analyst, is_active=False,
                reason="Left the force")
    assert authenticate(username="wiltshire.analyst", password=PASSWORD) is None
    event = AuditEvent.objects.get(action="user.changed")
    assert event.changes == {"is_active": [True, False]}
    assert event.reason == "Left the force"


def test_changes_to_another_organisations_user_are_refused(wiltshire_admin, dorset_analyst):
    with pytest.raises(PermissionDenied):
        update_user(actor=wiltshire_admin, user=dorset_analyst, roles=[Role.VALIDATOR])
    dorset_analyst.forget_cached_roles()
    assert dorset_analyst.role_codes == {Role.ANALYST}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"roles": [Role.PARTNER]}, "roles"),
        ({"email": "nope"}, "email"),
        ({"email": "dorset.analyst@test.example"}, "email"),
        ({"first_name": " "}, "first_name"),
    ],
)
def test_invalid_changes_are_refused_and_nothing_changes(
    wiltshire_admin, wiltshire_analyst, dorset_analyst, changes, field
):
    before = (wiltshire_analyst.email, wiltshire_analyst.first_name)
    with pytest.raises(InvalidInput) as invalid:
        update_user(actor=wiltshire_admin, user=wiltshire_analyst, **changes)
    assert field in invalid.value.field_errors
    wiltshire_analyst.refresh_from_db()
    assert (wiltshire_analyst.email, wiltshire_analyst.first_name) == before
    assert not AuditEvent.objects.filter(action="user.changed").exists()


def test_moving_a_user_to_another_organisations_team_is_refused(
    wiltshire_admin, wiltshire_analyst, org
):
    dorset_team = Team.objects.create(organisation=org("Dorset"), name="Dorset SOC")
    with pytest.raises(InvalidInput) as invalid:
        update_user(actor=wiltshire_admin, user=wiltshire_analyst, team=dorset_team)
    assert "team" in invalid.value.field_errors


# --------------------------------------------------------------------------- the command


def create_user_command(*args: str) -> str:
    out = io.StringIO()
    call_command("create-user", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_create_user_command_creates_a_user_with_a_temporary_password(org):
    # When the operator creates the first Wiltshire administrator from the command line
    output = create_user_command(
        "Sally.Turner", "--email", "sally@wiltshire.example", "--first-name", "Sally",
        "--last-name", "Turner", "--organisation", "wiltshire", "--role", "administrator",
        "--role", "analyst",
    )
    # Then the user exists with both roles and must change the printed temporary password
    user = User.objects.get(username="sally.turner")
    assert user.organisation == org("Wiltshire")
    assert user.role_codes == {Role.ADMINISTRATOR, Role.ANALYST}
    assert user.password_change_required
    assert "Created Sally Turner (sally.turner)." in output
    temporary = output.split("Temporary password (shown once): ")[1].strip()
    assert user.check_password(temporary)
    assert AuditEvent.objects.get(action="user.created").actor_name == "system"


def test_the_create_user_command_refuses_a_duplicate_and_creates_nothing(wiltshire_analyst):
    users_before = User.objects.count()
    with pytest.raises(CommandError, match="already exists"):
        create_user_command(
            "WILTSHIRE.ANALYST", "--email", "another@wiltshire.example", "--first-name", "A",
            "--last-name", "B", "--organisation", "wiltshire", "--role", "analyst",
        )
    assert User.objects.count() == users_before


def test_the_create_user_command_refuses_an_unknown_organisation():
    with pytest.raises(CommandError, match="not an organisation slug"):
        create_user_command("x.y", "--email", "x@y.example", "--first-name", "X",
                            "--last-name", "Y", "--organisation", "atlantis", "--role", "analyst")
    assert not User.objects.filter(username="x.y").exists()


def test_the_create_user_command_refuses_an_unknown_role():
    with pytest.raises(CommandError):
        create_user_command("x.y", "--email", "x@y.example", "--first-name", "X",
                            "--last-name", "Y", "--organisation", "wiltshire",
                            "--role", "superintendent")
    assert not User.objects.filter(username="x.y").exists()


def test_the_create_user_command_acting_as_an_analyst_is_refused(wiltshire_analyst):
    with pytest.raises(CommandError, match="Administrator"):
        create_user_command("x.y", "--email", "x@y.example", "--first-name", "X",
                            "--last-name", "Y", "--organisation", "wiltshire",
                            "--role", "analyst", "--as", "wiltshire.analyst")
    assert not User.objects.filter(username="x.y").exists()


def test_the_create_user_command_reads_a_password_from_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(STRONG + "\n"))
    output = create_user_command("x.y", "--email", "x@y.example", "--first-name", "X",
                                 "--last-name", "Y", "--organisation", "wiltshire",
                                 "--role", "analyst", "--password-stdin")
    user = User.objects.get(username="x.y")
    assert user.check_password(STRONG)
    assert not user.password_change_required
    assert "Temporary password" not in output
