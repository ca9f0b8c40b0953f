"""API for the retention review queue and review decisions."""

from __future__ import annotations

from datetime import date, datetime

from django.apps import apps
from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from socmap.orgs.scoping import get_visible_or_404
from socmap.retention import services
from socmap.retention.models import ReviewPeriod

router = Router(tags=["Retention review"])


class DueOut(Schema):
    record_type: str
    record_id: int
    record: str
    due_on: date
    group: str
    last_decision: str | None


class DecisionIn(Schema):
    record_type: str
    record_id: int
    decision: str  # "retain" or "dispose"
    reason: str
    next_review_on: date | None = None


class DecisionOut(Schema):
    id: int
    record: str
    decision: str
    next_review_on: date | None
    reason: str
    decided_at: datetime

    @staticmethod
    def resolve_record(obj):
        return obj.record_repr


@router.get("/queue", response=list[DueOut], summary="Records due for retention review")
@paginate(PageNumberPagination, page_size=100)
def queue(request, record_type: str = ""):
    return [
        {
            "record_type": d.record_type,
            "record_id": d.record.pk,
            "record": str(d.record),
            "due_on": d.due_on,
            "group": d.period.group,
            "last_decision": d.last_decision,
        }
        for d in services.due_for_review(request.user, record_type=record_type[:100])
    ]


@router.post("/decisions", response={201: DecisionOut}, summary="Record a review decision")
def decide(request, payload: DecisionIn):
    if not ReviewPeriod.objects.filter(record_type=payload.record_type).exists():
        raise Http404("No such record type.")
    record = get_visible_or_404(
        request.user, apps.get_model(payload.record_type), pk=payload.record_id
    )
    made = services.record_review(
        actor=request.user,
        record=record,
        decision=payload.decision,
        reason=payload.reason,
        next_review_on=payload.next_review_on,
    )
    return Status(201, made)
