"""A trainer shows lifetime management: the demo plans custody, orders on release, orders
ending soon, breaches and decisions, the same for the same seed, within the statutes; the
generator applies it (and the intelligence step) through the services and adds nothing when
run again."""

from __future__ import annotations

import datetime as dt
import functools
import io

import pytest
from django.core.management import call_command

from socmap.intel import selectors as intel_selectors
from socmap.intel.models import (
    ForeignNationalArrest,
    IntelClearance,
    IntelligenceReport,
    SanitisedCopy,
    SuspiciousActivityReport,
    TriggerReport,
)
from socmap.lifetime import rules, selectors
from socmap.lifetime.demo import plan_lifetime
from socmap.lifetime.models import Breach, CustodyRecord, Order, OrderConsideration
from socmap.orgs.models import User
from tests.demo.conftest import TODAY, people, threats

LIMITS = {
    "scpo": (1, 60),
    "tro": (24, None),
    "stpo": (60, None),
    "cbo": (24, None),
    "kcpo": (6, 24),
}


@functools.lru_cache(maxsize=8)
def plan(seed=7, scale=0.3):
    return plan_lifetime(
        seed=seed,
        people=people(seed, scale=scale),
        threats=threats(seed, scale=scale),
        today=TODAY,
        scale=scale,
    )


def test_the_same_seed_plans_the_same_lifetime_records():
    assert plan(seed=5) == plan(seed=5)
    assert plan(seed=5) != plan(seed=6)


def test_the_plan_has_every_situation_an_offender_manager_meets():
    made = plan()
    in_custody = [
        c for c in made.custody if c.released_on is None and c.custody_type == "sentenced"
    ]
    assert in_custody and any(c.custody_type == "remand" for c in made.custody)
    assert any(c.expected_release_on <= TODAY + dt.timedelta(days=90) for c in in_custody)
    on_release = [o for o in made.orders if o.starts_on_release]
    assert on_release and all(o.order_type in ("scpo", "tro") for o in on_release)
    granted = [o for o in made.orders if o.status == "granted" and not o.starts_on_release]
    ending = [
        o
        for o in granted
        if o.duration_months
        and TODAY
        <= rules.last_day(o.decided_on, o.duration_months)
        <= TODAY + dt.timedelta(days=90)
    ]
    assert ending, "some orders end in the next 90 days"
    assert any(o.breaches for o in made.orders)
    assert any(o.status == "applied" for o in made.orders)
    assert made.decisions


def test_planned_orders_keep_to_their_statutes():
    for order in plan(seed=3, scale=0.5).orders:
        if order.duration_months is None:
            continue
        low, high = LIMITS[order.order_type]
        assert order.duration_months >= low and (high is None or order.duration_months <= high)


def test_planned_sentences_release_within_the_sentence():
    for custody in plan().custody:
        if custody.custody_type != "sentenced":
            continue
        expiry = rules.sentence_expiry(custody.started_on, custody.sentence_months)
        assert custody.started_on <= custody.expected_release_on <= expiry


MODELS = (
    CustodyRecord,
    Order,
    Breach,
    OrderConsideration,
    IntelligenceReport,
    SanitisedCopy,
    TriggerReport,
    SuspiciousActivityReport,
    ForeignNationalArrest,
    IntelClearance,
)


@pytest.mark.django_db
def test_demo_data_records_lifetime_management_and_intelligence_and_adds_nothing_when_rerun():
    out = io.StringIO()
    call_command("demo-data", "--forces", "2", "--seed", "3", "--scale", "0.05", stdout=out)
    assert "Custody, ancillary orders and breaches" in out.getvalue()
    assert "Intelligence, trigger reports, SARs and ACRO checks" in out.getvalue()
    counts = [m.objects.count() for m in MODELS]
    assert all(counts), dict(zip([m.__name__ for m in MODELS], counts, strict=True))
    assert Order.objects.filter(starts_on_release=True, start_is_provisional=True).exists()
    offender = User.objects.get(username="wiltshire.offender")
    assert selectors.releases_due(offender, days=365).exists()
    analyst = User.objects.get(username="wiltshire.analyst")
    wiltshire = next(r for r in intel_selectors.measures(analyst).rows if r.name == "Wiltshire")
    assert (wiltshire.sars_received, wiltshire.packages, wiltshire.arrests) == (50, 1, 66)
    assert wiltshire.acro_checked == round(66 * 204 / 1320)
    partner = User.objects.get(username="wiltshire-council.partner")
    assert intel_selectors.copy_list(partner, shared_only=True).exists()
    assert not intel_selectors.reports_for(partner).exists()
    call_command(
        "demo-data", "--forces", "2", "--seed", "3", "--scale", "0.05", stdout=io.StringIO()
    )
    assert counts == [m.objects.count() for m in MODELS]
