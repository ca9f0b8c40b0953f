"""API for local profiles and the control strategy. Thin: parse, call a selector or a service.
A record outside the user's scope answers 404; an edit based on an older version answers 409
and changes nothing."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema
from ninja import Status as Reply
from ninja.pagination import PageNumberPagination, paginate

from socmap.errors import InvalidInput
from socmap.orgs.models import LocalArea, Organisation, Region
from socmap.orgs.scoping import get_visible_or_404
from socmap.orgs.services import share_record
from socmap.profiles import exports, selectors, services
from socmap.profiles.models import Priority

router = Router(tags=["Local profiles and control strategy"])


class ProfileOut(Schema):
    id: int
    reference: str
    title: str
    area_kind: str
    area: str
    owner: str
    period_start: date
    period_end: date
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_area(obj):
        return obj.area_name

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.slug


class EditionOut(Schema):
    profile: ProfileOut
    version: int
    edition: str
    marking: str
    saved_at: datetime
    saved_by: str
    figures: dict
    sections: list[dict]
    withheld: list[str]


class VersionOut(Schema):
    number: int
    note: str
    regenerated: bool
    created_at: datetime
    created_by: str

    @staticmethod
    def resolve_created_by(obj):
        return obj.created_by.username if obj.created_by else "system"


class ProfileIn(Schema):
    area_kind: str
    force: str = ""
    local_area: int | None = None
    region: str = ""
    title: str = ""
    period_start: date | None = None
    period_end: date | None = None
    sections: dict[str, str] | None = None


class EditIn(Schema):
    version: int
    sections: dict[str, str] | None = None
    title: str | None = None
    note: str = ""


class RegenerateIn(Schema):
    version: int
    period_start: date | None = None
    period_end: date | None = None


class ShareIn(Schema):
    organisation: str
    conditions: str = ""


class ConflictOut(Schema):
    detail: str
    errors: dict[str, list[str]]


def _edition_out(edition) -> dict:
    v = edition.version
    return {
        "profile": edition.profile,
        "version": v.number,
        "edition": edition.edition,
        "marking": edition.marking,
        "saved_at": v.created_at,
        "saved_by": v.created_by.username if v.created_by else "system",
        "figures": edition.figures,
        "sections": edition.sections,
        "withheld": edition.withheld,
    }


@router.get("/", response=list[ProfileOut], summary="Local profiles you may see")
@paginate(PageNumberPagination, page_size=50)
def list_profiles(request, q: str = ""):
    return selectors.profile_list(request.user, search=q)


@router.post("/", response={201: ProfileOut}, summary="Generate a local profile (version 1)")
def create_profile(request, payload: ProfileIn):
    force = Organisation.objects.filter(slug=payload.force).first() if payload.force else None
    if payload.force and force is None:
        raise InvalidInput({"force": [f"There is no force '{payload.force}'."]})
    area = LocalArea.objects.filter(pk=payload.local_area).first() if payload.local_area else None
    if payload.local_area and area is None:
        raise InvalidInput({"local_area": [f"There is no local area {payload.local_area}."]})
    region = Region.objects.filter(slug=payload.region).first() if payload.region else None
    if payload.region and region is None:
        raise InvalidInput({"region": [f"There is no region '{payload.region}'."]})
    profile = services.create_profile(
        actor=request.user,
        area_kind=payload.area_kind,
        force=force,
        local_area=area,
        region=region,
        title=payload.title,
        period_start=payload.period_start,
        period_end=payload.period_end,
        sections=payload.sections,
    )
    return Reply(201, profile)


@router.get("/{int:profile_id}", response=EditionOut, summary="A profile as you may read it")
def read_profile(request, profile_id: int, version: int | None = None, edition: str = ""):
    profile = selectors.profile_detail(request.user, profile_id)
    return _edition_out(selectors.edition(request.user, profile, version, requested=edition))


@router.get("/{int:profile_id}/versions", response=list[VersionOut], summary="Every version")
def list_versions(request, profile_id: int):
    profile = selectors.profile_detail(request.user, profile_id)
    return list(selectors.versions_of(request.user, profile).order_by("-number"))


@router.get("/{int:profile_id}/versions/{int:number}/diff", summary="What a version changed")
def version_diff(request, profile_id: int, number: int):
    profile = selectors.profile_detail(request.user, profile_id)
    diff = selectors.version_diff(request.user, profile, number)
    return {
        "version": number,
        "previous": diff["previous"].number if diff["previous"] else None,
        "figures_changed": diff["figures_changed"],
        "changes": diff["changes"],
    }


@router.post(
    "/{int:profile_id}/edit",
    response={200: VersionOut, 409: ConflictOut},
    summary="Save edited sections as a new version (409 if someone saved first)",
)
def edit_profile(request, profile_id: int, payload: EditIn):
    profile = selectors.profile_detail(request.user, profile_id)
    try:
        version = services.edit_profile(
            actor=request.user,
            profile=profile,
            base_version=payload.version,
            sections=payload.sections,
            title=payload.title,
            note=payload.note,
        )
    except services.EditConflict as conflict:
        return Reply(409, {"detail": conflict.summary(), "errors": conflict.field_errors})
    return Reply(200, version)


@router.post(
    "/{int:profile_id}/regenerate",
    response={200: VersionOut, 409: ConflictOut},
    summary="Draw the figures again: a new version",
)
def regenerate_profile(request, profile_id: int, payload: RegenerateIn):
    profile = selectors.profile_detail(request.user, profile_id)
    try:
        version = services.regenerate_profile(
            actor=request.user,
            profile=profile,
            base_version=payload.version,
            period_start=payload.period_start,
            period_end=payload.period_end,
        )
    except services.EditConflict as conflict:
        return Reply(409, {"detail": conflict.summary(), "errors": conflict.field_errors})
    return Reply(200, version)


@router.get("/{int:profile_id}/export", summary="The profile as PDF or DOCX")
def export_profile(
    request, profile_id: int, format: str = "pdf", version: int | None = None, edition: str = ""
):
    profile = selectors.profile_detail(request.user, profile_id)
    chosen = selectors.edition(request.user, profile, version, requested=edition)
    return exports.download(chosen, format)


@router.post("/{int:profile_id}/share", response={201: dict}, summary="Share with a partner")
def share_profile(request, profile_id: int, payload: ShareIn):
    profile = selectors.profile_detail(request.user, profile_id)
    organisation = Organisation.objects.filter(slug=payload.organisation).first()
    if organisation is None:
        raise InvalidInput(
            {"organisation": [f"There is no organisation '{payload.organisation}'."]}
        )
    share = share_record(
        actor=request.user, record=profile, organisation=organisation, conditions=payload.conditions
    )
    return Reply(201, {"id": share.pk, "organisation": organisation.slug})


# --------------------------------------------------------------------------- control strategy


class PriorityOut(Schema):
    id: int
    kind: str
    subject: str
    crime_type: str | None
    local_area: int | None
    force_area: str | None
    threat: int | None
    rationale: str
    added_on: date
    removed_on: date | None
    removal_reason: str

    @staticmethod
    def resolve_crime_type(obj):
        return obj.crime_type_id

    @staticmethod
    def resolve_local_area(obj):
        return obj.local_area_id

    @staticmethod
    def resolve_force_area(obj):
        return obj.force_area.slug if obj.force_area_id else None

    @staticmethod
    def resolve_threat(obj):
        return None if getattr(obj, "threat_hidden", False) else obj.threat_id

    @staticmethod
    def resolve_subject(obj):
        return (
            "(a threat you cannot see)"
            if getattr(obj, "threat_hidden", False)
            else (obj.subject_name)
        )


class AssessmentOut(Schema):
    id: int
    reference: str
    owner: str
    year: int
    title: str
    summary: str
    intelligence_requirement: str
    approved_on: date
    review_due: date
    review_state: str
    reviewed_on: date | None

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.slug

    @staticmethod
    def resolve_review_state(obj):
        return getattr(obj, "review_state", "")

    @staticmethod
    def resolve_reviewed_on(obj):
        last = getattr(obj, "last_review", None)
        return last.reviewed_on if last else None


class AssessmentDetailOut(AssessmentOut):
    priorities: list[PriorityOut]

    @staticmethod
    def resolve_priorities(obj):
        return obj.visible_priorities


class AssessmentIn(Schema):
    owner: str = ""
    year: int
    approved_on: date
    title: str = ""
    summary: str = ""
    intelligence_requirement: str = ""


class AssessmentChangeIn(Schema):
    title: str | None = None
    summary: str | None = None
    intelligence_requirement: str | None = None
    reason: str = ""


class PriorityIn(Schema):
    kind: str
    crime_type: str = ""
    local_area: int | None = None
    force_area: str = ""
    threat: int | None = None
    rationale: str = ""
    added_on: date | None = None


class PriorityEndIn(Schema):
    removed_on: date | None = None
    reason: str


class ReviewIn(Schema):
    reviewed_on: date | None = None
    summary: str
    changes: str = ""


class RelationOut(Schema):
    kind: str
    strategy: str
    label: str
    text: str


def _detail(request, assessment):
    priorities = list(selectors.priorities_of(request.user, assessment))
    for p in priorities:
        p.threat_hidden = not selectors.named_threat_visible(request.user, p)
    assessment.visible_priorities = priorities
    return assessment


@router.get("/strategy", response=list[AssessmentOut], summary="Strategic assessments")
@paginate(PageNumberPagination, page_size=50)
def list_assessments(request, year: int | None = None, owner: str = ""):
    return selectors.with_review_state(
        selectors.assessment_list(request.user, year=year, owner=owner)
    )


@router.post("/strategy", response={201: AssessmentDetailOut}, summary="Record one")
def create_assessment(request, payload: AssessmentIn):
    owner = None
    if payload.owner:
        owner = Organisation.objects.filter(slug=payload.owner).first()
        if owner is None:
            raise InvalidInput({"owner": [f"There is no organisation '{payload.owner}'."]})
    assessment = services.record_assessment(
        actor=request.user,
        owner=owner,
        year=payload.year,
        approved_on=payload.approved_on,
        title=payload.title,
        summary=payload.summary,
        intelligence_requirement=payload.intelligence_requirement,
    )
    return Reply(201, _detail(request, selectors.assessment_detail(request.user, assessment.pk)))


@router.get("/strategy/reviews-due", response=list[AssessmentOut], summary="Reviews due")
def reviews_due(request):
    return selectors.with_review_state(selectors.reviews_due(request.user))


@router.get("/strategy/{int:assessment_id}", response=AssessmentDetailOut, summary="One")
def read_assessment(request, assessment_id: int):
    return _detail(request, selectors.assessment_detail(request.user, assessment_id))


@router.patch("/strategy/{int:assessment_id}", response=AssessmentDetailOut, summary="Change")
def change_assessment(request, assessment_id: int, payload: AssessmentChangeIn):
    assessment = selectors.assessment_detail(request.user, assessment_id)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    services.update_assessment(actor=request.user, assessment=assessment, reason=reason, **changes)
    return _detail(request, selectors.assessment_detail(request.user, assessment_id))


@router.post(
    "/strategy/{int:assessment_id}/priorities",
    response={201: PriorityOut},
    summary="Add a priority",
)
def add_priority(request, assessment_id: int, payload: PriorityIn):
    from socmap.threats.models import CrimeType, Threat

    assessment = selectors.assessment_detail(request.user, assessment_id)
    crime_type = (
        CrimeType.objects.filter(pk=payload.crime_type).first() if payload.crime_type else None
    )
    if payload.crime_type and crime_type is None:
        raise InvalidInput({"crime_type": [f"There is no crime type '{payload.crime_type}'."]})
    area = LocalArea.objects.filter(pk=payload.local_area).first() if payload.local_area else None
    if payload.local_area and area is None:
        raise InvalidInput({"local_area": [f"There is no local area {payload.local_area}."]})
    force = (
        Organisation.objects.filter(slug=payload.force_area).first() if payload.force_area else None
    )
    if payload.force_area and force is None:
        raise InvalidInput({"force_area": [f"There is no force '{payload.force_area}'."]})
    threat = None
    if payload.threat:
        threat = Threat.objects.filter(pk=payload.threat).first()
    priority = services.add_priority(
        actor=request.user,
        assessment=assessment,
        kind=payload.kind,
        crime_type=crime_type,
        local_area=area,
        force_area=force,
        threat=threat,
        rationale=payload.rationale,
        added_on=payload.added_on,
    )
    return Reply(201, priority)


@router.post(
    "/strategy/priorities/{int:priority_id}/end", response=PriorityOut, summary="End a priority"
)
def end_priority(request, priority_id: int, payload: PriorityEndIn):
    priority = get_visible_or_404(
        request.user,
        Priority.objects.select_related("assessment__owner", "crime_type", "threat"),
        pk=priority_id,
    )
    return services.remove_priority(
        actor=request.user, priority=priority, removed_on=payload.removed_on, reason=payload.reason
    )


@router.post(
    "/strategy/{int:assessment_id}/review",
    response={201: AssessmentDetailOut},
    summary="Record the six-month review",
)
def record_review(request, assessment_id: int, payload: ReviewIn):
    assessment = selectors.assessment_detail(request.user, assessment_id)
    services.record_review(
        actor=request.user,
        assessment=assessment,
        reviewed_on=payload.reviewed_on,
        summary=payload.summary,
        changes=payload.changes,
    )
    return Reply(201, _detail(request, selectors.assessment_detail(request.user, assessment_id)))


@router.get(
    "/strategy/threats/{int:threat_id}",
    response=list[RelationOut],
    summary="How a threat relates to the control strategies you may see",
)
def threat_relations(request, threat_id: int):
    from socmap.threats.selectors import threat_detail

    threat = threat_detail(request.user, threat_id)
    relations = selectors.control_strategy_links(request.user, [threat]).get(threat.pk, [])
    return [
        {"kind": r.kind, "strategy": r.strategy, "label": r.label, "text": r.text}
        for r in relations
    ]
