"""Reading the audit trail, scoped like every other read."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from socmap.audit.models import AuditEvent
from socmap.orgs.models import Role
from socmap.orgs.scoping import visible_to

AUDIT_READERS = (Role.ADMINISTRATOR, Role.INSPECTOR)


def _start_of(moment):
    """A date means midnight at its start in socmap's time zone (London)."""
    if isinstance(moment, dt.datetime):
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    return timezone.make_aware(dt.datetime.combine(moment, dt.time.min))


def audit_events_for(
    user,
    *,
    action: str = "",
    actor: str = "",
    target_type: str = "",
    target_id: str = "",
    since=None,
    until=None,
    text: str = "",
) -> QuerySet[AuditEvent]:
    """Audit events an administrator or inspector may read: those of their scope."""
    if not user.has_role(*AUDIT_READERS):
        raise PermissionDenied("Only administrators and inspectors may read the audit trail.")
    events = visible_to(user, AuditEvent.objects.select_related("actor_organisation"))
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_name__iexact=actor)
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=target_id)
    if since:
        events = events.filter(at__gte=_start_of(since))
    if until:
        events = events.filter(at__lt=_start_of(until))
    if text:
        from django.db.models import Q, TextField
        from django.db.models.functions import Cast

        events = events.annotate(changes_text=Cast("changes", TextField())).filter(
            Q(target_repr__icontains=text)
            | Q(reason__icontains=text)
            | Q(actor_name__icontains=text)
            | Q(action__icontains=text)
            | Q(changes_text__icontains=text)
        )
    return events
