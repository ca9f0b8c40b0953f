"""Demo lifetime management: custody and release for convicted members of the demo threats,
ancillary and civil orders (some made in custody and starting on release, some ending soon,
some breached, a few still applied for), and decisions on whether to seek an order, leaving
some convicted members for the "consider an order" alert.

As in the other steps, :func:`plan_lifetime` decides everything as plain data from the seed,
the scale, the reference date and the people and threats plans (no database, so tests compare
plans), and :func:`create_demo_lifetime` applies it through the services
(``record_custody``, ``record_order``, ``grant_order``, ``refuse_order``, ``record_breach``,
``consider_order``), one transaction for the step, skipping the people who already have a
demo record. A breach that led to action is recorded as a disruption through the disruptions
service.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from socmap.audit.services import record_event
from socmap.demo import DemoContext, demo_step
from socmap.lifetime import rules, services
from socmap.lifetime.models import Applicant, BreachOutcome, CustodyRecord, Order, OrderType
from socmap.lifetime.services import ConditionInput
from socmap.orgs.models import Organisation
from socmap.people.demo import derived_seed, people_plan_for
from socmap.threats.models import Status, Threat

DEMO_NOTE = "Synthetic demo record (demo ref {key})."
PRISONS = (
    "HMP Erlestoke",
    "HMP Bristol",
    "HMP Channings Wood",
    "HMP Guys Marsh",
    "HMP Exeter",
    "HMP Winchester",
    "HMP Dartmoor",
    "HMP Eastwood Park",
    "HMP Leyhill",
    "HMP The Verne",
)
OFFENCES = {
    "drugs": "Conspiracy to supply class A drugs",
    "county-lines": "Being concerned in the supply of class A drugs",
    "firearms": "Possession of a firearm with intent",
    "msht": "Arranging travel with a view to exploitation",
    "fraud": "Conspiracy to defraud",
    "money-laundering": "Concealing criminal property",
    "acquisitive": "Conspiracy to burgle",
    "oic": "Assisting unlawful immigration",
    "violence": "Wounding with intent",
}
DECISIONS = (
    ("not_appropriate", "Peripheral role; licence conditions already restrict associates."),
    ("already_managed", "Managed under MAPPA with licence conditions until sentence expiry."),
    ("insufficient_evidence", "CPS advise the evidence of continuing involvement is too thin."),
    ("review_later", "Revisit at the pre-release review."),
)
BREACHES = (
    ("warning", "Found in the exclusion zone late at night; warned and advised."),
    ("arrested", "Seen with a named associate in breach of the non-association condition."),
    ("recalled", "Second phone found at a search, breaching the device condition."),
    ("charged", "Failed to report a new vehicle within the required time."),
)


@dataclass
class CustodyPlan:
    key: str
    person: str
    force: str
    custody_type: str
    started_on: dt.date
    sentence_months: int | None
    establishment: str
    offence: str
    expected_release_on: dt.date | None
    released_on: dt.date | None = None


@dataclass
class BreachPlan:
    occurred_on: dt.date
    outcome: str
    description: str


@dataclass
class OrderPlan:
    key: str
    person: str
    force: str
    order_type: str
    applicant: str
    court: str
    status: str  # granted / applied / refused
    applied_on: dt.date | None
    decided_on: dt.date | None
    starts_on_release: bool = False
    duration_months: int | None = None
    until_further_order: bool = False
    conditions: list[tuple[str, str, dict]] = field(default_factory=list)
    threat: str = ""
    breaches: list[BreachPlan] = field(default_factory=list)
    refusal: str = ""


@dataclass
class DecisionPlan:
    person: str
    force: str
    decision: str
    reason: str
    decided_on: dt.date
    threat: str = ""
    review_on: dt.date | None = None


@dataclass
class LifetimePlan:
    custody: list[CustodyPlan] = field(default_factory=list)
    orders: list[OrderPlan] = field(default_factory=list)
    decisions: list[DecisionPlan] = field(default_factory=list)

    @property
    def people(self) -> set[str]:
        return {c.person for c in self.custody} | {o.person for o in self.orders}


def _conditions(rng, order_type: str, area: str) -> list[tuple[str, str, dict]]:
    options = {
        "scpo": [
            (
                "non_association",
                "Not to associate with the other members of the group",
                {"person": "Named in schedule 1"},
            ),
            ("devices", "To use no more than one mobile phone, notified to the police", {}),
            (
                "financial_reporting",
                "To report income and assets over £1,000",
                {"frequency": "Every 6 months"},
            ),
            ("travel", "To surrender any passport and not to travel abroad", {}),
        ],
        "tro": [("travel", "Not to leave the United Kingdom; passport surrendered", {})],
        "stpo": [
            ("non_association", "Not to contact the victims", {"person": "Schedule 2"}),
            ("notification", "To notify any vehicle or address change within 3 days", {}),
        ],
        "cbo": [
            ("exclusion_zone", f"Not to enter {area}", {"area": area}),
            ("curfew", "To stay at home at night", {"from_time": "21:00", "to_time": "07:00"}),
        ],
        "kcpo": [
            ("curfew", "Curfew", {"from_time": "20:00", "to_time": "06:00"}),
            ("positive", "To attend a knife crime awareness course", {}),
        ],
        "gang-injunction": [("exclusion_zone", f"Not to enter {area}", {"area": area})],
    }[order_type]
    return rng.sample(options, k=min(len(options), rng.randint(1, 3)))


def plan_lifetime(
    *, seed: int, people, threats, today: dt.date, scale: float = 1.0
) -> LifetimePlan:
    """Lifetime management for convicted members of the planned active threats."""
    rng = random.Random(derived_seed(seed, "lifetime"))
    plan = LifetimePlan()
    candidates: dict[str, tuple[str, str]] = {}  # person -> (threat key, crime type)
    for threat in threats.threats:
        if threat.status != Status.ACTIVE:
            continue
        keys = [m[0] for m in threat.members if m[3] is None]
        if threat.subject:
            keys.append(threat.subject)
        for key in keys:
            candidates.setdefault(key, (threat.key, threat.crime_type))
    share = min(0.45, 0.3 + 0.1 * scale)
    for number, key in enumerate(sorted(candidates)):
        person = people.person(key)
        threat_key, crime = candidates[key]
        if rng.random() > share:
            continue
        area = rng.choice(("the town centre", "the Broadway estate", "the station area"))
        ref = f"{key}-{number}"
        roll = rng.random()
        if roll < 0.08:  # on remand, awaiting trial
            plan.custody.append(
                CustodyPlan(
                    f"{ref}-remand",
                    key,
                    person.force,
                    "remand",
                    today - dt.timedelta(days=rng.randint(20, 200)),
                    None,
                    rng.choice(PRISONS),
                    OFFENCES.get(crime, "Conspiracy"),
                    None,
                )
            )
            continue
        months = rng.choice((24, 30, 36, 48, 60, 72, 96, 120, 144))
        released = roll > 0.55
        if released:
            released_on = today - dt.timedelta(days=rng.randint(20, 1300))
            started = rules.add_months(released_on, -(months // 2))
            expected = released_on
        else:
            window = 85 if rng.random() < 0.35 else rng.randint(90, 900)
            expected = today + dt.timedelta(days=rng.randint(3, window))
            started = rules.add_months(expected, -(months // 2))
            if started > today - dt.timedelta(days=30):
                started = today - dt.timedelta(days=30)
            released_on = None
        if rules.age_on(person.date_of_birth, started) < 18:
            continue
        plan.custody.append(
            CustodyPlan(
                ref,
                key,
                person.force,
                "sentenced",
                started,
                months,
                rng.choice(PRISONS),
                OFFENCES.get(crime, "Conspiracy"),
                expected,
                released_on,
            )
        )
        has_order = rng.random() < (0.55 if not released else 0.65)
        if not has_order:
            if rng.random() < 0.5:  # a recorded decision; the others wait in the alert
                decision, reason = rng.choice(DECISIONS)
                day = min(today, started + dt.timedelta(days=rng.randint(1, 60)))
                plan.decisions.append(
                    DecisionPlan(
                        key,
                        person.force,
                        decision,
                        reason,
                        day,
                        threat_key,
                        review_on=expected
                        if decision == "review_later" and expected > day
                        else (day + dt.timedelta(days=180) if decision == "review_later" else None),
                    )
                )
            continue
        if not released:
            if crime in ("drugs", "county-lines") and months >= 48 and rng.random() < 0.4:
                order_type, applicant, length = "tro", "court", rng.choice((24, 36, 60))
            else:
                order_type, applicant, length = "scpo", "cps", rng.choice((36, 48, 60))
            plan.orders.append(
                OrderPlan(
                    f"{ref}-order",
                    key,
                    person.force,
                    order_type,
                    applicant,
                    "crown",
                    "granted",
                    None,
                    started,
                    starts_on_release=True,
                    duration_months=length,
                    conditions=_conditions(rng, order_type, area),
                    threat=threat_key,
                )
            )
            continue
        made = released_on + dt.timedelta(days=rng.randint(0, 20))
        made = min(made, today)
        order_type = {"msht": "stpo", "violence": "kcpo"}.get(crime, rng.choice(("scpo", "cbo")))
        applicant = {"scpo": "cps", "cbo": "cps", "stpo": "police", "kcpo": "police"}[order_type]
        type_limits = {"scpo": (12, 60), "cbo": (24, 60), "stpo": (60, 120), "kcpo": (6, 24)}
        low, high = type_limits[order_type]
        expiring_soon = rng.random() < 0.3
        if expiring_soon:  # its last day falls in the next few weeks
            target = today + dt.timedelta(days=rng.randint(5, 80))
            length = (target.year - made.year) * 12 + target.month - made.month
        else:
            length = rng.randint(low, high)
        if not low <= length <= high:
            length = high
        until_further = order_type in ("cbo", "stpo") and not expiring_soon and rng.random() < 0.3
        order = OrderPlan(
            f"{ref}-order",
            key,
            person.force,
            order_type,
            applicant,
            "magistrates" if order_type in ("kcpo", "cbo") else "crown",
            "granted",
            made - dt.timedelta(days=rng.randint(20, 60)),
            made,
            duration_months=None if until_further else length,
            until_further_order=until_further,
            conditions=_conditions(rng, order_type, area),
            threat=threat_key,
        )
        end = None if until_further else rules.last_day(made, length)
        last = min(today, end) if end else today
        if (last - made).days > 30 and rng.random() < 0.35:
            outcome, text = rng.choice(BREACHES)
            order.breaches.append(
                BreachPlan(
                    made + dt.timedelta(days=rng.randint(10, (last - made).days)), outcome, text
                )
            )
        plan.orders.append(order)
    _applications(plan, rng, candidates, people, today)
    _at_least_one_order_on_release(plan, candidates)
    _at_least_one_breach(plan, rng, today)
    return plan


def _at_least_one_order_on_release(plan: LifetimePlan, candidates) -> None:
    """Even a small demo shows an order made in custody that starts on release."""
    if any(o.starts_on_release for o in plan.orders):
        return
    ordered = {o.person for o in plan.orders}
    for custody in plan.custody:
        if custody.custody_type == "sentenced" and custody.released_on is None:
            if custody.person in ordered:
                continue
            plan.decisions = [d for d in plan.decisions if d.person != custody.person]
            plan.orders.append(
                OrderPlan(
                    f"{custody.key}-order",
                    custody.person,
                    custody.force,
                    "scpo",
                    "cps",
                    "crown",
                    "granted",
                    None,
                    custody.started_on,
                    starts_on_release=True,
                    duration_months=60,
                    conditions=[
                        ("travel", "To surrender any passport and not to travel abroad", {})
                    ],
                    threat=candidates[custody.person][0],
                )
            )
            return


def _at_least_one_breach(plan: LifetimePlan, rng, today: dt.date) -> None:
    """Even a small demo shows a breach that led to action."""
    if any(o.breaches for o in plan.orders):
        return
    for order in plan.orders:
        if order.status != "granted" or order.starts_on_release:
            continue
        end = (
            rules.last_day(order.decided_on, order.duration_months)
            if order.duration_months
            else today
        )
        last = min(today, end)
        if (last - order.decided_on).days >= 2:
            outcome, text = BREACHES[1]
            order.breaches.append(
                BreachPlan(order.decided_on + dt.timedelta(days=1), outcome, text)
            )
            return


def _applications(plan: LifetimePlan, rng, candidates, people, today: dt.date) -> None:
    """A few applications waiting for the court, and one the court refused."""
    free = sorted(k for k in candidates if k not in plan.people)
    for index, key in enumerate(rng.sample(free, k=min(len(free), 3))):
        person = people.person(key)
        if rules.age_on(person.date_of_birth, today) < 18:
            continue
        applied = today - dt.timedelta(days=rng.randint(10, 60))
        plan.orders.append(
            OrderPlan(
                f"{key}-application",
                key,
                person.force,
                "scpo",
                "cps",
                "high",
                "refused" if index == 2 else "applied",
                applied,
                min(today, applied + dt.timedelta(days=5)) if index == 2 else None,
                threat=candidates[key][0],
                refusal="The court was not satisfied the order was necessary."
                if index == 2
                else "",
            )
        )


def lifetime_plan_for(context: DemoContext) -> LifetimePlan:
    from socmap.threats.demo import threats_plan_for

    forces = [f.name for f in context.forces]
    return plan_lifetime(
        seed=context.seed,
        people=people_plan_for(context, forces),
        threats=threats_plan_for(context),
        today=timezone.localdate(),
        scale=context.scale,
    )


# --------------------------------------------------------------------------- applying


@demo_step(60, "Custody, ancillary orders and breaches")
def create_demo_lifetime(context: DemoContext) -> str:
    from socmap.people.demo import demo_nominals

    plan = lifetime_plan_for(context)
    people = demo_nominals(context.forces)
    forces = {
        o.name: o for o in Organisation.objects.filter(name__in=[f.name for f in context.forces])
    }
    done = set(
        CustodyRecord.objects.filter(notes__startswith="Synthetic demo record").values_list(
            "nominal_id", flat=True
        )
    ) | set(
        Order.objects.filter(notes__startswith="Synthetic demo record").values_list(
            "nominal_id", flat=True
        )
    )
    threat_names = _threat_names(context)
    threats = {t.name: t for t in Threat.objects.filter(name__in=set(threat_names.values()))}
    types = {t.code: t for t in OrderType.objects.all()}
    applicants = {a.code: a for a in Applicant.objects.all()}
    outcomes = {o.code: o for o in BreachOutcome.objects.all()}
    counts = {"custody": 0, "orders": 0, "breaches": 0, "disruptions": 0, "decisions": 0}
    today = timezone.localdate()
    with transaction.atomic():
        custody_by_person = {}
        for item in plan.custody:
            nominal = people.get(item.person)
            if nominal is None or nominal.pk in done:
                continue
            custody_by_person[item.person] = services.record_custody(
                actor=None,
                nominal=nominal,
                owner=forces[item.force],
                custody_type=item.custody_type,
                started_on=item.started_on,
                sentence_months=item.sentence_months,
                establishment=item.establishment,
                offence=item.offence,
                expected_release_on=item.expected_release_on,
                released_on=item.released_on,
                notes=DEMO_NOTE.format(key=item.key),
            )
            counts["custody"] += 1
        for item in plan.orders:
            nominal = people.get(item.person)
            if nominal is None or nominal.pk in done:
                continue
            threat = threats.get(threat_names.get(item.threat, ""))
            order = services.record_order(
                actor=None,
                nominal=nominal,
                owner=forces[item.force],
                order_type=types[item.order_type],
                applicant=applicants[item.applicant],
                status="applied" if item.status in ("applied", "refused") else "granted",
                applied_on=item.applied_on,
                decided_on=None if item.status in ("applied", "refused") else item.decided_on,
                court=item.court,
                threat=threat,
                starts_on_release=item.starts_on_release,
                duration_months=item.duration_months,
                until_further_order=item.until_further_order,
                conditions=[ConditionInput(k, w, d) for k, w, d in item.conditions],
                notes=DEMO_NOTE.format(key=item.key),
            )
            counts["orders"] += 1
            if item.status == "refused":
                services.refuse_order(
                    actor=None, order=order, decided_on=item.decided_on, reason=item.refusal
                )
            for breach in item.breaches:
                outcome = outcomes[breach.outcome]
                recorded = services.record_breach(
                    actor=None,
                    order=order,
                    occurred_on=breach.occurred_on,
                    description=breach.description,
                    outcome=outcome,
                    record_as_disruption=outcome.action
                    and bool(services.threats_of(None, nominal)),
                )
                counts["breaches"] += 1
                counts["disruptions"] += recorded.disruption_id is not None
        for item in plan.decisions:
            nominal = people.get(item.person)
            if nominal is None or nominal.pk in done:
                continue
            services.consider_order(
                actor=None,
                nominal=nominal,
                owner=forces[item.force],
                decision=item.decision,
                reason=item.reason,
                decided_on=item.decided_on,
                threat=threats.get(threat_names.get(item.threat, "")),
                review_on=item.review_on,
            )
            counts["decisions"] += 1
        expired = services.expire_orders(actor=None, today=today)
        if counts["custody"] or counts["orders"]:
            record_event(
                actor=None,
                action="demo.lifetime_generated",
                target_type="lifetime.order",
                target_repr=f"{counts['orders']} synthetic demo orders",
                changes={**counts, "expired": len(expired), "seed": context.seed},
            )
    return (
        f"{counts['custody']} custody records, {counts['orders']} orders "
        f"({len(expired)} expired), {counts['breaches']} breaches "
        f"({counts['disruptions']} recorded as disruptions), {counts['decisions']} decisions on "
        "orders"
    )


def _threat_names(context: DemoContext) -> dict[str, str]:
    from socmap.threats.demo import threats_plan_for

    return {t.key: t.name for t in threats_plan_for(context).threats}
