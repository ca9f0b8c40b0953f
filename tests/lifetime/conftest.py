"""Fixtures for lifetime management: an offender manager of Wiltshire, people of known ages,
an active group they belong to, and helpers that record custody and orders through the
services (as the pages do)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socmap.lifetime import services
from socmap.lifetime.models import Applicant, BreachOutcome, OrderType
from socmap.people.services import record_nominal
from socmap.reference import ensure_all
from socmap.scoring.services import methodology_version
from socmap.threats.models import CrimeType, Status, ThreatKind
from socmap.threats.services import add_member, change_status, map_and_assess_threat

TOP_ANSWERS = {
    "criminality": "major",
    "weapons": "firearms_used",
    "violence": "serious",
    "corruption": "public",
    "counter_surveillance": "sophisticated",
    "legitimate_business": "controls",
    "international_links": "established",
    "reach": "international",
    "network_size": "21+",
    "intent": "high",
}


def years_ago(years: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:
        born = dt.date(today.year - years, 3, 1)
    return born - dt.timedelta(days=days)


@pytest.fixture(autouse=True)
def reference(db):
    ensure_all()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def offender_manager(make_user, org):
    return make_user(
        org("Wiltshire"), "offender_manager", username="wiltshire.offender", first_name="Declan"
    )


@pytest.fixture
def dorset_offender_manager(make_user, org):
    return make_user(org("Dorset"), "offender_manager", username="dorset.offender")


@pytest.fixture
def swrocu_offender_manager(make_user, org):
    return make_user(org("SWROCU"), "offender_manager", username="swrocu.offender")


@pytest.fixture
def wiltshire_lro(make_user, org):
    return make_user(org("Wiltshire"), "lro", username="wiltshire.lro")


@pytest.fixture
def order_type():
    return lambda code: OrderType.objects.get(code=code)


@pytest.fixture
def applicant():
    return lambda code: Applicant.objects.get(code=code)


@pytest.fixture
def outcome():
    return lambda code: BreachOutcome.objects.get(code=code)


@pytest.fixture
def person(wiltshire_analyst):
    """A Wiltshire nominal ``age`` years old (``days`` more)."""

    def make(surname="Cole", age=30, days=0, owner=None, **fields):
        return record_nominal(
            actor=None,
            owner=owner or wiltshire_analyst.organisation,
            surname=surname,
            forenames=fields.pop("forenames", "Jay"),
            date_of_birth=years_ago(age, days) if age is not None else None,
            **fields,
        )

    return make


@pytest.fixture
def active_group(wiltshire_analyst):
    def make(name="Northgate firm", members=(), owner=None):
        threat = map_and_assess_threat(
            actor=wiltshire_analyst if owner is None else None,
            kind=ThreatKind.OCG,
            name=name,
            predominant_crime_type=CrimeType.objects.get(code="drugs"),
            methodology=methodology_version("group-matrix@1"),
            inputs=dict(TOP_ANSWERS),
            owner=owner,
        )
        change_status(actor=None, threat=threat, to_status=Status.ACTIVE, reason="Adopted")
        for nominal in members:
            add_member(actor=None, threat=threat, nominal=nominal, role="core")
        return threat

    return make


@pytest.fixture
def custody(offender_manager, today):
    """Record ``nominal`` as serving ``months`` months, released (expected) in ``release_in``
    days."""

    def make(nominal, months=72, started_days_ago=400, release_in=300, actor=None, **fields):
        return services.record_custody(
            actor=actor or offender_manager,
            nominal=nominal,
            custody_type=fields.pop("custody_type", "sentenced"),
            started_on=today - dt.timedelta(days=started_days_ago),
            sentence_months=months,
            expected_release_on=today + dt.timedelta(days=release_in)
            if release_in is not None
            else None,
            establishment=fields.pop("establishment", "HMP Erlestoke"),
            **fields,
        )

    return make


@pytest.fixture
def grant(offender_manager, order_type, applicant, today):
    """Record an order the court has made, as the offender manager."""

    def make(nominal, code="scpo", by="cps", actor=None, decided_on=None, **fields):
        fields.setdefault("duration_months", 36 if code != "confiscation" else None)
        return services.record_order(
            actor=actor or offender_manager,
            nominal=nominal,
            order_type=order_type(code),
            applicant=applicant(by),
            status="granted",
            decided_on=decided_on or today - dt.timedelta(days=30),
            court=fields.pop("court", "crown"),
            **fields,
        )

    return make
