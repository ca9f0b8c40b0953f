"""API for nominals (people): search and list, record, read, change, and add aliases,
identifiers, addresses and associations. Thin: parse, call a selector or a service.
A person outside the user's scope answers 404."""

import json
from datetime import date, datetime

from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import PageNumberPagination, paginate

from socmap.errors import InvalidInput
from socmap.orgs.models import Organisation, OrganisationKind
from socmap.people import selectors, services
from socmap.people.models import Nominal

router = Router(tags=["People"])


# --------------------------------------------------------------------------- schemas


class NominalOut(Schema):
    id: int
    surname: str
    forenames: str
    date_of_birth: date | None
    gender: str
    nationality: str
    pnc_id: str
    flags: list[str]
    owner: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.slug

    @staticmethod
    def resolve_flags(obj):
        return [flag for flag in selectors.FLAGS if getattr(obj, flag)]


class AliasOut(Schema):
    id: int
    name: str
    kind: str


class IdentifierOut(Schema):
    id: int
    kind: str
    value: str


class AddressOut(Schema):
    id: int
    line: str
    town: str
    postcode: str
    force: str | None
    local_area: str
    from_date: date | None
    to_date: date | None

    @staticmethod
    def resolve_force(obj):
        return obj.force.slug if obj.force else None


class AssociationOut(Schema):
    id: int
    source: int
    target: int
    kind: str
    notes: str
    from_date: date | None
    to_date: date | None

    @staticmethod
    def resolve_source(obj):
        return obj.source_id

    @staticmethod
    def resolve_target(obj):
        return obj.target_id


class LinkedPersonOut(Schema):
    """An association read from the person whose record it is on."""

    association: int
    label: str
    kind: str
    direction: str
    other: NominalOut
    notes: str
    from_date: date | None
    to_date: date | None

    @staticmethod
    def resolve_association(obj):
        return obj.association.pk

    @staticmethod
    def resolve_kind(obj):
        return obj.association.kind

    @staticmethod
    def resolve_direction(obj):
        return "outgoing" if obj.outgoing else "incoming"

    @staticmethod
    def resolve_notes(obj):
        return obj.association.notes

    @staticmethod
    def resolve_from_date(obj):
        return obj.association.from_date

    @staticmethod
    def resolve_to_date(obj):
        return obj.association.to_date


class MembershipOut(Schema):
    threat: int
    reference: str
    name: str
    role: str
    joined_on: date | None
    left_on: date | None

    @staticmethod
    def resolve_threat(obj):
        return obj.threat_id

    @staticmethod
    def resolve_reference(obj):
        return obj.threat.reference

    @staticmethod
    def resolve_name(obj):
        return obj.threat.name


class ThreatRefOut(Schema):
    id: int
    reference: str
    name: str
    kind: str
    status: str


class NominalDetailOut(NominalOut):
    """One person, with only the associates, groups and threats the user may see."""

    notes: str
    aliases: list[AliasOut]
    identifiers: list[IdentifierOut]
    addresses: list[AddressOut]
    associations: list[LinkedPersonOut]
    memberships: list[MembershipOut]
    threats_as_subject: list[ThreatRefOut]

    @staticmethod
    def resolve_aliases(obj):
        return list(obj.aliases.all())

    @staticmethod
    def resolve_identifiers(obj):
        return list(obj.identifiers.all())

    @staticmethod
    def resolve_addresses(obj):
        return list(obj.addresses.all())

    @staticmethod
    def resolve_associations(obj):
        return obj.linked_people

    @staticmethod
    def resolve_memberships(obj):
        return obj.visible_memberships

    @staticmethod
    def resolve_threats_as_subject(obj):
        return obj.visible_threats_as_subject


class NominalIn(Schema):
    surname: str
    forenames: str = ""
    date_of_birth: str | None = None
    gender: str = "unknown"
    nationality: str = ""
    pnc_id: str = ""
    foreign_national: bool = False
    iom: bool = False
    mappa: bool = False
    vulnerable: bool = False
    notes: str = ""
    aliases: list[str] = []
    owner: str | None = None


class NominalPatch(Schema):
    surname: str | None = None
    forenames: str | None = None
    date_of_birth: str | None = None
    gender: str | None = None
    nationality: str | None = None
    pnc_id: str | None = None
    foreign_national: bool | None = None
    iom: bool | None = None
    mappa: bool | None = None
    vulnerable: bool | None = None
    notes: str | None = None
    reason: str = ""


class AliasIn(Schema):
    name: str
    kind: str = "alias"


class IdentifierIn(Schema):
    kind: str
    value: str


class AddressIn(Schema):
    line: str
    town: str = ""
    postcode: str = ""
    force: str | None = None
    local_area: str = ""
    from_date: str | None = None
    to_date: str | None = None


class AssociationIn(Schema):
    other: int
    kind: str
    direction: str = "outgoing"
    notes: str = ""
    from_date: str | None = None
    to_date: str | None = None


# --------------------------------------------------------------------------- helpers


def _date(field: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as bad:
        raise InvalidInput({field: [f"'{value}' is not a date (use YYYY-MM-DD)."]}) from bad


def _nominal(request, nominal_id: int) -> Nominal:
    """The person with everything NominalDetailOut shows (404 outside the user's scope)."""
    return selectors.nominal_detail(request.user, nominal_id)


# --------------------------------------------------------------------------- routes


@router.get("/nominals", response=list[NominalOut], summary="People you may see, searched")
@paginate(PageNumberPagination, page_size=50)
def list_nominals(
    request,
    search: str = "",
    flags: list[str] = Query(None),
    owner: str = "",
    sort: str = "name",
):
    if sort.lstrip("-") not in selectors.NOMINAL_SORTS:
        raise InvalidInput(
            {"sort": [f"Sort by one of {', '.join(selectors.NOMINAL_SORTS)} (- for descending)."]}
        )
    people = selectors.nominals_visible_to(request.user, search=search, flags=flags, owner=owner)
    return selectors.order_nominals(people, sort)


@router.post("/nominals", response={201: NominalDetailOut}, summary="Record a person")
def create_nominal(request, payload: NominalIn):
    data = payload.dict()
    owner_slug = data.pop("owner")
    owner = None
    if owner_slug:
        owner = (
            Organisation.objects.filter(slug=owner_slug)
            .exclude(kind=OrganisationKind.PARTNER)
            .first()
        )
        if owner is None:
            raise InvalidInput({"owner": [f"'{owner_slug}' is not a force, ROCU or agency."]})
    nominal = services.record_nominal(
        actor=request.user, owner=owner, aliases=data.pop("aliases"), **data
    )
    return Reply(201, _nominal(request, nominal.pk))


@router.get("/nominals/{int:nominal_id}", response=NominalDetailOut, summary="One person")
def get_nominal(request, nominal_id: int):
    from socmap.security.reads import guard_api_read

    nominal = _nominal(request, nominal_id)
    guard_api_read(request, nominal)
    return nominal


@router.patch(
    "/nominals/{int:nominal_id}", response=NominalDetailOut, summary="Change a person's details"
)
def update_nominal(request, nominal_id: int, payload: NominalPatch):
    nominal = _nominal(request, nominal_id)
    fields = payload.dict(exclude_unset=True)
    reason = fields.pop("reason", "")
    services.update_nominal(actor=request.user, nominal=nominal, reason=reason, **fields)
    return _nominal(request, nominal_id)


@router.post("/nominals/{int:nominal_id}/aliases", response={201: AliasOut}, summary="Add an alias")
def add_alias(request, nominal_id: int, payload: AliasIn):
    nominal = _nominal(request, nominal_id)
    alias = services.add_alias(actor=request.user, nominal=nominal, **payload.dict())
    return Reply(201, alias)


@router.post(
    "/nominals/{int:nominal_id}/identifiers",
    response={201: IdentifierOut},
    summary="Add an identifier (passport, phone, vehicle...)",
)
def add_identifier(request, nominal_id: int, payload: IdentifierIn):
    nominal = _nominal(request, nominal_id)
    identifier = services.add_identifier(actor=request.user, nominal=nominal, **payload.dict())
    return Reply(201, identifier)


@router.post(
    "/nominals/{int:nominal_id}/addresses", response={201: AddressOut}, summary="Add an address"
)
def add_address(request, nominal_id: int, payload: AddressIn):
    nominal = _nominal(request, nominal_id)
    data = payload.dict()
    force = None
    if data["force"]:
        force = Organisation.objects.filter(slug=data["force"], kind=OrganisationKind.FORCE).first()
        if force is None:
            raise InvalidInput({"force": [f"'{data['force']}' is not a force."]})
    address = services.add_address(
        actor=request.user,
        nominal=nominal,
        line=data["line"],
        town=data["town"],
        postcode=data["postcode"],
        force=force,
        local_area=data["local_area"],
        from_date=_date("from_date", data["from_date"]),
        to_date=_date("to_date", data["to_date"]),
    )
    return Reply(201, address)


@router.post(
    "/nominals/{int:nominal_id}/associations",
    response={201: AssociationOut},
    summary="Link this person to another: 'outgoing' reads this person → other ('A supplies B')",
)
def add_association(request, nominal_id: int, payload: AssociationIn):
    nominal = _nominal(request, nominal_id)
    if payload.direction not in ("outgoing", "incoming"):
        raise InvalidInput({"direction": ["Choose 'outgoing' or 'incoming'."]})
    other = selectors.visible_nominal(request.user, payload.other)
    if other is None:
        raise InvalidInput(
            {"other": [f"There is no person with id {payload.other} that you can see."]}
        )
    outgoing = payload.direction == "outgoing"
    association = services.link_people(
        actor=request.user,
        source=nominal if outgoing else other,
        target=other if outgoing else nominal,
        kind=payload.kind,
        notes=payload.notes,
        from_date=_date("from_date", payload.from_date),
        to_date=_date("to_date", payload.to_date),
    )
    return Reply(201, association)


@router.delete(
    "/associations/{int:association_id}",
    response={204: None},
    summary="Remove an association; give the reason as ?reason=... or in a JSON body",
)
def remove_association(request, association_id: int, reason: str = ""):
    association = selectors.visible_association(request.user, association_id)
    if not reason and request.body:
        try:
            body = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as bad:
            raise InvalidInput({"reason": ['Send the reason as JSON: {"reason": "..."}.']}) from bad
        if isinstance(body, dict):
            reason = str(body.get("reason") or "")
    services.unlink_people(actor=request.user, association=association, reason=reason)
    return Reply(204, None)


# --------------------------------------------------------------------------- merges, duplicates


class PersonRef(Schema):
    id: int
    name: str
    date_of_birth: date | None
    owner: str


def _ref(nominal: Nominal) -> dict:
    return {
        "id": nominal.pk,
        "name": str(nominal),
        "date_of_birth": nominal.date_of_birth,
        "owner": nominal.owner.slug,
    }


class MergeOut(Schema):
    id: int
    duplicate: PersonRef
    survivor: PersonRef
    reason: str
    dates_of_birth_differ: bool
    merged_at: datetime
    merged_by: str | None
    undone_at: datetime | None
    undone_by: str | None
    undo_reason: str
    candidate: int | None

    @staticmethod
    def resolve_duplicate(obj):
        return _ref(obj.duplicate)

    @staticmethod
    def resolve_survivor(obj):
        return _ref(obj.survivor)

    @staticmethod
    def resolve_merged_by(obj):
        return obj.merged_by.username if obj.merged_by else None

    @staticmethod
    def resolve_undone_by(obj):
        return obj.undone_by.username if obj.undone_by else None

    @staticmethod
    def resolve_candidate(obj):
        return obj.candidate_id


class MergeIn(Schema):
    survivor: int
    reason: str
    confirm_different_dates_of_birth: bool = False


class ReasonIn(Schema):
    reason: str


class CandidateOut(Schema):
    id: int
    left: PersonRef
    right: PersonRef
    match_weight: float
    match_probability: float
    levels: dict
    status: str
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str
    run: int

    @staticmethod
    def resolve_left(obj):
        return _ref(obj.left)

    @staticmethod
    def resolve_right(obj):
        return _ref(obj.right)

    @staticmethod
    def resolve_decided_by(obj):
        return obj.decided_by.username if obj.decided_by else None

    @staticmethod
    def resolve_run(obj):
        return obj.run_id


class ConfirmIn(Schema):
    reason: str
    keep: str = "left"
    confirm_different_dates_of_birth: bool = False


class FindIn(Schema):
    threshold: float = 0.9


class RunOut(Schema):
    id: int
    started_at: datetime
    scope: str
    records: int
    comparisons: int
    pairs_found: int
    new_candidates: int
    threshold: float
    seconds: float
    trained: bool
    prior: float
    parameters: list
    notes: list


def _visible_or_invalid(request, field: str, nominal_id: int) -> Nominal:
    nominal = selectors.visible_nominal(request.user, nominal_id)
    if nominal is None:
        raise InvalidInput({field: [f"There is no person with id {nominal_id} you can see."]})
    return nominal


@router.post(
    "/nominals/{int:nominal_id}/merge",
    response={201: MergeOut},
    summary="Merge this person into another record of the same person (both are kept)",
)
def merge_nominal(request, nominal_id: int, payload: MergeIn):
    duplicate = _nominal(request, nominal_id)
    survivor = _visible_or_invalid(request, "survivor", payload.survivor)
    merge = services.merge_people(
        actor=request.user,
        duplicate=duplicate,
        survivor=survivor,
        reason=payload.reason,
        confirm_different_dates_of_birth=payload.confirm_different_dates_of_birth,
    )
    return Reply(201, selectors.visible_merge(request.user, merge.pk))


@router.get("/merges", response=list[MergeOut], summary="Merges between people you may see")
@paginate(PageNumberPagination, page_size=50)
def list_merges(request, current: bool | None = None):
    merges = selectors.merges_visible_to(request.user)
    if current is not None:
        merges = merges.filter(undone_at__isnull=current)
    return merges


@router.post("/merges/{int:merge_id}/undo", response=MergeOut, summary="Undo a merge")
def undo_merge(request, merge_id: int, payload: ReasonIn):
    merge = selectors.visible_merge(request.user, merge_id)
    services.unmerge_people(actor=request.user, merge=merge, reason=payload.reason)
    return selectors.visible_merge(request.user, merge_id)


@router.get(
    "/duplicates", response=list[CandidateOut], summary="Possible duplicate pairs (review queue)"
)
@paginate(PageNumberPagination, page_size=50)
def list_duplicates(request, status: str = "pending", cross_force_only: bool = False):
    from socmap.people.models import CandidateStatus

    if status not in CandidateStatus.values and status != "all":
        raise InvalidInput(
            {"status": [f"Choose one of {', '.join(CandidateStatus.values)} or all."]}
        )
    return selectors.candidates_visible_to(
        request.user, status="" if status == "all" else status, cross_force_only=cross_force_only
    )


@router.get("/duplicates/{int:pair_id}", response=CandidateOut, summary="One possible pair")
def get_duplicate(request, pair_id: int):
    return selectors.visible_candidate(request.user, pair_id)


@router.post(
    "/duplicates/{int:pair_id}/confirm",
    response={201: MergeOut},
    summary="Confirm a pair is one person: merge (keep 'left' or 'right' as the survivor)",
)
def confirm_duplicate(request, pair_id: int, payload: ConfirmIn):
    candidate = selectors.visible_candidate(request.user, pair_id)
    if payload.keep not in ("left", "right"):
        raise InvalidInput({"keep": ["Choose 'left' or 'right'."]})
    merge = services.confirm_candidate(
        actor=request.user,
        candidate=candidate,
        reason=payload.reason,
        survivor=candidate.left if payload.keep == "left" else candidate.right,
        confirm_different_dates_of_birth=payload.confirm_different_dates_of_birth,
    )
    return Reply(201, selectors.visible_merge(request.user, merge.pk))


@router.post(
    "/duplicates/{int:pair_id}/reject",
    response=CandidateOut,
    summary="Reject a pair: different people",
)
def reject_duplicate(request, pair_id: int, payload: ReasonIn):
    candidate = selectors.visible_candidate(request.user, pair_id)
    services.reject_candidate(actor=request.user, candidate=candidate, reason=payload.reason)
    return selectors.visible_candidate(request.user, pair_id)


@router.post(
    "/duplicates/find",
    response={201: RunOut},
    summary="Run the record linkage over the people you may see",
)
def find_duplicates(request, payload: FindIn):
    run = services.find_duplicates(actor=request.user, threshold=payload.threshold)
    return Reply(201, run)
