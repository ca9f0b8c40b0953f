"""API for reading the audit trail (administrators and inspectors)."""

from datetime import datetime
from typing import Any

from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from socmap.audit.selectors import audit_events_for

router = Router(tags=["Audit trail"])


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor: str
    organisation: str | None
    action: str
    target_type: str
    target_id: str
    target: str
    changes: Any
    reason: str
    ip_address: str | None

    @staticmethod
    def resolve_actor(obj):
        return obj.actor_name

    @staticmethod
    def resolve_organisation(obj):
        return obj.actor_organisation.name if obj.actor_organisation else None

    @staticmethod
    def resolve_target(obj):
        return obj.target_repr


@router.get("", response=list[AuditEventOut])
@paginate(PageNumberPagination, page_size=100)
def list_events(
    request,
    action: str = "",
    actor: str = "",
    target_type: str = "",
    target_id: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    q: str = "",
):
    return audit_events_for(
        request.user,
        action=action,
        actor=actor,
        target_type=target_type,
        target_id=target_id,
        since=since,
        until=until,
        text=q[:100],
    )
