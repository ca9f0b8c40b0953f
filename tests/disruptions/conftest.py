"""Fixtures for the disruption tests: threats mapped through the services (as the pages do),
people in them, teams, and helpers that record, submit and validate claims."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socmap.disruptions import services
from socmap.disruptions.models import Tactic
from socmap.orgs.models import Team
from socmap.people.services import record_nominal
from socmap.scoring.services import methodology_version
from socmap.threats.models import CrimeType, Status, ThreatKind
from socmap.threats.services import add_member, change_status, map_and_assess_threat, map_threat

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
DAY = dt.timedelta(days=1)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def noon_days_ago(n: int) -> dt.datetime:
    """Noon in London ``n`` calendar days ago: ``now - n x 24 hours`` lands on the day before
    when a clock change lies between and the test runs late in the evening."""
    return timezone.make_aware(dt.datetime.combine(days_ago(n), dt.time(12)))


@pytest.fixture
def tactic(db):
    return lambda code: Tactic.objects.get(pk=code)


@pytest.fixture
def make_threat(db):
    """Map a threat as ``actor``: an OCG by default, assessed (some weeks ago) and adopted."""

    def make(actor, name="Northgate firm", *, kind=ThreatKind.OCG, assessed=True, **fields):
        drugs = CrimeType.objects.get(code="drugs")
        if kind != ThreatKind.OCG or not assessed:
            return map_threat(
                actor=actor, kind=kind, name=name, predominant_crime_type=drugs, **fields
            )
        threat = map_and_assess_threat(
            actor=actor,
            kind=kind,
            name=name,
            predominant_crime_type=drugs,
            methodology=methodology_version("group-matrix@1"),
            inputs=dict(ANSWERS),
            **fields,
        )
        # the assessment was made a month ago, before the disruptions the tests record
        type(threat).objects.filter(pk=threat.pk).update(
            last_assessed_at=timezone.now() - dt.timedelta(days=30)
        )
        threat.refresh_from_db()
        return change_status(
            actor=actor, threat=threat, to_status=Status.ACTIVE, reason="Adopted at tasking"
        )

    return make


@pytest.fixture
def wiltshire_threat(make_threat, wiltshire_analyst):
    return make_threat(wiltshire_analyst)


@pytest.fixture
def dorset_threat(make_threat, dorset_analyst):
    return make_threat(dorset_analyst, "Poole crew")


@pytest.fixture
def member(wiltshire_analyst, wiltshire_threat):
    """A person in the Wiltshire group."""
    nominal = record_nominal(actor=wiltshire_analyst, surname="Stone", forenames="Jack")
    add_member(actor=wiltshire_analyst, threat=wiltshire_threat, nominal=nominal, role="principal")
    return nominal


@pytest.fixture
def record(tactic):
    """Record a claim through the service: an arrest under Pursue, by default graded
    moderate with its rationale, a few days ago."""

    def make(actor, threats, **fields):
        fields.setdefault("occurred_on", days_ago(3))
        fields.setdefault("category", "pursue")
        fields.setdefault("tactic", tactic("arrest"))
        fields.setdefault("grade", "moderate")
        fields.setdefault("rationale", "Two core members remanded in custody.")
        fields.setdefault("quantities", {"arrests": 2})
        return services.record_disruption(actor=actor, threats=list(threats), **fields)

    return make


@pytest.fixture
def submitted(record, wiltshire_analyst, wiltshire_threat):
    """A moderate arrest claim by the Wiltshire analyst, submitted for validation."""
    return record(wiltshire_analyst, [wiltshire_threat], submit=True)


@pytest.fixture
def validated(submitted, wiltshire_validator):
    return services.validate_disruption(actor=wiltshire_validator, disruption=submitted)


@pytest.fixture
def team(db):
    """Put a user in one of their organisation's teams (made if need be)."""

    def place(user, name):
        found, _ = Team.objects.get_or_create(organisation=user.organisation, name=name)
        user.team = found
        user.save(update_fields=["team"])
        return user

    return place
