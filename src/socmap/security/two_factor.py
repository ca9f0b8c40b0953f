"""The second factor: TOTP (RFC 6238) devices from django-otp, recovery codes as django-otp
static tokens, and who must use one. Each operation is one transaction with its audit event.

* A user enrols a device by scanning the QR code (or typing the secret) into an
  authenticator app and entering the code it shows; ten single-use recovery codes are
  generated then and shown once.
* After the password, a user with a device must enter a code (or a recovery code) before any
  page opens (security/middleware.py); a user who must use a second factor and has none is
  sent to enrol first.
* Administrators require it for their organisation or a role in it (national administrators
  for everyone), and can reset a user's devices when a phone is lost.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from socmap.audit.services import record_event
from socmap.errors import InvalidInput
from socmap.orgs.models import Organisation, Role, User
from socmap.orgs.permissions import require_can_write, require_role
from socmap.orgs.scoping import ScopeLevel, scope_for
from socmap.security.models import TwoFactorRequirement

RECOVERY_CODES = 10


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_required(user) -> bool:
    if user is None or not getattr(user, "pk", None):
        return False
    return TwoFactorRequirement.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id=user.organisation_id),
        Q(role="") | Q(role__in=list(user.role_codes)),
    ).exists()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (made on first call, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def _recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [f"{secrets.randbelow(10**10):010d}" for _ in range(RECOVERY_CODES)]
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return codes


def enrol(*, user, code: str) -> list[str]:
    """Confirm the pending device with a code from the app; returns the recovery codes."""
    device = pending_device(user)
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or not device.verify_token(code):
        raise InvalidInput(
            {"code": ["That code is not right: enter the six digits the app shows now."]}
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes(user)
        record_event(actor=user, action="two_factor.enrolled", target=user)
    return codes


def verify(*, user, code: str):
    """The device that accepts ``code`` (a TOTP code or an unused recovery code), or raise."""
    code = (code or "").strip().replace(" ", "")
    device = confirmed_device(user)
    if device is not None and code.isdigit() and len(code) == 6:
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            record_event(actor=user, action="two_factor.verified", target=user)
            return device
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    is_recovery_code = code.isdigit() and len(code) == 10
    if recovery is not None and is_recovery_code and recovery.verify_token(code):
        record_event(
            actor=user,
            action="two_factor.recovery_code_used",
            target=user,
            changes={"left": recovery.token_set.count()},
        )
        return recovery
    record_event(actor=user, action="two_factor.failed", target=user)
    raise InvalidInput(
        {
            "code": [
                "That code is not right. Use the code your app shows now, "
                "or one of your recovery codes."
            ]
        }
    )


def _require_admin_of(actor, organisation: Organisation | None, action: str) -> None:
    require_role(actor, Role.ADMINISTRATOR, action=action)
    require_can_write(actor, action=action)
    if actor is None:
        return
    national = scope_for(actor).level == ScopeLevel.NATIONAL
    if not national and (organisation is None or organisation.pk != actor.organisation_id):
        raise PermissionDenied(f"You may only {action} for {actor.organisation}.")


def require_second_factor(*, actor, organisation: Organisation | None = None, role: str = ""):
    _require_admin_of(actor, organisation, "require a second factor")
    if role and role not in Role.CODES:
        raise InvalidInput({"role": [f"Choose one of {', '.join(Role.CODES)}."]})
    try:
        with transaction.atomic():
            requirement = TwoFactorRequirement.objects.create(
                organisation=organisation, role=role, set_by=actor
            )
            record_event(
                actor=actor,
                action="two_factor.required",
                target=requirement,
                changes={
                    "organisation": str(organisation or "every organisation"),
                    "role": role or "every role",
                },
            )
    except IntegrityError as twice:
        raise InvalidInput("That requirement is already set.") from twice
    return requirement


def drop_requirement(*, actor, requirement: TwoFactorRequirement) -> None:
    _require_admin_of(actor, requirement.organisation, "change second-factor requirements")
    with transaction.atomic():
        record_event(
            actor=actor,
            action="two_factor.requirement_dropped",
            target=requirement,
            target_repr=str(requirement),
        )
        requirement.delete()


def reset_second_factor(*, actor, user: User, reason: str) -> None:
    """Remove a user's devices and recovery codes (a lost phone); they enrol again."""
    _require_admin_of(actor, user.organisation, "reset a second factor")
    if not (reason or "").strip():
        raise InvalidInput({"reason": ["Say why (for example 'phone lost, identity checked')."]})
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        StaticDevice.objects.filter(user=user).delete()
        record_event(
            actor=actor,
            action="two_factor.reset",
            target=user,
            changes={"devices_removed": removed},
            reason=reason.strip(),
        )


# --------------------------------------------------------------------------- lockout


def is_locked_out(user: User) -> bool:
    from axes.models import AccessAttempt
    from django.conf import settings

    return AccessAttempt.objects.filter(
        username=user.username.lower(), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()


def unlock(*, actor, user: User, reason: str = "") -> int:
    """Clear a user's failed log-ins (a lockout by username) before the cool-off ends."""
    from axes.utils import reset

    _require_admin_of(actor, user.organisation, "unlock accounts")
    with transaction.atomic():
        cleared = reset(username=user.username.lower())
        record_event(
            actor=actor,
            action="auth.unlocked",
            target=user,
            changes={"attempts_cleared": cleared},
            reason=(reason or "").strip(),
        )
    return cleared


def unlock_address(*, actor, ip_address: str, reason: str = "") -> int:
    from axes.utils import reset

    require_role(actor, Role.ADMINISTRATOR, action="unlock addresses")
    if actor is not None and scope_for(actor).level != ScopeLevel.NATIONAL:
        raise PermissionDenied("Only a national administrator may unlock a client address.")
    with transaction.atomic():
        cleared = reset(ip=ip_address)
        record_event(
            actor=actor,
            action="auth.address_unlocked",
            target_repr=ip_address,
            target_type="ip_address",
            changes={"attempts_cleared": cleared},
            reason=(reason or "").strip(),
        )
    return cleared
