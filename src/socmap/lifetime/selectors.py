"""Reads of lifetime management, always scoped to what the user may see (``None`` is the system
operator at the command line, who sees everything, as for writes).

Lists, exports, the API, the command line, the alerts and the dashboard panels all start from
the ``*_for`` functions here, so they cannot disagree about who sees what.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from socmap.errors import InvalidInput
from socmap.lifetime import rules
from socmap.lifetime.checks import filter_date, order_by_key
from socmap.lifetime.models import (
    Breach,
    CustodyRecord,
    Order,
    OrderConsideration,
    OrderEvent,
    OrderType,
)
from socmap.lifetime.rules import LIVE, CustodyType, OrderStatus
from socmap.orgs.scoping import get_visible_or_404, visible_to
from socmap.people.models import Nominal
from socmap.threats.models import Membership, Status, Threat

SEARCH_MAX_LENGTH = 100
CONVICTION_TACTIC = "conviction"


def _scoped(user, queryset: QuerySet) -> QuerySet:
    return queryset if user is None else visible_to(user, queryset)


def orders_for(user) -> QuerySet[Order]:
    return _scoped(
        user,
        Order.objects.select_related(
            "owner", "nominal", "order_type", "applicant", "threat", "custody"
        ),
    )


def custody_for(user) -> QuerySet[CustodyRecord]:
    return _scoped(user, CustodyRecord.objects.select_related("owner", "nominal"))


def breaches_for(user) -> QuerySet[Breach]:
    return _scoped(
        user,
        Breach.objects.select_related(
            "order__nominal", "order__order_type", "order__owner", "outcome", "disruption"
        ),
    )


def considerations_for(user) -> QuerySet[OrderConsideration]:
    return _scoped(
        user,
        OrderConsideration.objects.select_related(
            "owner", "nominal", "threat", "order_type", "decided_by"
        ),
    )


def _nominals_for(user) -> QuerySet[Nominal]:
    return _scoped(user, Nominal.objects.all())


def _search(queryset: QuerySet, search: str, prefix: str = "nominal__") -> QuerySet:
    if not search:
        return queryset
    condition = Q(**{f"{prefix}surname__icontains": search}) | Q(
        **{f"{prefix}forenames__icontains": search}
    )
    if search.isdigit():
        condition |= Q(**{f"{prefix}pk": int(search)})
    condition |= Q(**{f"{prefix}pnc_id__iexact": search.upper()})
    return queryset.filter(condition)


# --------------------------------------------------------------------------- orders

ORDER_SORTS = {
    "reference": ("id",),
    "person": ("nominal__surname", "nominal__forenames", "id"),
    "type": ("order_type__position", "id"),
    "status": ("status", "id"),
    "made": ("decided_on", "id"),
    "starts": ("starts_on", "id"),
    "ends": ("ends_on", "id"),
    "owner": ("owner__name", "id"),
}
ORDER_DEFAULT_SORT = "-made"
STATES = ("in_force", "awaiting_release", "pending", "ended")


@dataclass(frozen=True)
class OrderFilters:
    order_type: str = ""
    status: str = ""
    state: str = ""  # in_force | awaiting_release | pending | ended
    owner: str = ""
    ends_before: dt.date | None = None
    search: str = ""
    sort: str = ORDER_DEFAULT_SORT

    @property
    def is_filtered(self) -> bool:
        return any(
            (self.order_type, self.status, self.state, self.owner, self.ends_before, self.search)
        )

    def as_query(self) -> dict[str, str]:
        values = {
            "type": self.order_type,
            "status": self.status,
            "state": self.state,
            "owner": self.owner,
            "ends_before": self.ends_before.isoformat() if self.ends_before else "",
            "q": self.search,
            "sort": "" if self.sort == ORDER_DEFAULT_SORT else self.sort,
        }
        return {k: v for k, v in values.items() if v}


def check_order_filters(
    *,
    order_type: str = "",
    status: str = "",
    state: str = "",
    owner: str = "",
    ends_before=None,
    search: str = "",
    sort: str = ORDER_DEFAULT_SORT,
    strict: bool = True,
) -> OrderFilters:
    """Filters from what a caller gave. ``strict`` (the API and commands) refuses what is not
    recognised; a page's query string is forgiven."""
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> str:
        if strict:
            errors[name] = [message]
        return ""

    order_type = (order_type or "").strip()
    if order_type and not OrderType.objects.filter(pk=order_type).exists():
        order_type = refuse("order_type", f"'{order_type}' is not an order type code.")
    status = (status or "").strip().lower()
    if status and status not in OrderStatus.values:
        status = refuse("status", f"Choose one of {', '.join(OrderStatus.values)}.")
    state = (state or "").strip().lower()
    if state and state not in STATES:
        state = refuse("state", f"Choose one of {', '.join(STATES)}.")
    sort = (sort or ORDER_DEFAULT_SORT).strip()
    if sort.lstrip("-") not in ORDER_SORTS:
        sort = ORDER_DEFAULT_SORT
        refuse("sort", f"Sort by one of {', '.join(ORDER_SORTS)} (- for reverse).")
    date_errors: dict[str, list[str]] = {}
    before = filter_date(ends_before, "ends_before", date_errors)
    if strict:
        errors.update(date_errors)
    if errors:
        raise InvalidInput(errors)
    return OrderFilters(
        order_type=order_type,
        status=status,
        state=state,
        owner=(owner or "").strip()[:120],
        ends_before=before,
        search=(search or "").strip()[:SEARCH_MAX_LENGTH],
        sort=sort,
    )


def order_list(user, filters: OrderFilters | None = None, today=None) -> QuerySet[Order]:
    filters = filters or OrderFilters()
    today = today or timezone.localdate()
    qs = orders_for(user)
    if filters.order_type:
        qs = qs.filter(order_type_id=filters.order_type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.state == "in_force":
        qs = qs.filter(status__in=LIVE, start_is_provisional=False, starts_on__lte=today).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)
        )
    elif filters.state == "awaiting_release":
        qs = qs.filter(status__in=LIVE, starts_on_release=True).filter(
            Q(start_is_provisional=True) | Q(starts_on__isnull=True)
        )
    elif filters.state == "pending":
        qs = qs.filter(status=OrderStatus.APPLIED)
    elif filters.state == "ended":
        qs = qs.filter(status__in=rules.CLOSED)
    if filters.owner:
        qs = qs.filter(owner__slug=filters.owner)
    if filters.ends_before:
        qs = qs.filter(ends_on__lte=filters.ends_before)
    qs = _search(qs, filters.search)
    return order_by_key(qs, filters.sort, ORDER_SORTS, ORDER_DEFAULT_SORT)


def order_detail(user, pk: int) -> Order:
    return get_visible_or_404(user, orders_for(user), pk=pk)


def order_history(user, order: Order) -> QuerySet[OrderEvent]:
    return _scoped(user, OrderEvent.objects.filter(order=order).select_related("by"))


# --------------------------------------------------------------------------- custody

CUSTODY_SORTS = {
    "reference": ("id",),
    "person": ("nominal__surname", "nominal__forenames", "id"),
    "started": ("started_on", "id"),
    "release": ("expected_release_on", "id"),
    "released": ("released_on", "id"),
    "owner": ("owner__name", "id"),
}
CUSTODY_DEFAULT_SORT = "release"
CUSTODY_STATUSES = ("in_custody", "released")


@dataclass(frozen=True)
class CustodyFilters:
    status: str = "in_custody"
    custody_type: str = ""
    owner: str = ""
    releasing_within: int | None = None
    search: str = ""
    sort: str = CUSTODY_DEFAULT_SORT

    @property
    def is_filtered(self) -> bool:
        return any(
            (
                self.status != "in_custody",
                self.custody_type,
                self.owner,
                self.releasing_within is not None,
                self.search,
            )
        )


def check_custody_filters(
    *,
    status: str = "in_custody",
    custody_type: str = "",
    owner: str = "",
    releasing_within=None,
    search: str = "",
    sort: str = CUSTODY_DEFAULT_SORT,
    strict: bool = True,
) -> CustodyFilters:
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str):
        if strict:
            errors[name] = [message]
        return None

    status = (status or "").strip().lower()
    if status in ("any", "all"):
        status = ""
    if status and status not in CUSTODY_STATUSES:
        status = refuse("status", f"Choose one of {', '.join(CUSTODY_STATUSES)} or any.") or ""
    custody_type = (custody_type or "").strip().lower()
    if custody_type and custody_type not in CustodyType.values:
        custody_type = (
            refuse("custody_type", f"Choose one of {', '.join(CustodyType.values)}.") or ""
        )
    days = None
    if releasing_within not in (None, ""):
        try:
            days = rules.clamp_days(int(releasing_within))
        except (TypeError, ValueError):
            refuse("releasing_within", "Give a number of days.")
    sort = (sort or CUSTODY_DEFAULT_SORT).strip()
    if sort.lstrip("-") not in CUSTODY_SORTS:
        sort = CUSTODY_DEFAULT_SORT
        refuse("sort", f"Sort by one of {', '.join(CUSTODY_SORTS)} (- for reverse).")
    if errors:
        raise InvalidInput(errors)
    return CustodyFilters(
        status=status,
        custody_type=custody_type,
        owner=(owner or "").strip()[:120],
        releasing_within=days,
        search=(search or "").strip()[:SEARCH_MAX_LENGTH],
        sort=sort,
    )


def custody_list(user, filters: CustodyFilters | None = None, today=None) -> QuerySet:
    filters = filters or CustodyFilters()
    today = today or timezone.localdate()
    qs = custody_for(user)
    if filters.status == "in_custody":
        qs = qs.filter(released_on__isnull=True)
    elif filters.status == "released":
        qs = qs.filter(released_on__isnull=False)
    if filters.custody_type:
        qs = qs.filter(custody_type=filters.custody_type)
    if filters.owner:
        qs = qs.filter(owner__slug=filters.owner)
    if filters.releasing_within is not None:
        qs = qs.filter(
            released_on__isnull=True,
            expected_release_on__range=(
                today,
                today + dt.timedelta(days=filters.releasing_within),
            ),
        )
    qs = _search(qs, filters.search)
    return order_by_key(qs, filters.sort, CUSTODY_SORTS, CUSTODY_DEFAULT_SORT)


def custody_detail(user, pk: int) -> CustodyRecord:
    return get_visible_or_404(user, custody_for(user), pk=pk)


# --------------------------------------------------------------------------- alerts


def releases_due(user, *, days: int, today=None) -> QuerySet[CustodyRecord]:
    """People in custody whose expected release falls in the next ``days`` days (and those
    whose expected release has passed without a release being recorded)."""
    today = today or timezone.localdate()
    return (
        custody_for(user)
        .filter(
            released_on__isnull=True,
            expected_release_on__lte=today + dt.timedelta(days=days),
        )
        .order_by("expected_release_on", "id")
    )


def orders_expiring(user, *, days: int, today=None) -> QuerySet[Order]:
    """Live orders whose last day in force falls in the next ``days`` days."""
    today = today or timezone.localdate()
    return (
        orders_for(user)
        .filter(
            status__in=LIVE,
            start_is_provisional=False,
            ends_on__range=(today, today + dt.timedelta(days=days)),
        )
        .order_by("ends_on", "id")
    )


def orders_past_end(user, today=None) -> QuerySet[Order]:
    """Live orders past their last day: their expiry is to be recorded."""
    today = today or timezone.localdate()
    return (
        orders_for(user)
        .filter(status__in=LIVE, start_is_provisional=False, ends_on__lt=today)
        .order_by("ends_on", "id")
    )


@dataclass
class ConsiderRow:
    """A convicted member of an active threat with no order considered since conviction."""

    nominal: Nominal
    threats: list[Threat]
    convicted_on: dt.date
    evidence: str  # what says they were convicted
    last_decision: OrderConsideration | None = None
    days_since: int = 0
    live_orders: list[Order] = field(default_factory=list)


def _convictions(user, nominal_ids: set[int]) -> dict[int, tuple[dt.date, str]]:
    """The latest conviction ``user`` can see for each person: a conviction disruption naming
    them, or a custodial sentence."""
    from socmap.disruptions.models import Disruption

    latest: dict[int, tuple[dt.date, str]] = {}
    disruptions = _scoped(
        user, Disruption.objects.filter(tactic_id=CONVICTION_TACTIC, nominals__in=nominal_ids)
    )
    for nominal_id, day, pk in disruptions.values_list("nominals", "occurred_on", "pk"):
        if nominal_id in nominal_ids and (nominal_id not in latest or day > latest[nominal_id][0]):
            latest[nominal_id] = (day, f"conviction recorded as disruption DIS-{pk:06d}")
    sentences = custody_for(user).filter(
        nominal_id__in=nominal_ids, custody_type=CustodyType.SENTENCED
    )
    for nominal_id, day, pk in sentences.values_list("nominal_id", "started_on", "pk"):
        if nominal_id not in latest or day > latest[nominal_id][0]:
            latest[nominal_id] = (day, f"custodial sentence CUS-{pk:06d}")
    return latest


def consider_an_order(user, *, today=None, among: set[int] | None = None) -> list[ConsiderRow]:
    """Convicted members (and subjects) of active threats for whom no order has been
    considered, applied for or made since their latest conviction: each needs a recorded
    decision. Most recent conviction first."""
    today = today or timezone.localdate()
    waiting = _awaiting_a_decision(user, among)
    if waiting is None:
        return []
    due, convicted, threats_by_person = waiting
    return _build_consider_rows(user, today, due, convicted, threats_by_person)


def _awaiting_a_decision(user, among: set[int] | None):
    """The people due a decision (``among`` them only, if given), their latest convictions
    and their active threats; ``None`` when no one is due."""
    early = None
    if among is not None:  # a threat's page: most of its people were never convicted
        early = _convictions(user, set(among)) if among else {}
        if not early:
            return None
        among = set(early)
    visible_nominals = _nominals_for(user).values("pk")
    memberships = Membership.objects.filter(
        left_on__isnull=True, threat__status=Status.ACTIVE, nominal__in=visible_nominals
    )
    threats = Threat.objects.filter(
        status=Status.ACTIVE, subject__isnull=False, subject__in=visible_nominals
    )
    if among is not None:  # a threat's page asks about its own people only
        memberships = memberships.filter(nominal_id__in=among)
        threats = threats.filter(subject_id__in=among)
    members = _scoped(user, memberships).values_list("nominal_id", "threat_id")
    subjects = _scoped(user, threats).values_list("subject_id", "pk")
    threats_by_person: dict[int, set[int]] = {}
    for nominal_id, threat_id in [*members, *subjects]:
        if among is None or nominal_id in among:
            threats_by_person.setdefault(nominal_id, set()).add(threat_id)
    if not threats_by_person:
        return None
    if early is not None:
        convicted = {n: early[n] for n in threats_by_person if n in early}
    else:
        convicted = _convictions(user, set(threats_by_person))
    if not convicted:
        return None
    considered = dict(
        considerations_for(user)
        .filter(nominal_id__in=convicted)
        .values_list("nominal_id")
        .annotate(last=Max("decided_on"))
        .order_by()
    )
    ordered: dict[int, dt.date] = {}
    for nominal_id, applied, decided in (
        orders_for(user)
        .filter(nominal_id__in=convicted)
        .values_list("nominal_id", "applied_on", "decided_on")
    ):
        day = max(d for d in (applied, decided, dt.date.min) if d)
        ordered[nominal_id] = max(ordered.get(nominal_id, dt.date.min), day)
    due = [
        nominal_id
        for nominal_id, (day, _evidence) in convicted.items()
        if considered.get(nominal_id, dt.date.min) < day
        and ordered.get(nominal_id, dt.date.min) < day
    ]
    return (due, convicted, threats_by_person) if due else None


def awaiting_an_order_decision(user, among: set[int]) -> set[int]:
    """Which of ``among`` (a threat's people) :func:`consider_an_order` lists, without
    loading what the list shows about each (a threat page's panel marks them only)."""
    waiting = _awaiting_a_decision(user, among)
    return set() if waiting is None else set(waiting[0])


def _build_consider_rows(user, today, due, convicted, threats_by_person) -> list[ConsiderRow]:
    nominals = {n.pk: n for n in _nominals_for(user).filter(pk__in=due).select_related("owner")}
    threat_ids = {t for n in due for t in threats_by_person[n]}
    threats = {t.pk: t for t in Threat.objects.filter(pk__in=threat_ids)}
    last_decisions = {}
    for decision in considerations_for(user).filter(nominal_id__in=due).order_by("decided_on"):
        last_decisions[decision.nominal_id] = decision
    live = {}
    for order in orders_for(user).filter(nominal_id__in=due, status__in=LIVE):
        live.setdefault(order.nominal_id, []).append(order)
    rows = [
        ConsiderRow(
            nominal=nominals[n],
            threats=sorted(
                (threats[t] for t in threats_by_person[n] if t in threats), key=lambda t: t.pk
            ),
            convicted_on=convicted[n][0],
            evidence=convicted[n][1],
            last_decision=last_decisions.get(n),
            days_since=(today - convicted[n][0]).days,
            live_orders=live.get(n, []),
        )
        for n in due
        if n in nominals
    ]
    rows.sort(key=lambda r: (r.convicted_on, r.nominal.pk), reverse=True)
    return rows


@dataclass
class Alerts:
    days: int
    today: dt.date
    releases: QuerySet
    expiring: QuerySet
    past_end: QuerySet
    consider: list[ConsiderRow]


def alerts(user, *, days: int | None = None, today=None) -> Alerts:
    today = today or timezone.localdate()
    days = rules.clamp_days(days)
    return Alerts(
        days=days,
        today=today,
        releases=releases_due(user, days=days, today=today),
        expiring=orders_expiring(user, days=days, today=today),
        past_end=orders_past_end(user, today=today),
        consider=consider_an_order(user, today=today),
    )


def breaches_awaiting_disruption(user) -> QuerySet[Breach]:
    return breaches_for(user).filter(outcome__action=True, disruption__isnull=True)


# --------------------------------------------------------------------------- one person


@dataclass
class PersonRecord:
    nominal: Nominal
    custody: list[CustodyRecord]
    orders: list[Order]
    considerations: list[OrderConsideration]
    breaches: list[Breach]
    threats: list[Threat]


def person_record(user, nominal_id: int) -> PersonRecord:
    nominal = get_visible_or_404(user, _nominals_for(user), pk=nominal_id)
    from socmap.lifetime.services import threats_of

    return PersonRecord(
        nominal=nominal,
        custody=list(custody_for(user).filter(nominal=nominal).order_by("-started_on", "-id")),
        orders=list(orders_for(user).filter(nominal=nominal)),
        considerations=list(considerations_for(user).filter(nominal=nominal)),
        breaches=list(breaches_for(user).filter(order__nominal=nominal)),
        threats=threats_of(user, nominal),
    )


def breach_list(user, *, awaiting: bool = False) -> QuerySet[Breach]:
    qs = breaches_awaiting_disruption(user) if awaiting else breaches_for(user)
    return qs.order_by("-occurred_on", "-id")
