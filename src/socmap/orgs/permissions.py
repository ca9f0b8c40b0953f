"""Role checks used by services. Scope (what a user may see) lives in scoping.py;
this module answers what a user may *do*."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from socmap.orgs.models import Role


def require_role(actor, *roles: str, action: str) -> None:
    """Refuse ``action`` unless ``actor`` holds one of ``roles`` (``None`` is the system)."""
    if actor is None:
        return
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(f"You must be signed in to {action}.")
    if not actor.has_role(*roles):
        names = " or ".join(dict(Role.CHOICES)[r] for r in roles)
        raise PermissionDenied(f"Only a user with the {names} role may {action}.")


def require_can_write(actor, *, action: str) -> None:
    """Inspectors (and users with no role) are read-only everywhere."""
    if actor is not None and actor.is_read_only:
        raise PermissionDenied(f"Your roles are read-only, so you may not {action}.")
