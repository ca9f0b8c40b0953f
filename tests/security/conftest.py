"""Fixtures for the security tests: threats, reports, plans and disruptions made through the
services, and a restricted threat (a sensitive operation) with its named officer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socmap.reference import ensure_all
from socmap.security import services as security

ANSWERS = {
    "criminality": "serious",
    "weapons": "bladed",
    "violence": "assaults",
    "corruption": "none",
    "counter_surveillance": "basic",
    "legitimate_business": "none",
    "international_links": "none",
    "reach": "force",
    "network_size": "6-10",
    "intent": "medium",
}


@pytest.fixture
def reference(db):
    ensure_all()


@pytest.fixture
def make_threat(reference):
    """Map, assess and adopt an OCG as ``actor`` (through the services, as the pages do)."""
    from socmap.scoring.services import methodology_version
    from socmap.threats.models import CrimeType, Status
    from socmap.threats.services import change_status, map_and_assess_threat

    def make(actor, name="Northgate firm", **fields):
        threat = map_and_assess_threat(
            actor=actor,
            kind="ocg",
            name=name,
            predominant_crime_type=CrimeType.objects.get(code="drugs"),
            methodology=methodology_version("group-matrix@1"),
            inputs=dict(ANSWERS),
            **fields,
        )
        return change_status(actor=actor, threat=threat, to_status=Status.ACTIVE, reason="Adopted")

    return make


@pytest.fixture
def make_report(reference):
    from socmap.intel import services as intel

    def make(actor, text="Subject COLE stores cocaine at the lock-up.", threats=(), **fields):
        values = {
            "reported_on": timezone.localdate() - dt.timedelta(days=3),
            "source_type": "officer",
            "grading_system": "3x5x2",
            "source_evaluation": "1",
            "intelligence_assessment": "A",
            "handling_code": "P",
            "classification": "official_sensitive",
            "threats": list(threats),
        }
        values.update(fields)
        if not actor.intel_clearances.filter(revoked_at__isnull=True).exists():
            intel.grant_clearance(
                actor=None,
                user=actor,
                level="secret",
                reason="Intelligence officer",
                expires_on=timezone.localdate() + dt.timedelta(days=365),
            )
        return intel.record_report(actor=actor, text=text, **values)

    return make


@pytest.fixture
def kestrel_officer(make_user, org):
    """The Wiltshire officer named in Operation Kestrel's restriction."""
    return make_user(org("Wiltshire"), "analyst", "lro", username="kestrel.officer")


@pytest.fixture
def restricted_threat(make_threat, kestrel_officer):
    """A Wiltshire threat restricted to the Kestrel officer (who restricted it)."""
    threat = make_threat(kestrel_officer, "Kestrel network")
    security.restrict_record(
        actor=kestrel_officer,
        record=threat,
        name="Operation Kestrel",
        reason="Covert operation: need to know only",
    )
    threat.refresh_from_db()
    return threat
