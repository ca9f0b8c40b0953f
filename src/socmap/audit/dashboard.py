"""Dashboard panels from the audit trail."""

from socmap.audit.models import AuditEvent
from socmap.audit.selectors import AUDIT_READERS, audit_events_for
from socmap.web.dashboard import register_panel


def _recent(user):
    return {"events": list(audit_events_for(user)[:8])}


def _mine(user):
    return {"events": list(AuditEvent.objects.filter(actor=user)[:8])}


def register() -> None:
    register_panel(
        "Recent activity", "web/panels/recent_audit.html", _recent, roles=AUDIT_READERS, order=70
    )
    register_panel("Your recent activity", "web/panels/my_activity.html", _mine, order=80)
