"""Sign-in hardening: lockout after failed log-ins (per username and per client address,
unlocked by time or by an administrator, audited), an optional TOTP second factor with
recovery codes that administrators can require, and production settings that pass Django's
deployment checks with no warning."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from socmap.audit.models import AuditEvent
from socmap.security import two_factor
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/login/"


def _sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


# --------------------------------------------------------------------------- lockout


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(wiltshire_analyst):
    client = Client()
    for _ in range(5):
        assert _sign_in(client, "wiltshire.analyst", "wrong-password").status_code in (200, 429)
    # When the right password is tried next
    locked = _sign_in(client, "wiltshire.analyst", PASSWORD)
    # Then signing in is refused, saying why, and the lockout is in the audit trail
    assert locked.status_code == 429
    assert b"Too many failed attempts" in locked.content
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(action="auth.locked_out").order_by("sequence").first()
    assert event.target_repr == "wiltshire.analyst"
    assert event.changes["ip_address"] == "10.0.0.1"


def test_the_username_lockout_ignores_case_and_other_addresses(wiltshire_analyst):
    for n in range(5):
        _sign_in(Client(), "Wiltshire.Analyst", "wrong-password", ip=f"10.0.1.{n}")
    assert _sign_in(Client(), "wiltshire.analyst", PASSWORD, ip="10.0.9.9").status_code == 429


def test_one_address_trying_many_names_is_locked_out(wiltshire_analyst, dorset_analyst):
    for n in range(5):
        _sign_in(Client(), f"guess{n}", "wrong-password", ip="10.0.2.2")
    # a real user from that address is refused too; from elsewhere they sign in
    assert _sign_in(Client(), "dorset.analyst", PASSWORD, ip="10.0.2.2").status_code == 429
    assert _sign_in(Client(), "dorset.analyst", PASSWORD, ip="10.0.3.3").status_code == 302


def test_the_lockout_ends_after_the_cool_off(wiltshire_analyst):
    for _ in range(5):
        _sign_in(Client(), "wiltshire.analyst", "wrong-password")
    assert _sign_in(Client(), "wiltshire.analyst", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(hours=1))
    assert _sign_in(Client(), "wiltshire.analyst", PASSWORD).status_code == 302


def test_an_administrator_unlocks_the_account_and_it_is_audited(
    client_for, wiltshire_analyst, wiltshire_admin
):
    for _ in range(5):
        _sign_in(Client(), "wiltshire.analyst", "wrong-password")
    page = reverse("security:user", args=["wiltshire.analyst"])
    admin = client_for(wiltshire_admin)
    assert b"Yes, after too many wrong passwords" in admin.get(page).content
    done = admin.post(page, {"action": "unlock", "reason": "Called the helpdesk, identity checked"})
    assert done.status_code == 302
    assert _sign_in(Client(), "wiltshire.analyst", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action="auth.unlocked")
    assert event.actor == wiltshire_admin and "identity" in event.reason


def test_another_forces_administrator_cannot_unlock(client_for, wiltshire_analyst, make_user, org):
    dorset_admin = make_user(org("Dorset"), "administrator")
    page = reverse("security:user", args=["wiltshire.analyst"])
    assert (
        client_for(dorset_admin).post(page, {"action": "unlock", "reason": "x"}).status_code == 404
    )


def test_unlock_from_the_command_line(wiltshire_analyst, wiltshire_admin):
    for _ in range(5):
        _sign_in(Client(), "wiltshire.analyst", "wrong-password")
    out = StringIO()
    call_command(
        "unlock-user",
        "wiltshire.analyst",
        "--as",
        "wiltshire.admin",
        "--reason",
        "helpdesk",
        stdout=out,
    )
    assert "unlocked" in out.getvalue()
    assert _sign_in(Client(), "wiltshire.analyst", PASSWORD).status_code == 302


# --------------------------------------------------------------------------- second factor


def test_a_user_enrols_a_second_factor_and_then_needs_a_code(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    page = client.get(reverse("security:two-factor"))
    assert page.status_code == 200
    assert b"<svg" in page.content and b"Key, if you cannot scan" in page.content
    # a wrong code does not turn it on
    assert client.post(reverse("security:two-factor"), {"code": "000000"}).status_code == 400
    assert not two_factor.has_second_factor(wiltshire_analyst)
    # (django-otp makes the next try wait after a wrong code; the test does not wait)
    TOTPDevice.objects.filter(user=wiltshire_analyst).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    # the code from the app turns it on and shows ten recovery codes once
    done = client.post(reverse("security:two-factor"), {"code": _code(wiltshire_analyst)})
    assert done.status_code == 200 and b"recovery codes" in done.content
    codes = done.context["codes"]
    assert len(codes) == 10
    assert AuditEvent.objects.filter(action="two_factor.enrolled").exists()
    # At the next sign-in the password alone opens nothing
    fresh = Client()
    assert _sign_in(fresh, "wiltshire.analyst", PASSWORD).status_code == 302
    blocked = fresh.get("/threats/")
    assert blocked.status_code == 302 and "two-factor/verify" in blocked["Location"]
    assert fresh.get("/api/me").status_code == 403
    verify = reverse("security:two-factor-verify")
    assert fresh.post(verify, {"code": "123456"}).status_code == 400
    assert AuditEvent.objects.filter(action="two_factor.failed").exists()
    # A recovery code works, once
    assert fresh.post(verify, {"code": codes[0], "next": "/threats/"}).status_code == 302
    assert fresh.get("/threats/").status_code == 200
    again = Client()
    _sign_in(again, "wiltshire.analyst", PASSWORD)
    assert again.post(verify, {"code": codes[0]}).status_code == 400


def test_an_administrator_requires_it_and_users_enrol_first(
    client_for, wiltshire_admin, wiltshire_analyst, dorset_analyst
):
    admin = client_for(wiltshire_admin)
    url = reverse("security:two-factor-requirements")
    assert admin.post(url, {"role": ""}).status_code == 302
    assert AuditEvent.objects.filter(action="two_factor.required").exists()
    # Wiltshire's analyst is sent to enrol; Dorset's is not affected
    response = client_for(wiltshire_analyst).get("/threats/")
    assert response.status_code == 302 and "/security/two-factor/" in response["Location"]
    assert client_for(dorset_analyst).get("/threats/").status_code == 200


def test_a_requirement_for_one_role_only(wiltshire_admin, wiltshire_analyst, wiltshire_validator):
    two_factor.require_second_factor(
        actor=wiltshire_admin, organisation=wiltshire_admin.organisation, role="validator"
    )
    assert two_factor.is_required(wiltshire_validator)
    assert not two_factor.is_required(wiltshire_analyst)


def test_an_analyst_cannot_set_requirements(client_for, wiltshire_analyst):
    url = reverse("security:two-factor-requirements")
    assert client_for(wiltshire_analyst).post(url, {"role": ""}).status_code == 403


def test_an_administrator_resets_a_lost_second_factor(
    client_for, wiltshire_admin, wiltshire_analyst
):
    client = client_for(wiltshire_analyst)
    client.get(reverse("security:two-factor"))
    client.post(reverse("security:two-factor"), {"code": _code(wiltshire_analyst)})
    assert two_factor.has_second_factor(wiltshire_analyst)
    page = reverse("security:user", args=["wiltshire.analyst"])
    client_for(wiltshire_admin).post(page, {"action": "reset", "reason": "Phone lost, checked"})
    assert not two_factor.has_second_factor(wiltshire_analyst)
    assert AuditEvent.objects.get(action="two_factor.reset").reason == "Phone lost, checked"


# --------------------------------------------------------------------------- headers, deploy


def test_pages_carry_the_security_headers(client_for, wiltshire_analyst):
    response = client_for(wiltshire_analyst).get("/threats/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_production_settings_pass_the_deployment_checks_with_no_warning(tmp_path):
    env = {
        **os.environ,
        "SOCMAP_SECRET_KEY": "a-long-random-production-secret-key-" + "x" * 40,
        "SOCMAP_ALLOWED_HOSTS": "socmap.police.example",
        "SOCMAP_VAR_DIR": str(tmp_path),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{tmp_path}/check.sqlite3"),
    }
    env.pop(
        "DJANGO_ALLOW_ASYNC_UNSAFE", None
    )  # set by the browser tests' harness, not a deployment
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "socmap",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings",
            "socmap.settings_production",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
