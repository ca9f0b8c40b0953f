"""Writing audit events. Call :func:`record_event` inside the service's transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from socmap.audit.context import current_client_ip
from socmap.audit.models import AuditEvent


def _label(target: models.Model) -> str:
    return target._meta.label_lower


def record_event(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
) -> AuditEvent:
    """Append one audit event. ``actor`` is a user, or ``None`` for the system."""
    if target is not None:
        target_type = target_type or _label(target)
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)[:255]
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=(actor.username if is_user else "system"),
        actor_organisation_id=getattr(actor, "organisation_id", None) if is_user else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        changes=changes or {},
        reason=reason,
        ip_address=current_client_ip(),
    )


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
