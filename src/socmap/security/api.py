"""API for restrictions: list those you are named in or look after, restrict a record, change
who is named, lift a restriction. A restricted record's own reads (``GET`` of a threat,
intelligence report, plan) need the ``X-Access-Reason`` header; see socmap/security/reads.py."""

from __future__ import annotations

from datetime import datetime

from django.apps import apps
from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from socmap.orgs.models import Restriction, Team, User
from socmap.orgs.scoping import get_visible_or_404, permitted_restrictions
from socmap.security import services

router = Router(tags=["Restrictions"])


class RestrictionOut(Schema):
    id: int
    name: str
    organisation: str
    people: list[str]
    teams: list[str]
    created_at: datetime

    @staticmethod
    def resolve_organisation(obj):
        return obj.owner.name

    @staticmethod
    def resolve_people(obj):
        return sorted(u.username for u in obj.people.all())

    @staticmethod
    def resolve_teams(obj):
        return sorted(t.name for t in obj.teams.all())


class RecordRef(Schema):
    record_type: str  # "threats.threat" or "intel.intelligencereport"
    record_id: int


class RestrictIn(RecordRef):
    name: str
    reason: str
    people: list[str] = []
    teams: list[int] = []


class ChangeIn(Schema):
    reason: str
    people: list[str] = []
    teams: list[int] = []


class LiftIn(RecordRef):
    reason: str


def _record(request, ref: RecordRef):
    try:
        model = apps.get_model(ref.record_type)
    except (LookupError, ValueError) as unknown:
        raise Http404("No such record.") from unknown
    if not services.restrictable(model):
        raise Http404("No such record.")
    return get_visible_or_404(request.user, model, pk=ref.record_id)


def _people(usernames: list[str]) -> list[User]:
    from socmap.errors import InvalidInput

    found = {u.username.lower(): u for u in User.objects.filter(username__in=usernames)}
    missing = [n for n in usernames if n.lower() not in found]
    if missing:
        raise InvalidInput({"people": [f"No such user: {', '.join(missing[:10])}."]})
    return list(found.values())


def _teams(ids: list[int]) -> list[Team]:
    from socmap.errors import InvalidInput

    found = list(Team.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise InvalidInput({"teams": ["No such team."]})
    return found


def _restrictions_for(user):
    managed = (
        Restriction.objects.filter(owner_id=user.organisation_id)
        if user.has_role("administrator")
        else Restriction.objects.none()
    )
    inside = Restriction.objects.filter(pk__in=permitted_restrictions(user))
    return (inside | managed).distinct().select_related("owner").prefetch_related("people", "teams")


@router.get("/restrictions", response=list[RestrictionOut], summary="Restrictions you are in")
@paginate(PageNumberPagination, page_size=50)
def list_restrictions(request):
    return _restrictions_for(request.user)


@router.post("/restrictions", response={201: RestrictionOut}, summary="Restrict a record")
def restrict(request, payload: RestrictIn):
    record = _record(request, payload)
    restriction = services.restrict_record(
        actor=request.user,
        record=record,
        name=payload.name,
        reason=payload.reason,
        people=_people(payload.people),
        teams=_teams(payload.teams),
    )
    return Status(201, restriction)


@router.put(
    "/restrictions/{int:restriction_id}", response=RestrictionOut, summary="Change who is named"
)
def change(request, restriction_id: int, payload: ChangeIn):
    restriction = _restrictions_for(request.user).filter(pk=restriction_id).first()
    if restriction is None:
        raise Http404("No restriction found.")
    return services.change_restriction(
        actor=request.user,
        restriction=restriction,
        reason=payload.reason,
        people=_people(payload.people),
        teams=_teams(payload.teams),
    )


@router.post("/restrictions/lift", response={204: None}, summary="Lift a record's restriction")
def lift(request, payload: LiftIn):
    record = _record(request, payload)
    services.lift_restriction(actor=request.user, record=record, reason=payload.reason)
    return Status(204, None)
