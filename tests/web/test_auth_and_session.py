"""Signing in and out, and how long a session lasts.

An officer signs in with their log-in name in any case, is sent to change a temporary password
before anything else, is signed out after half an hour idle and after a working shift however
active, and every sign-in, sign-out and failed attempt is in the audit trail. Forms that change
anything are protected against cross-site request forgery.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import socmap.settings as production_settings
from socmap.audit.models import AuditEvent
from socmap.orgs.middleware import RENEW_EVERY_SECONDS, SESSION_RENEWED, SESSION_STARTED
from socmap.orgs.models import PopulationFigure, Role, User
from socmap.orgs.services import create_api_token, reset_password
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
LOGOUT = "/logout/"
PASSWORD_CHANGE = "/password/change/"
NEW_PASSWORD = "a-brand-new-passphrase-for-2026"


def test_the_urls_are_where_people_expect_them():
    assert reverse("login") == LOGIN
    assert reverse("logout") == LOGOUT
    assert reverse("password_change") == PASSWORD_CHANGE
    assert reverse("dashboard") == "/"


# --------------------------------------------------------------------------- signing in


def test_the_sign_in_page_renders(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="username"' in content
    assert 'name="password"' in content
    assert "csrfmiddlewaretoken" in content


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=/"


def test_signing_in_leads_to_the_dashboard_whatever_the_case_of_the_name(client,
                                                                         wiltshire_analyst):
    # When the analyst signs in typing their name with capitals
    response = client.post(LOGIN, {"username": "Wiltshire.Analyst", "password": PASSWORD})
    # Then they reach the dashboard, signed in as themselves
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/api/me").json()["username"] == "wiltshire.analyst"
    # And the sign-in is in the audit trail
    event = AuditEvent.objects.get(action="auth.logged_in")
    assert event.actor == wiltshire_analyst
    assert event.actor_organisation == wiltshire_analyst.organisation


def test_signing_in_follows_next_within_socmap(client, wiltshire_analyst):
    response = client.post(f"{LOGIN}?next=/organisations/",
                           {"username": "wiltshire.analyst", "password": PASSWORD})
    assert response.url == "/organisations/"
    response = Client().post(f"{LOGIN}?next=https://evil.example/",
                             {"username": "wiltshire.analyst", "password": PASSWORD})
    assert response.url == "/"


def test_a_wrong_password_shows_an_error_and_is_audited(client, wiltshire_analyst):
    # When someone tries the analyst's name with a wrong password
    response = client.post(LOGIN, {"username": "wiltshire.analyst", "password": "guess-guess"})
    # Then the sign-in page shows an error and they are not signed in
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "correct username and password" in response.content.decode()
    assert client.get("/api/me").status_code == 401
    # And the failed attempt is audited under the name tried, without the password
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None
    assert event.target_repr == "wiltshire.analyst"
    assert "guess-guess" not in str(event.changes)


def test_a_deactivated_user_cannot_sign_in(client, wiltshire_analyst):
    User.objects.filter(pk=wiltshire_analyst.pk).update(is_active=False)
    client.post(LOGIN, {"username": "wiltshire.analyst", "password": PASSWORD})
    assert client.get("/api/me").status_code == 401
    assert not AuditEvent.objects.filter(action="auth.logged_in").exists()


def test_the_session_expired_notice(client):
    response = client.get(LOGIN, {"expired": "1"})
    assert response.status_code == 200
    assert response.context["session_expired"] is True


# --------------------------------------------------------------------------- signing out


def test_signing_out_is_a_post_that_ends_the_session(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    # A link (GET) does not sign anyone out
    assert client.get(LOGOUT).status_code == 405
    assert client.get("/api/me").status_code == 200
    # When the analyst signs out
    response = client.post(LOGOUT)
    # Then they are back at the sign-in page and their session is over
    assert response.status_code == 302
    assert response.url == LOGIN
    assert client.get("/api/me").status_code == 401
    event = AuditEvent.objects.get(action="auth.logged_out")
    assert event.actor == wiltshire_analyst


# --------------------------------------------------------------------------- CSRF


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_signing_in_without_a_csrf_token_is_refused(csrf_client, wiltshire_analyst):
    response = csrf_client.post(LOGIN, {"username": "wiltshire.analyst", "password": PASSWORD})
    assert response.status_code == 403
    assert csrf_client.get("/api/me").status_code == 401


def test_signing_in_with_a_csrf_token_works(csrf_client, wiltshire_analyst):
    secret = "a" * 32
    csrf_client.cookies["csrftoken"] = secret
    response = csrf_client.post(LOGIN, {"username": "wiltshire.analyst", "password": PASSWORD,
                                        "csrfmiddlewaretoken": secret})
    assert response.status_code == 302


def test_signing_out_without_a_csrf_token_is_refused(csrf_client, wiltshire_analyst):
    csrf_client.force_login(wiltshire_analyst)
    assert csrf_client.post(LOGOUT).status_code == 403
    assert csrf_client.get("/api/me").status_code == 200


def test_a_population_upload_without_a_csrf_token_is_refused(csrf_client, make_user, org):
    lead = make_user(org("Wiltshire"), Role.PERFORMANCE_LEAD)
    csrf_client.force_login(lead)
    upload = SimpleUploadedFile("p.csv", b"force,year,population,basis\nWiltshire,2021,1,ONS\n")
    response = csrf_client.post(reverse("orgs:population-import"), {"file": upload})
    assert response.status_code == 403
    assert not PopulationFigure.objects.filter(year=2021).exists()


def test_creating_a_user_without_a_csrf_token_is_refused(csrf_client, wiltshire_admin, org):
    csrf_client.force_login(wiltshire_admin)
    response = csrf_client.post(reverse("orgs:user-create"), {
        "username": "jo.bloggs", "first_name": "Jo", "last_name": "Bloggs",
        "email": "jo@wiltshire.example", "organisation": org("Wiltshire").pk,
        "roles": ["analyst"],
    })
    assert response.status_code == 403
    assert not User.objects.filter(username="jo.bloggs").exists()


def test_the_api_with_a_session_needs_a_csrf_token(csrf_client, wiltshire_admin):
    csrf_client.force_login(wiltshire_admin)
    response = csrf_client.post("/api/users", {
        "username": "jo.bloggs", "email": "jo@wiltshire.example", "first_name": "Jo",
        "last_name": "Bloggs", "organisation": "wiltshire", "roles": ["analyst"],
    }, content_type="application/json")
    assert response.status_code == 403
    assert not User.objects.filter(username="jo.bloggs").exists()


def test_the_api_with_a_bearer_token_needs_no_csrf_token(wiltshire_admin):
    _, raw = create_api_token(actor=None, user=wiltshire_admin, name="provisioning")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post("/api/users", {
        "username": "jo.bloggs", "email": "jo@wiltshire.example", "first_name": "Jo",
        "last_name": "Bloggs", "organisation": "wiltshire", "roles": ["analyst"],
    }, content_type="application/json")
    assert response.status_code == 201


# --------------------------------------------------------------------------- passwords


@pytest.fixture
def must_change(wiltshire_admin, wiltshire_analyst):
    """The analyst after an administrator reset their password: (user, temporary password)."""
    temporary = reset_password(actor=wiltshire_admin, user=wiltshire_analyst)
    wiltshire_analyst.refresh_from_db()
    return wiltshire_analyst, temporary


def test_a_temporary_password_must_be_changed_before_anything_else(client, must_change):
    user, temporary = must_change
    # When the analyst signs in with the temporary password
    assert client.post(LOGIN, {"username": user.username, "password": temporary}).url == "/"
    # Then every page sends them to change it, and the API refuses them
    for path in ("/", "/organisations/", "/organisations/?format=csv", "/account/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == PASSWORD_CHANGE
    response = client.get("/api/me")
    assert response.status_code == 403
    assert "change your temporary password" in response.json()["detail"]
    # But they may still sign out
    assert client.post(LOGOUT).status_code == 302


def test_the_password_change_page_renders(client_for, must_change):
    user, _ = must_change
    response = client_for(user).get(PASSWORD_CHANGE)
    assert response.status_code == 200
    assert 'name="new_password1"' in response.content.decode()


def test_changing_the_password_clears_the_requirement(client_for, must_change):
    user, temporary = must_change
    client = client_for(user)
    # When the analyst chooses a new password
    response = client.post(PASSWORD_CHANGE, {"old_password": temporary,
                                             "new_password1": NEW_PASSWORD,
                                             "new_password2": NEW_PASSWORD})
    # Then they reach the dashboard, still signed in, and may use socmap
    assert response.status_code == 302
    assert response.url == "/"
    user.refresh_from_db()
    assert not user.password_change_required
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/api/me").status_code == 200
    # And the change is audited
    event = AuditEvent.objects.get(action="user.password_changed")
    assert event.actor == user


def test_a_weak_new_password_is_refused(client_for, must_change):
    user, temporary = must_change
    response = client_for(user).post(PASSWORD_CHANGE, {"old_password": temporary,
                                                       "new_password1": "password",
                                                       "new_password2": "password"})
    assert response.status_code == 200
    assert response.context["form"].errors
    user.refresh_from_db()
    assert user.password_change_required
    assert user.check_password(temporary)


# --------------------------------------------------------------------------- session lifetime


def test_sessions_end_after_half_an_hour_idle_and_when_the_browser_closes():
    assert production_settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SOCMAP_SESSION_ABSOLUTE_SECONDS == 10 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_the_session_cookie_lasts_only_while_the_browser_is_open(client, wiltshire_analyst):
    response = client.post(LOGIN, {"username": "wiltshire.analyst", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"]


def test_each_request_renews_the_idle_limit(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timezone.timedelta(minutes=1)
    )
    assert client.get("/api/me").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timezone.timedelta(minutes=29)


def test_the_idle_limit_is_renewed_at_most_once_a_minute(client_for, wiltshire_analyst):
    # a page and its parts, seconds apart, do not each write the session; a minute later the
    # next request pushes the limit back again
    client = client_for(wiltshire_analyst)
    key = client.session.session_key
    assert client.get("/api/me").status_code == 200
    soon = timezone.now() + timezone.timedelta(minutes=5)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get("/api/me").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == soon
    session = client.session
    session[SESSION_RENEWED] -= RENEW_EVERY_SECONDS
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get("/api/me").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timezone.timedelta(minutes=29)


def test_an_idle_session_has_ended(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)
    )
    assert client.get("/api/me").status_code == 401


def test_the_session_start_is_remembered_on_the_first_request(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    client.get("/api/me")
    assert abs(client.session[SESSION_STARTED] - time.time()) < 60


def _started(client, seconds_ago: int) -> None:
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - seconds_ago
    session.save()


def test_a_session_ends_after_a_shift_however_active(client_for, wiltshire_analyst):
    # Given the analyst signed in just over ten hours ago and has been busy since
    client = client_for(wiltshire_analyst)
    _started(client, settings.SOCMAP_SESSION_ABSOLUTE_SECONDS + 5)
    # When they make another request
    response = client.get("/organisations/?format=csv")
    # Then they are signed out and told why
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?expired=1"
    assert client.get("/api/me").status_code == 401
    assert AuditEvent.objects.filter(action="auth.logged_out", actor=wiltshire_analyst).exists()


def test_a_session_within_the_shift_carries_on(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    _started(client, settings.SOCMAP_SESSION_ABSOLUTE_SECONDS - 60)
    assert client.get("/organisations/?format=csv").status_code == 200
    assert client.get("/api/me").status_code == 200


def test_the_shift_limit_follows_the_setting(settings, client_for, wiltshire_analyst):
    settings.SOCMAP_SESSION_ABSOLUTE_SECONDS = 60
    client = client_for(wiltshire_analyst)
    _started(client, 120)
    assert client.get("/api/me").status_code == 302
    assert client.get("/api/me").status_code == 401
