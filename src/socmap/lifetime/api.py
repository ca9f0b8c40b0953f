"""API for lifetime management: order types, orders and their court decisions, variations,
discharges, breaches and conditions, custody and release, the alerts, and "consider an order"
decisions. Thin: parse, call a selector or a service. Records outside scope answer 404."""

from datetime import date

from django.utils import timezone
from ninja import Router, Schema
from ninja import Status as Reply
from ninja.pagination import PageNumberPagination, paginate

from socmap.errors import InvalidInput
from socmap.lifetime import exports, rules, selectors, services
from socmap.lifetime.models import Applicant, BreachOutcome, OrderType
from socmap.lifetime.services import ConditionInput
from socmap.orgs.models import Organisation
from socmap.orgs.scoping import get_visible_or_404, visible_to
from socmap.people.models import Nominal
from socmap.threats.selectors import threats_visible_to

router = Router(tags=["Lifetime management"])


# --------------------------------------------------------------------------- schemas


class OrderTypeOut(Schema):
    code: str
    name: str
    short_name: str
    statute: str
    subject: str
    duration: str
    min_months: int | None
    max_months: int | None
    indefinite: bool
    time_limited: bool
    minimum_age: int | None
    applicants: list[str]
    start_on_release: str
    min_custodial_months: int | None
    new_applications: bool
    simplified: str

    @staticmethod
    def resolve_duration(obj):
        return obj.duration_text

    @staticmethod
    def resolve_applicants(obj):
        return [a.code for a in obj.applicants.all()]


class ConditionIn(Schema):
    kind: str
    wording: str
    details: dict[str, str] = {}
    associate: int | None = None


class ConditionOut(Schema):
    id: int
    kind: str
    wording: str
    details: dict
    associate: int | None
    added_on: date
    removed_on: date | None

    @staticmethod
    def resolve_associate(obj):
        return obj.associate_id

    @staticmethod
    def resolve_added_on(obj):
        return obj.added_in.on

    @staticmethod
    def resolve_removed_on(obj):
        return obj.removed_in.on if obj.removed_in_id else None


class EventOut(Schema):
    action: str
    on: date
    from_status: str
    to_status: str
    note: str
    changes: dict
    by: str | None

    @staticmethod
    def resolve_by(obj):
        return obj.by.username if obj.by else None


class BreachOut(Schema):
    id: int
    reference: str
    order: str
    occurred_on: date
    description: str
    outcome: str
    enforcement_action: bool
    disruption: str | None

    @staticmethod
    def resolve_order(obj):
        return obj.order.reference

    @staticmethod
    def resolve_outcome(obj):
        return obj.outcome_id

    @staticmethod
    def resolve_enforcement_action(obj):
        return obj.outcome.action

    @staticmethod
    def resolve_disruption(obj):
        return f"DIS-{obj.disruption_id:06d}" if obj.disruption_id else None


class OrderOut(Schema):
    id: int
    reference: str
    person_id: int
    order_type: str
    status: str
    state: str
    applicant: str
    court: str
    court_reference: str
    owner: str
    threat: str | None
    applied_on: date | None
    decided_on: date | None
    starts_on_release: bool
    starts_on: date | None
    start_is_provisional: bool
    duration_months: int | None
    until_further_order: bool
    ends_on: date | None
    ended_on: date | None

    @staticmethod
    def resolve_person_id(obj):
        return obj.nominal_id

    @staticmethod
    def resolve_order_type(obj):
        return obj.order_type_id

    @staticmethod
    def resolve_state(obj):
        return obj.state(timezone.localdate())

    @staticmethod
    def resolve_applicant(obj):
        return obj.applicant_id

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.slug

    @staticmethod
    def resolve_threat(obj):
        return obj.threat.reference if obj.threat_id else None


class OrderDetailOut(OrderOut):
    notes: str
    conditions: list[ConditionOut]
    history: list[EventOut]
    breaches: list[BreachOut]

    @staticmethod
    def resolve_conditions(obj):
        return list(obj.conditions.select_related("added_in", "removed_in"))

    @staticmethod
    def resolve_history(obj):
        return list(obj.events.select_related("by"))

    @staticmethod
    def resolve_breaches(obj):
        return list(obj.breaches.select_related("outcome"))


class OrderIn(Schema):
    nominal: int
    order_type: str
    applicant: str
    status: str = "granted"
    applied_on: date | None = None
    decided_on: date | None = None
    owner: str | None = None
    court: str = ""
    court_reference: str = ""
    threat: str | None = None
    starts_on_release: bool = False
    start_on: date | None = None
    duration_months: int | None = None
    ends_on: date | None = None
    until_further_order: bool = False
    conditions: list[ConditionIn] = []
    notes: str = ""


class GrantIn(Schema):
    decided_on: date
    court: str = ""
    starts_on_release: bool = False
    start_on: date | None = None
    duration_months: int | None = None
    ends_on: date | None = None
    until_further_order: bool = False
    conditions: list[ConditionIn] = []
    note: str = ""


class RefuseIn(Schema):
    decided_on: date
    reason: str


class VaryIn(Schema):
    varied_on: date
    reason: str
    duration_months: int | None = None
    ends_on: date | None = None
    until_further_order: bool | None = None
    add_conditions: list[ConditionIn] = []
    remove_conditions: list[int] = []


class DischargeIn(Schema):
    discharged_on: date
    reason: str


class BreachIn(Schema):
    occurred_on: date
    description: str
    outcome: str
    conditions: list[int] = []
    record_as_disruption: bool = False
    threats: list[str] = []


class DisruptionIn(Schema):
    threats: list[str] = []


class DisruptionOut(Schema):
    id: int
    reference: str
    tactic: str
    status: str

    @staticmethod
    def resolve_tactic(obj):
        return obj.tactic_id


class CustodyOut(Schema):
    id: int
    reference: str
    person_id: int
    custody_type: str
    establishment: str
    offence: str
    started_on: date
    sentence_months: int | None
    indeterminate: bool
    expected_release_on: date | None
    released_on: date | None
    owner: str
    notes: str

    @staticmethod
    def resolve_person_id(obj):
        return obj.nominal_id

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.slug


class CustodyIn(Schema):
    nominal: int
    custody_type: str
    started_on: date
    sentence_months: int | None = None
    indeterminate: bool = False
    establishment: str = ""
    offence: str = ""
    expected_release_on: date | None = None
    released_on: date | None = None
    notes: str = ""
    owner: str | None = None


class CustodyPatch(Schema):
    custody_type: str | None = None
    started_on: date | None = None
    sentence_months: int | None = None
    indeterminate: bool | None = None
    establishment: str | None = None
    offence: str | None = None
    expected_release_on: date | None = None
    notes: str | None = None
    reason: str = ""


class ReleaseIn(Schema):
    released_on: date
    note: str = ""


class ConsiderRowOut(Schema):
    person_id: int
    person: str
    owner: str
    threats: list[str]
    convicted_on: date
    evidence: str
    days_since: int
    last_decision: str
    last_decided_on: str
    live_orders: list[str]


class AlertsOut(Schema):
    days: int
    today: date
    releases: list[CustodyOut]
    expiring: list[OrderOut]
    past_end: list[OrderOut]
    consider: list[ConsiderRowOut]


class ConsiderIn(Schema):
    decision: str
    reason: str
    decided_on: date | None = None
    threat: str | None = None
    order_type: str | None = None
    review_on: date | None = None


class ConsiderationOut(Schema):
    id: int
    person_id: int
    decision: str
    reason: str
    decided_on: date
    order_type: str | None
    threat: str | None
    review_on: date | None
    decided_by: str | None

    @staticmethod
    def resolve_person_id(obj):
        return obj.nominal_id

    @staticmethod
    def resolve_order_type(obj):
        return obj.order_type_id

    @staticmethod
    def resolve_threat(obj):
        return obj.threat.reference if obj.threat_id else None

    @staticmethod
    def resolve_decided_by(obj):
        return obj.decided_by.username if obj.decided_by else None


class PersonOut(Schema):
    person_id: int
    name: str
    custody: list[CustodyOut]
    orders: list[OrderOut]
    considerations: list[ConsiderationOut]
    breaches: list[BreachOut]
    threats: list[str]


class ExpiredOut(Schema):
    expired: list[str]


# --------------------------------------------------------------------------- look-ups


def _nominal(request, pk: int | None, field: str) -> Nominal | None:
    if pk is None:
        return None
    found = visible_to(request.user, Nominal.objects.filter(pk=pk)).first()
    if found is None:
        raise InvalidInput({field: [f"There is no person with id {pk} that you can see."]})
    return found


def _threat(request, reference: str | None, field: str = "threat"):
    if not reference:
        return None
    digits = reference.strip().rsplit("-", 1)[-1].lstrip("0")
    threat = None
    if digits.isdigit():
        threat = threats_visible_to(request.user).filter(pk=int(digits)).first()
    if threat is None:
        raise InvalidInput({field: [f"There is no threat {reference} that you can see."]})
    return threat


def _code(model, code: str | None, field: str, label: str):
    if not code:
        return None
    found = model.objects.filter(pk=code).first()
    if found is None:
        raise InvalidInput({field: [f"'{code}' is not {label}."]})
    return found


def _owner(slug: str | None) -> Organisation | None:
    if not slug:
        return None
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise InvalidInput({"owner": [f"'{slug}' is not an organisation."]})
    return found


def _conditions(request, items: list[ConditionIn]) -> list[ConditionInput]:
    return [
        ConditionInput(
            kind=c.kind,
            wording=c.wording,
            details=c.details,
            associate=_nominal(request, c.associate, "conditions"),
        )
        for c in items
    ]


def _order(request, order_id: int):
    return selectors.order_detail(request.user, order_id)


# --------------------------------------------------------------------------- reference


@router.get("/order-types", response=list[OrderTypeOut], summary="Order types and their rules")
def list_order_types(request):
    return list(OrderType.objects.prefetch_related("applicants"))


@router.get("/applicants", response=list[dict], summary="Who may apply for orders")
def list_applicants(request):
    return [{"code": a.code, "name": a.name} for a in Applicant.objects.all()]


@router.get("/breach-outcomes", response=list[dict], summary="What may follow a breach")
def list_outcomes(request):
    return [
        {"code": o.code, "name": o.name, "enforcement_action": o.action, "tactic": o.tactic}
        for o in BreachOutcome.objects.all()
    ]


# --------------------------------------------------------------------------- alerts


@router.get(
    "/alerts",
    response=AlertsOut,
    summary="Releases and order expiries in the next N days, and convicted members of active "
    "threats with no order considered",
)
def alerts(request, days: int = rules.ALERT_DAYS_DEFAULT):
    if days < 0 or days > rules.MAX_ALERT_DAYS:
        raise InvalidInput({"days": [f"Give 0 to {rules.MAX_ALERT_DAYS} days."]})
    found = selectors.alerts(request.user, days=days)
    return AlertsOut(
        days=found.days,
        today=found.today,
        releases=list(found.releases),
        expiring=list(found.expiring),
        past_end=list(found.past_end),
        consider=[exports.consider_record(r) for r in found.consider],
    )


# --------------------------------------------------------------------------- orders


@router.get("/orders", response=list[OrderOut], summary="Orders, filtered and sorted")
@paginate(PageNumberPagination, page_size=50)
def list_orders(
    request,
    order_type: str = "",
    status: str = "",
    state: str = "",
    owner: str = "",
    ends_before: date | None = None,
    q: str = "",
    sort: str = selectors.ORDER_DEFAULT_SORT,
):
    filters = selectors.check_order_filters(
        order_type=order_type,
        status=status,
        state=state,
        owner=owner,
        ends_before=ends_before,
        search=q,
        sort=sort,
    )
    return selectors.order_list(request.user, filters)


@router.post("/orders", response={201: OrderDetailOut}, summary="Record an application or an order")
def record_order(request, payload: OrderIn):
    order = services.record_order(
        actor=request.user,
        nominal=_nominal(request, payload.nominal, "nominal"),
        order_type=_code(OrderType, payload.order_type, "order_type", "an order type code"),
        applicant=_code(Applicant, payload.applicant, "applicant", "an applicant code"),
        status=payload.status,
        applied_on=payload.applied_on,
        decided_on=payload.decided_on,
        owner=_owner(payload.owner),
        court=payload.court,
        court_reference=payload.court_reference,
        threat=_threat(request, payload.threat),
        starts_on_release=payload.starts_on_release,
        start_on=payload.start_on,
        duration_months=payload.duration_months,
        ends_on=payload.ends_on,
        until_further_order=payload.until_further_order,
        conditions=_conditions(request, payload.conditions),
        notes=payload.notes,
    )
    return Reply(201, _order(request, order.pk))


@router.post(
    "/orders/expire", response=ExpiredOut, summary="Record the expiry of orders past their last day"
)
def expire(request):
    return ExpiredOut(expired=[o.reference for o in services.expire_orders(actor=request.user)])


@router.get(
    "/orders/{int:order_id}", response=OrderDetailOut, summary="One order, with its history"
)
def get_order(request, order_id: int):
    return _order(request, order_id)


@router.post(
    "/orders/{int:order_id}/grant", response=OrderDetailOut, summary="The court granted it"
)
def grant(request, order_id: int, payload: GrantIn):
    order = _order(request, order_id)
    services.grant_order(
        actor=request.user,
        order=order,
        decided_on=payload.decided_on,
        court=payload.court,
        starts_on_release=payload.starts_on_release,
        start_on=payload.start_on,
        duration_months=payload.duration_months,
        ends_on=payload.ends_on,
        until_further_order=payload.until_further_order,
        conditions=_conditions(request, payload.conditions),
        note=payload.note,
    )
    return _order(request, order_id)


@router.post(
    "/orders/{int:order_id}/refuse", response=OrderDetailOut, summary="The court refused it"
)
def refuse(request, order_id: int, payload: RefuseIn):
    order = _order(request, order_id)
    services.refuse_order(
        actor=request.user, order=order, decided_on=payload.decided_on, reason=payload.reason
    )
    return _order(request, order_id)


@router.post("/orders/{int:order_id}/vary", response=OrderDetailOut, summary="The court varied it")
def vary(request, order_id: int, payload: VaryIn):
    order = _order(request, order_id)
    given = payload.dict(exclude_unset=True)
    duration = {
        key: given[key]
        for key in ("duration_months", "ends_on", "until_further_order")
        if key in given and given[key] is not None
    }
    services.vary_order(
        actor=request.user,
        order=order,
        varied_on=payload.varied_on,
        reason=payload.reason,
        add_conditions=_conditions(request, payload.add_conditions),
        remove_conditions=payload.remove_conditions,
        **duration,
    )
    return _order(request, order_id)


@router.post(
    "/orders/{int:order_id}/discharge", response=OrderDetailOut, summary="The court discharged it"
)
def discharge(request, order_id: int, payload: DischargeIn):
    order = _order(request, order_id)
    services.discharge_order(
        actor=request.user,
        order=order,
        discharged_on=payload.discharged_on,
        reason=payload.reason,
    )
    return _order(request, order_id)


@router.post(
    "/orders/{int:order_id}/breaches", response={201: BreachOut}, summary="Record a breach"
)
def record_breach(request, order_id: int, payload: BreachIn):
    order = _order(request, order_id)
    conditions = list(order.conditions.filter(pk__in=payload.conditions))
    if len(conditions) != len(set(payload.conditions)):
        raise InvalidInput({"conditions": [f"Give ids of {order.reference}'s conditions."]})
    breach = services.record_breach(
        actor=request.user,
        order=order,
        occurred_on=payload.occurred_on,
        description=payload.description,
        outcome=_code(BreachOutcome, payload.outcome, "outcome", "a breach outcome code"),
        conditions=conditions,
        record_as_disruption=payload.record_as_disruption,
        threats=[_threat(request, t, "threats") for t in payload.threats] or None,
    )
    return Reply(201, breach)


@router.post(
    "/orders/{int:order_id}/disruption",
    response={201: DisruptionOut},
    summary="Record the order as an 'ancillary order obtained' disruption (a draft)",
)
def order_disruption(request, order_id: int, payload: DisruptionIn):
    order = _order(request, order_id)
    disruption = services.record_order_disruption(
        actor=request.user,
        order=order,
        threats=[_threat(request, t, "threats") for t in payload.threats] or None,
    )
    return Reply(201, disruption)


# --------------------------------------------------------------------------- breaches


@router.get(
    "/breaches",
    response=list[BreachOut],
    summary="Breaches (awaiting=true: those to record as disruptions)",
)
@paginate(PageNumberPagination, page_size=50)
def list_breaches(request, awaiting: bool = False):
    return selectors.breach_list(request.user, awaiting=awaiting)


@router.post(
    "/breaches/{int:breach_id}/disruption",
    response={201: DisruptionOut},
    summary="Record the action after a breach as a disruption (a draft)",
)
def breach_disruption(request, breach_id: int, payload: DisruptionIn):
    breach = get_visible_or_404(request.user, selectors.breaches_for(request.user), pk=breach_id)
    disruption = services.record_breach_disruption(
        actor=request.user,
        breach=breach,
        threats=[_threat(request, t, "threats") for t in payload.threats] or None,
    )
    return Reply(201, disruption)


# --------------------------------------------------------------------------- custody


@router.get("/custody", response=list[CustodyOut], summary="Custody records")
@paginate(PageNumberPagination, page_size=50)
def list_custody(
    request,
    status: str = "in_custody",
    custody_type: str = "",
    owner: str = "",
    releasing_within: int | None = None,
    q: str = "",
    sort: str = selectors.CUSTODY_DEFAULT_SORT,
):
    filters = selectors.check_custody_filters(
        status=status,
        custody_type=custody_type,
        owner=owner,
        releasing_within=releasing_within,
        search=q,
        sort=sort,
    )
    return selectors.custody_list(request.user, filters)


@router.post("/custody", response={201: CustodyOut}, summary="Record custody (remand or sentence)")
def record_custody(request, payload: CustodyIn):
    data = payload.dict()
    nominal = _nominal(request, data.pop("nominal"), "nominal")
    owner = _owner(data.pop("owner"))
    record = services.record_custody(actor=request.user, nominal=nominal, owner=owner, **data)
    return Reply(201, record)


@router.get("/custody/{int:custody_id}", response=CustodyOut, summary="One custody record")
def get_custody(request, custody_id: int):
    return selectors.custody_detail(request.user, custody_id)


@router.patch("/custody/{int:custody_id}", response=CustodyOut, summary="Change a custody record")
def update_custody(request, custody_id: int, payload: CustodyPatch):
    record = selectors.custody_detail(request.user, custody_id)
    given = payload.dict(exclude_unset=True)
    reason = given.pop("reason", "")
    return services.update_custody(actor=request.user, custody=record, reason=reason, **given)


@router.post("/custody/{int:custody_id}/release", response=CustodyOut, summary="Record the release")
def release(request, custody_id: int, payload: ReleaseIn):
    record = selectors.custody_detail(request.user, custody_id)
    return services.record_release(
        actor=request.user, custody=record, released_on=payload.released_on, note=payload.note
    )


# --------------------------------------------------------------------------- a person


@router.get("/people/{int:nominal_id}", response=PersonOut, summary="A person's lifetime record")
def person(request, nominal_id: int):
    found = selectors.person_record(request.user, nominal_id)
    return PersonOut(
        person_id=found.nominal.pk,
        name=str(found.nominal),
        custody=found.custody,
        orders=found.orders,
        considerations=found.considerations,
        breaches=found.breaches,
        threats=[t.reference for t in found.threats],
    )


@router.post(
    "/people/{int:nominal_id}/considerations",
    response={201: ConsiderationOut},
    summary="Record a decision on whether to seek an order, with its reason",
)
def consider(request, nominal_id: int, payload: ConsiderIn):
    found = selectors.person_record(request.user, nominal_id)
    decision = services.consider_order(
        actor=request.user,
        nominal=found.nominal,
        decision=payload.decision,
        reason=payload.reason,
        decided_on=payload.decided_on,
        threat=_threat(request, payload.threat),
        order_type=_code(OrderType, payload.order_type, "order_type", "an order type code"),
        review_on=payload.review_on,
    )
    return Reply(201, decision)
