"""Lifetime management services, as an offender manager uses them: custody and release, orders
checked against their statutes, the history of each order, conditions, breaches recorded as
disruptions, and the "consider an order" decisions. Every bad input is refused with a message
and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from socmap.audit.models import AuditEvent
from socmap.disruptions.models import Disruption, Tactic
from socmap.disruptions.services import record_disruption
from socmap.errors import InvalidInput
from socmap.lifetime import selectors, services
from socmap.lifetime.models import (
    AppendOnlyError,
    Breach,
    CustodyRecord,
    Order,
    OrderAction,
    OrderCondition,
    OrderEvent,
)
from socmap.lifetime.rules import OrderState, OrderStatus
from socmap.lifetime.services import ConditionInput
from socmap.threats.models import Status
from socmap.threats.services import change_status

DAY = dt.timedelta(days=1)


def _fields(error: InvalidInput) -> set[str]:
    return set(error.field_errors)


def _text(error: InvalidInput) -> str:
    return error.summary()


# --------------------------------------------------------------------------- custody


def test_offender_manager_records_a_sentence_with_its_expected_release(
    offender_manager, person, custody, today
):
    cole = person()
    record = custody(cole, months=48, release_in=200)
    assert record.owner.name == "Wiltshire"
    assert record.in_custody and record.sentence_text == "4 years"
    assert AuditEvent.objects.filter(action="custody.recorded", target_id=str(record.pk)).exists()


def test_a_person_already_in_custody_is_not_recorded_twice(person, custody):
    cole = person()
    custody(cole)
    with pytest.raises(InvalidInput) as refused:
        custody(cole, months=60)
    assert "already recorded in custody" in _text(refused.value)
    assert CustodyRecord.objects.filter(nominal=cole).count() == 1


def test_an_expected_release_after_the_sentence_expires_is_refused(person, custody, today):
    with pytest.raises(InvalidInput) as refused:
        custody(person(), months=12, started_days_ago=30, release_in=400)
    assert "after the sentence expires" in _text(refused.value)
    assert not CustodyRecord.objects.exists()


def test_an_analyst_may_not_record_custody(wiltshire_analyst, person, custody):
    with pytest.raises(PermissionDenied):
        custody(person(), actor=wiltshire_analyst)


def test_another_force_may_not_record_custody_for_a_person_it_cannot_see(
    dorset_offender_manager, person, custody
):
    with pytest.raises(PermissionDenied):
        custody(person(), actor=dorset_offender_manager)


def test_the_rocu_records_custody_for_a_person_of_its_region(
    swrocu_offender_manager, person, custody
):
    record = custody(person(), actor=swrocu_offender_manager)
    assert record.owner.short_name == "SWROCU"


# --------------------------------------------------------------------------- orders


def test_an_order_granted_on_conviction_runs_from_the_day_it_was_made(grant, person, today):
    order = grant(person(), "scpo", duration_months=60, decided_on=today - 10 * DAY)
    assert order.status == OrderStatus.GRANTED
    assert order.starts_on == today - 10 * DAY
    assert order.ends_on == services.rules.last_day(today - 10 * DAY, 60)
    assert order.state() == OrderState.IN_FORCE
    assert [e.action for e in order.events.all()] == [OrderAction.GRANTED]


def test_an_order_longer_than_its_statute_allows_is_refused(grant, person):
    with pytest.raises(InvalidInput) as refused:
        grant(person(), "scpo", duration_months=61)
    assert "at most 5 years" in _text(refused.value)
    assert not Order.objects.exists()


def test_an_order_shorter_than_its_statute_allows_is_refused(grant, person, today):
    start = today - 5 * DAY
    with pytest.raises(InvalidInput) as refused:
        grant(
            person(),
            "stpo",
            by="police",
            duration_months=None,
            decided_on=start,
            ends_on=services.rules.last_day(start, 60) - DAY,
        )
    assert "at least 5 years" in _text(refused.value)
    exactly = grant(
        person("Marsh"),
        "stpo",
        by="police",
        duration_months=None,
        decided_on=start,
        ends_on=services.rules.last_day(start, 60),
    )
    assert exactly.ends_on == services.rules.last_day(start, 60)


def test_a_subject_under_the_minimum_age_is_refused(grant, person, today):
    decided = today - 30 * DAY
    seventeen = person(age=17)
    with pytest.raises(InvalidInput) as refused:
        grant(seventeen, "scpo", decided_on=decided)
    assert "needs them to be 18 or over" in _text(refused.value)
    eleven = person("Young", age=11, days=-40)
    with pytest.raises(InvalidInput) as refused:
        grant(eleven, "kcpo", by="police", duration_months=12, decided_on=decided)
    assert "12 or over" in _text(refused.value)
    assert not Order.objects.exists()


def test_an_order_needing_an_age_needs_a_date_of_birth(grant, person):
    with pytest.raises(InvalidInput) as refused:
        grant(person(age=None), "scpo")
    assert "date of birth" in _text(refused.value)


def test_a_criminal_behaviour_order_on_a_child_lasts_one_to_three_years(grant, person, today):
    child = person("Minor", age=15)
    with pytest.raises(InvalidInput) as refused:
        grant(child, "cbo", by="cps", duration_months=48)
    assert "at most 3 years" in _text(refused.value)
    with pytest.raises(InvalidInput):
        grant(child, "cbo", by="cps", duration_months=None, until_further_order=True)
    order = grant(child, "cbo", by="cps", duration_months=36)
    assert order.duration_months == 36
    adult = grant(person("Adult"), "cbo", by="cps", duration_months=None, until_further_order=True)
    assert adult.ends_on is None and adult.duration_text == "Until further order"


def test_only_those_the_statute_names_may_apply(grant, person):
    with pytest.raises(InvalidInput) as refused:
        grant(person(), "scpo", by="police")
    assert "may only be applied for by" in _text(refused.value)
    assert "Crown Prosecution Service" in _text(refused.value)


def test_no_new_financial_reporting_order_can_be_applied_for(
    offender_manager, person, order_type, applicant, today
):
    with pytest.raises(InvalidInput) as refused:
        services.record_order(
            actor=offender_manager,
            nominal=person(),
            order_type=order_type("fro"),
            applicant=applicant("court"),
            status="applied",
            applied_on=today,
        )
    assert "No new Financial Reporting Orders" in _text(refused.value)


def test_a_financial_reporting_order_from_magistrates_is_at_most_five_years(grant, person):
    with pytest.raises(InvalidInput) as refused:
        grant(person(), "fro", by="court", court="magistrates", duration_months=72)
    assert "at most 5 years" in _text(refused.value)
    assert grant(person("Crown"), "fro", by="court", duration_months=72).duration_months == 72


def test_an_order_granted_in_custody_starts_on_release_when_the_court_says_so(
    grant, person, custody, today
):
    cole = person()
    spell = custody(cole, months=72, release_in=300)
    order = grant(cole, "scpo", duration_months=60, starts_on_release=True)
    assert order.custody == spell
    assert order.starts_on == today + 300 * DAY and order.start_is_provisional
    assert order.state() == OrderState.AWAITING_RELEASE
    assert order.duration_text == "5 years from release"


def test_an_order_cannot_start_on_release_when_the_subject_is_not_in_custody(grant, person):
    with pytest.raises(InvalidInput) as refused:
        grant(person(), "scpo", starts_on_release=True)
    assert "not recorded in custody" in _text(refused.value)


def test_an_order_type_that_cannot_start_on_release_is_refused(grant, person, custody):
    cole = person()
    custody(cole)
    with pytest.raises(InvalidInput) as refused:
        grant(cole, "stro", by="police", duration_months=24, starts_on_release=True)
    assert "cannot be made to start on release" in _text(refused.value)


def test_an_order_on_release_takes_months_not_an_end_date(grant, person, custody, today):
    cole = person()
    custody(cole)
    with pytest.raises(InvalidInput) as refused:
        grant(
            cole, "scpo", duration_months=None, starts_on_release=True, ends_on=today + 1000 * DAY
        )
    assert "duration in months" in _text(refused.value)


def test_a_travel_restriction_order_needs_four_years_custody_and_starts_on_release(
    grant, person, custody, today
):
    short = person("Short")
    custody(short, months=36)
    with pytest.raises(InvalidInput) as refused:
        grant(short, "tro", by="court", duration_months=24)
    assert "at least 4 years" in _text(refused.value)
    long = person("Long")
    custody(long, months=48)
    order = grant(long, "tro", by="court", duration_months=24)
    assert order.starts_on_release and order.start_is_provisional
    with pytest.raises(InvalidInput) as too_short:
        grant(person("Other"), "tro", by="court", duration_months=23)
    assert "at least 2 years" in _text(too_short.value)


def test_recording_the_release_brings_the_order_into_force(
    offender_manager, grant, person, custody, today
):
    cole = person()
    spell = custody(cole, months=72, started_days_ago=900, release_in=30)
    order = grant(cole, "scpo", duration_months=24, starts_on_release=True)
    services.record_release(actor=offender_manager, custody=spell, released_on=today - 2 * DAY)
    order.refresh_from_db()
    assert order.starts_on == today - 2 * DAY and not order.start_is_provisional
    assert order.ends_on == services.rules.last_day(today - 2 * DAY, 24)
    assert order.state() == OrderState.IN_FORCE
    assert order.events.last().action == OrderAction.IN_FORCE


def test_a_new_expected_release_moves_a_provisional_start(
    offender_manager, grant, person, custody, today
):
    cole = person()
    spell = custody(cole, release_in=300)
    order = grant(cole, "scpo", duration_months=60, starts_on_release=True)
    services.update_custody(
        actor=offender_manager,
        custody=spell,
        expected_release_on=today + 200 * DAY,
        reason="Parole board date",
    )
    order.refresh_from_db()
    assert order.starts_on == today + 200 * DAY and order.start_is_provisional
    assert order.events.last().action == OrderAction.START_MOVED


def test_a_release_cannot_be_recorded_twice(offender_manager, person, custody, today):
    spell = custody(person(), started_days_ago=900, release_in=10)
    services.record_release(actor=offender_manager, custody=spell, released_on=today)
    with pytest.raises(InvalidInput):
        services.record_release(actor=offender_manager, custody=spell, released_on=today)


def test_an_application_is_granted_or_refused_later(
    offender_manager, person, order_type, applicant, today
):
    cole = person()
    applied = services.record_order(
        actor=offender_manager,
        nominal=cole,
        order_type=order_type("scpo"),
        applicant=applicant("cps"),
        status="applied",
        applied_on=today - 20 * DAY,
    )
    assert applied.state() == OrderState.PENDING
    with pytest.raises(InvalidInput) as early:
        services.grant_order(
            actor=offender_manager, order=applied, decided_on=today - 21 * DAY, duration_months=24
        )
    assert "before the application" in _text(early.value)
    services.grant_order(
        actor=offender_manager,
        order=applied,
        decided_on=today - 2 * DAY,
        duration_months=24,
        conditions=[
            ConditionInput(
                "curfew", "Curfew 21:00 to 07:00", {"from_time": "21:00", "to_time": "07:00"}
            )
        ],
    )
    applied.refresh_from_db()
    assert applied.status == OrderStatus.GRANTED and applied.current_conditions.count() == 1
    assert [e.action for e in applied.events.all()] == ["applied", "granted"]

    other = services.record_order(
        actor=offender_manager,
        nominal=person("Other"),
        order_type=order_type("scpo"),
        applicant=applicant("cps"),
        status="applied",
        applied_on=today - 20 * DAY,
    )
    with pytest.raises(InvalidInput) as no_reason:
        services.refuse_order(actor=offender_manager, order=other, decided_on=today, reason=" ")
    assert "why the court refused" in _text(no_reason.value)
    services.refuse_order(
        actor=offender_manager, order=other, decided_on=today, reason="Not necessary"
    )
    other.refresh_from_db()
    assert other.status == OrderStatus.REFUSED


def test_a_refused_order_cannot_be_granted(offender_manager, person, order_type, applicant, today):
    order = services.record_order(
        actor=offender_manager,
        nominal=person(),
        order_type=order_type("scpo"),
        applicant=applicant("cps"),
        status="applied",
        applied_on=today - 5 * DAY,
    )
    services.refuse_order(actor=offender_manager, order=order, decided_on=today, reason="No")
    with pytest.raises(InvalidInput) as refused:
        services.grant_order(
            actor=offender_manager, order=order, decided_on=today, duration_months=12
        )
    assert "only an order that is applied for" in _text(refused.value)


def test_conditions_are_structured_and_checked(grant, person):
    cole, associate = person(), person("Associate")
    with pytest.raises(InvalidInput) as refused:
        grant(
            cole,
            "scpo",
            conditions=[
                ConditionInput("non_association", "Not to contact the co-accused"),
                ConditionInput("curfew", "Curfew", {"from_time": "9pm", "to_time": "07:00"}),
                ConditionInput("teleport", "Stay put"),
            ],
        )
    message = _text(refused.value)
    assert "Condition 1: give 'the person not to associate with'" in message
    assert "'9pm' is not a time" in message
    assert "Condition 3: choose what kind" in message
    assert not Order.objects.exists()
    order = grant(
        cole,
        "scpo",
        conditions=[
            ConditionInput("non_association", "Not to contact J Associate", associate=associate),
            ConditionInput(
                "exclusion_zone",
                "Not to enter Swindon town centre",
                {"area": "Swindon town centre"},
            ),
        ],
    )
    kinds = sorted(c.kind for c in order.current_conditions)
    assert kinds == ["exclusion_zone", "non_association"]
    assert order.conditions.get(kind="non_association").associate == associate


def test_a_variation_extends_within_the_statute_and_keeps_removed_conditions(
    offender_manager, grant, person, today
):
    order = grant(
        person(),
        "scpo",
        duration_months=24,
        decided_on=today - 100 * DAY,
        conditions=[ConditionInput("devices", "One phone only")],
    )
    with pytest.raises(InvalidInput) as refused:
        services.vary_order(
            actor=offender_manager,
            order=order,
            varied_on=today,
            reason="Extended",
            duration_months=61,
        )
    assert "at most 5 years" in _text(refused.value)
    condition = order.current_conditions.get()
    services.vary_order(
        actor=offender_manager,
        order=order,
        varied_on=today,
        reason="Extended on application",
        duration_months=60,
        remove_conditions=[condition.pk],
        add_conditions=[
            ConditionInput(
                "reporting",
                "Report weekly",
                {"where": "Melksham police station", "frequency": "weekly"},
            )
        ],
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.VARIED
    assert order.ends_on == services.rules.last_day(today - 100 * DAY, 60)
    assert OrderCondition.objects.get(pk=condition.pk).removed_in is not None
    assert [c.kind for c in order.current_conditions] == ["reporting"]
    assert order.events.last().changes["conditions_removed"] == [condition.pk]


def test_a_closure_order_is_made_for_three_months_and_extended_to_six(
    offender_manager, grant, person, today
):
    with pytest.raises(InvalidInput):
        grant(person(), "closure-order", by="police", court="magistrates", duration_months=4)
    order = grant(
        person("Premises"),
        "closure-order",
        by="police",
        court="magistrates",
        duration_months=3,
        decided_on=today - 20 * DAY,
    )
    with pytest.raises(InvalidInput):
        services.vary_order(
            actor=offender_manager,
            order=order,
            varied_on=today,
            reason="Extension",
            duration_months=7,
        )
    services.vary_order(
        actor=offender_manager, order=order, varied_on=today, reason="Extension", duration_months=6
    )
    order.refresh_from_db()
    assert order.duration_months == 6


def test_a_variation_must_change_something(offender_manager, grant, person, today):
    order = grant(person())
    with pytest.raises(InvalidInput) as refused:
        services.vary_order(actor=offender_manager, order=order, varied_on=today, reason="x")
    assert "Say what the court varied" in _text(refused.value)


def test_a_discharge_needs_its_reason_and_ends_the_order(offender_manager, grant, person, today):
    order = grant(person())
    with pytest.raises(InvalidInput):
        services.discharge_order(
            actor=offender_manager, order=order, discharged_on=today, reason=""
        )
    services.discharge_order(
        actor=offender_manager, order=order, discharged_on=today, reason="Appeal allowed"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.DISCHARGED and order.ended_on == today
    with pytest.raises(InvalidInput):
        services.discharge_order(
            actor=offender_manager, order=order, discharged_on=today, reason="Again"
        )


def test_orders_past_their_last_day_are_recorded_as_expired(offender_manager, grant, person, today):
    old = grant(person(), "kcpo", by="police", duration_months=6, decided_on=today - 200 * DAY)
    current = grant(person("Current"), "scpo", duration_months=12)
    expired = services.expire_orders(actor=offender_manager)
    assert expired == [old]
    old.refresh_from_db()
    current.refresh_from_db()
    assert old.status == OrderStatus.EXPIRED and old.ended_on == old.ends_on + DAY
    assert current.status == OrderStatus.GRANTED
    assert old.events.last().action == OrderAction.EXPIRED
    assert services.expire_orders(actor=offender_manager) == []


def test_the_history_of_an_order_cannot_be_changed(grant, person):
    event = grant(person()).events.get()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        OrderEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_a_partner_and_an_inspector_record_no_orders(
    council_partner, inspector, person, order_type, applicant, today
):
    for actor in (council_partner, inspector):
        with pytest.raises(PermissionDenied):
            services.record_order(
                actor=actor,
                nominal=person(),
                order_type=order_type("scpo"),
                applicant=applicant("cps"),
                decided_on=today,
                duration_months=12,
            )


def test_an_order_cannot_be_dated_in_the_future(grant, person, today):
    with pytest.raises(InvalidInput) as refused:
        grant(person(), decided_on=today + DAY)
    assert "cannot be in the future" in _text(refused.value)


def test_an_order_cannot_start_before_it_was_made(grant, person, today):
    with pytest.raises(InvalidInput) as refused:
        grant(person(), decided_on=today - 5 * DAY, start_on=today - 6 * DAY)
    assert "cannot start before the court made it" in _text(refused.value)


# --------------------------------------------------------------------------- breaches


@pytest.fixture
def dual_officer(make_user, org):
    """An LRO who also manages offenders: may record orders and disruptions."""
    return make_user(org("Wiltshire"), "offender_manager", "lro", username="wiltshire.dual")


def test_a_breach_that_led_to_arrest_is_recorded_as_a_disruption(
    dual_officer, grant, person, active_group, outcome, today
):
    cole = person()
    group = active_group(members=[cole])
    order = grant(cole, actor=dual_officer, decided_on=today - 60 * DAY)
    breach = services.record_breach(
        actor=dual_officer,
        order=order,
        occurred_on=today - 3 * DAY,
        description="Seen with a named associate in breach of the non-association condition.",
        outcome=outcome("arrested"),
        record_as_disruption=True,
    )
    disruption = breach.disruption
    assert disruption.tactic_id == "arrest" and disruption.category == "pursue"
    assert list(disruption.threats.all()) == [group]
    assert list(disruption.nominals.all()) == [cole]
    assert disruption.arrests == 1 and disruption.status == "draft"
    assert breach.reference in disruption.narrative


def test_an_offender_manager_records_the_breach_and_an_analyst_the_disruption(
    offender_manager, wiltshire_analyst, grant, person, active_group, outcome, today
):
    cole = person()
    active_group(members=[cole])
    order = grant(cole, decided_on=today - 60 * DAY)
    with pytest.raises(PermissionDenied):
        services.record_breach(
            actor=offender_manager,
            order=order,
            occurred_on=today,
            description="Curfew breach",
            outcome=outcome("charged"),
            record_as_disruption=True,
        )
    assert not Breach.objects.exists() and not Disruption.objects.exists()
    breach = services.record_breach(
        actor=offender_manager,
        order=order,
        occurred_on=today,
        description="Curfew breach",
        outcome=outcome("charged"),
    )
    assert breach.awaits_disruption
    assert list(selectors.breaches_awaiting_disruption(wiltshire_analyst)) == [breach]
    services.record_breach_disruption(actor=wiltshire_analyst, breach=breach)
    breach.refresh_from_db()
    assert breach.disruption.tactic_id == "charge"
    assert not selectors.breaches_awaiting_disruption(wiltshire_analyst).exists()
    with pytest.raises(InvalidInput):
        services.record_breach_disruption(actor=wiltshire_analyst, breach=breach)


def test_a_breach_with_no_action_is_no_disruption(dual_officer, grant, person, outcome, today):
    order = grant(person(), actor=dual_officer)
    with pytest.raises(InvalidInput) as refused:
        services.record_breach(
            actor=dual_officer,
            order=order,
            occurred_on=today,
            description="Late home",
            outcome=outcome("warning"),
            record_as_disruption=True,
        )
    assert "not enforcement action" in _text(refused.value)


def test_a_breach_disruption_needs_a_threat(dual_officer, grant, person, outcome, today):
    order = grant(person(), actor=dual_officer)
    with pytest.raises(InvalidInput) as refused:
        services.record_breach(
            actor=dual_officer,
            order=order,
            occurred_on=today,
            description="Breach",
            outcome=outcome("arrested"),
            record_as_disruption=True,
        )
    assert "not linked to a threat" in _text(refused.value)
    assert not Breach.objects.exists()


def test_a_breach_must_fall_while_the_order_is_in_force(
    offender_manager, grant, person, custody, outcome, today
):
    order = grant(person(), decided_on=today - 10 * DAY)
    with pytest.raises(InvalidInput) as early:
        services.record_breach(
            actor=offender_manager,
            order=order,
            occurred_on=today - 11 * DAY,
            description="x",
            outcome=outcome("warning"),
        )
    assert "came into force on" in _text(early.value)
    inside = person("Inside")
    custody(inside)
    waiting = grant(inside, starts_on_release=True)
    with pytest.raises(InvalidInput) as not_yet:
        services.record_breach(
            actor=offender_manager,
            order=waiting,
            occurred_on=today,
            description="x",
            outcome=outcome("warning"),
        )
    assert "has not come into force yet" in _text(not_yet.value)
    ended = grant(
        person("Ended"), "kcpo", by="police", duration_months=6, decided_on=today - 300 * DAY
    )
    with pytest.raises(InvalidInput) as late:
        services.record_breach(
            actor=offender_manager,
            order=ended,
            occurred_on=today,
            description="x",
            outcome=outcome("warning"),
        )
    assert "last day in force" in _text(late.value)


def test_a_breach_of_an_application_is_refused(
    offender_manager, person, order_type, applicant, outcome, today
):
    order = services.record_order(
        actor=offender_manager,
        nominal=person(),
        order_type=order_type("scpo"),
        applicant=applicant("cps"),
        status="applied",
        applied_on=today,
    )
    with pytest.raises(InvalidInput) as refused:
        services.record_breach(
            actor=offender_manager,
            order=order,
            occurred_on=today,
            description="x",
            outcome=outcome("warning"),
        )
    assert "never in force" in _text(refused.value)


def test_an_analyst_records_an_order_obtained_as_a_disruption(
    wiltshire_analyst, grant, person, active_group
):
    cole = person()
    active_group(members=[cole])
    order = grant(cole)
    disruption = services.record_order_disruption(actor=wiltshire_analyst, order=order)
    assert disruption.tactic_id == "ancillary-order"
    order.refresh_from_db()
    assert order.disruption == disruption


# --------------------------------------------------------------------------- considering an order


def _convict(analyst, threat, nominal, on):
    return record_disruption(
        actor=analyst,
        threats=[threat],
        occurred_on=on,
        category="pursue",
        tactic=Tactic.objects.get(code="conviction"),
        nominals=[nominal],
    )


def test_a_convicted_member_of_an_active_threat_needs_an_order_considered(
    wiltshire_analyst, offender_manager, person, active_group, today
):
    cole, free = person(), person("Free")
    group = active_group(members=[cole, free])
    _convict(wiltshire_analyst, group, cole, today - 20 * DAY)
    rows = selectors.consider_an_order(offender_manager)
    assert [r.nominal for r in rows] == [cole]
    assert rows[0].threats == [group] and rows[0].convicted_on == today - 20 * DAY
    assert "conviction recorded as disruption" in rows[0].evidence

    services.consider_order(
        actor=offender_manager,
        nominal=cole,
        decision="not_appropriate",
        reason="Licence conditions already restrict associates.",
        threat=group,
        decided_on=today - 10 * DAY,
    )
    assert selectors.consider_an_order(offender_manager) == []

    _convict(wiltshire_analyst, group, cole, today - 1 * DAY)
    again = selectors.consider_an_order(offender_manager)
    assert [r.nominal for r in again] == [cole]
    assert again[0].last_decision.decision == "not_appropriate"


def test_a_custodial_sentence_counts_as_a_conviction(
    offender_manager, person, active_group, custody
):
    cole = person()
    active_group(members=[cole])
    custody(cole)
    rows = selectors.consider_an_order(offender_manager)
    assert rows[0].evidence.startswith("custodial sentence")


def test_an_order_since_the_conviction_answers_the_alert(
    wiltshire_analyst, offender_manager, person, active_group, grant, today
):
    cole = person()
    group = active_group(members=[cole])
    _convict(wiltshire_analyst, group, cole, today - 40 * DAY)
    grant(cole, decided_on=today - 30 * DAY)
    assert selectors.consider_an_order(offender_manager) == []


def test_members_of_archived_threats_are_not_listed(
    wiltshire_analyst, offender_manager, person, active_group, today
):
    cole = person()
    group = active_group(members=[cole])
    _convict(wiltshire_analyst, group, cole, today - 20 * DAY)
    change_status(
        actor=None,
        threat=group,
        to_status=Status.ARCHIVED,
        archive_reason="dismantled",
        reason="All convicted",
    )
    assert selectors.consider_an_order(offender_manager) == []


def test_another_force_sees_no_alert_for_people_it_cannot_see(
    wiltshire_analyst,
    dorset_offender_manager,
    swrocu_offender_manager,
    person,
    active_group,
    today,
):
    cole = person()
    group = active_group(members=[cole])
    _convict(wiltshire_analyst, group, cole, today - 20 * DAY)
    assert selectors.consider_an_order(dorset_offender_manager) == []
    assert [r.nominal for r in selectors.consider_an_order(swrocu_offender_manager)] == [cole]


@pytest.mark.parametrize(
    "changes, field_name",
    [
        ({"reason": "  "}, "reason"),
        ({"decision": "maybe"}, "decision"),
        ({"decision": "apply"}, "order_type"),
        ({"decision": "review_later"}, "review_on"),
    ],
)
def test_a_decision_needs_its_reason_and_details(offender_manager, person, changes, field_name):
    values = {"decision": "not_appropriate", "reason": "Already managed on licence."}
    values.update(changes)
    with pytest.raises(InvalidInput) as refused:
        services.consider_order(actor=offender_manager, nominal=person(), **values)
    assert field_name in _fields(refused.value)


def test_deciding_to_apply_checks_the_subjects_age(offender_manager, person, order_type):
    with pytest.raises(InvalidInput) as refused:
        services.consider_order(
            actor=offender_manager,
            nominal=person(age=16),
            decision="apply",
            order_type=order_type("scpo"),
            reason="Leads a county line",
        )
    assert "18 or over" in _text(refused.value)


# --------------------------------------------------------------------------- alerts


def test_releases_and_expiries_in_the_next_days(offender_manager, grant, person, custody, today):
    soon, later = person("Soon"), person("Later")
    custody(soon, release_in=20)
    custody(later, release_in=200)
    assert [c.nominal for c in selectors.releases_due(offender_manager, days=90)] == [soon]
    ending = grant(
        person("Ending"), "kcpo", by="police", duration_months=6, decided_on=today - 150 * DAY
    )
    grant(person("Lasting"), "scpo", duration_months=60)
    assert list(selectors.orders_expiring(offender_manager, days=90)) == [ending]
    assert list(selectors.orders_expiring(offender_manager, days=10)) == []
