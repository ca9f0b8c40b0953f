"""Fixtures for intelligence handling: cleared and uncleared officers, an administrator to
clear them, and helpers that record reports through the services (as the pages do)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socmap.intel import services
from socmap.people.services import record_nominal
from socmap.reference import ensure_all

ORIGINAL = (
    "Subject COLE is storing cocaine at a lock-up behind the parade. "
    "[[The source works the night shift at the Red Lion car wash]] and saw two deliveries."
)


@pytest.fixture(autouse=True)
def reference(db):
    ensure_all()


@pytest.fixture
def today():
    return timezone.localdate()


def clear(user, level="official_sensitive", admin=None):
    """Clear ``user`` through the service, as an administrator of their organisation would."""
    return services.grant_clearance(
        actor=admin,
        user=user,
        level=level,
        expires_on=timezone.localdate() + dt.timedelta(days=365),
        reason="Intelligence officer",
    )


@pytest.fixture
def cleared_analyst(wiltshire_analyst):
    clear(wiltshire_analyst)
    return wiltshire_analyst


@pytest.fixture
def uncleared_analyst(make_user, org):
    return make_user(org("Wiltshire"), "analyst", username="wiltshire.uncleared")


@pytest.fixture
def cleared_rocu(swrocu_officer):
    clear(swrocu_officer, "secret")
    return swrocu_officer


@pytest.fixture
def nominal(wiltshire_analyst):
    return record_nominal(
        actor=None,
        owner=wiltshire_analyst.organisation,
        surname="Cole",
        forenames="Jay",
        foreign_national=True,
        nationality="Albanian",
    )


@pytest.fixture
def report(cleared_analyst, today):
    """Record a report as the cleared Wiltshire analyst (3x5x2 2BC by default)."""

    def make(text=ORIGINAL, **fields):
        values = {
            "reported_on": today - dt.timedelta(days=3),
            "source_type": "chis",
            "grading_system": "3x5x2",
            "source_evaluation": "2",
            "intelligence_assessment": "B",
            "handling_code": "C",
            "handling_conditions": "Not to be used in evidence; no disclosure to the subject.",
            "classification": "official_sensitive",
        }
        values.update(fields)
        actor = values.pop("actor", cleared_analyst)
        return services.record_report(actor=actor, text=text, **values)

    return make


@pytest.fixture
def person_factory(wiltshire_analyst):
    counter = {"n": 0}

    def make(**fields):
        counter["n"] += 1
        fields.setdefault("surname", f"Person{counter['n']}")
        return record_nominal(actor=None, owner=wiltshire_analyst.organisation, **fields)

    return make


@pytest.fixture
def map_threat_for():
    """Map a group as ``actor`` (for their organisation); ``adopt`` assesses and adopts it."""
    from socmap.scoring.services import methodology_version
    from socmap.threats.models import CrimeType, Status
    from socmap.threats.services import change_status, map_and_assess_threat, map_threat

    answers = {
        "criminality": "serious",
        "weapons": "none",
        "violence": "none",
        "corruption": "none",
        "counter_surveillance": "basic",
        "legitimate_business": "uses",
        "international_links": "some",
        "reach": "regional",
        "network_size": "6-10",
        "intent": "high",
    }

    def make(actor, name="Northgate firm", adopt=False):
        fields = {
            "kind": "ocg",
            "name": name,
            "predominant_crime_type": CrimeType.objects.get(code="drugs"),
        }
        if not adopt:
            return map_threat(actor=actor, **fields)
        threat = map_and_assess_threat(
            actor=actor, methodology=methodology_version("group-matrix@1"), inputs=answers, **fields
        )
        return change_status(actor=None, threat=threat, to_status=Status.ACTIVE, reason="Adopted")

    return make
