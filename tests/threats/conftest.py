"""Fixtures for the threat tests: crime types, the group matrix, a full set of answers, and
helpers that map threats through the services (as the pages do)."""

from __future__ import annotations

import pytest

from socmap.scoring.services import methodology_version
from socmap.threats.models import CrimeType, Status, ThreatKind
from socmap.threats.services import change_status, map_and_assess_threat, map_threat

# Every attribute of group-matrix@1, answered at the top: band 1A.
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
# ...and at the bottom: band 3C.
LOW_ANSWERS = {
    "criminality": "minor",
    "weapons": "none",
    "violence": "none",
    "corruption": "none",
    "counter_surveillance": "none",
    "legitimate_business": "none",
    "international_links": "none",
    "reach": "local",
    "network_size": "1-5",
    "intent": "low",
}


@pytest.fixture
def drugs(db):
    return CrimeType.objects.get(code="drugs")


@pytest.fixture
def fraud(db):
    return CrimeType.objects.get(code="fraud")


@pytest.fixture
def group_matrix(db):
    return methodology_version("group-matrix@1")


@pytest.fixture
def wiltshire_lro(make_user, org):
    return make_user(org("Wiltshire"), "lro", username="wiltshire.lro", first_name="Lee")


@pytest.fixture
def wiltshire_sro(make_user, org):
    return make_user(org("Wiltshire"), "analyst", username="wiltshire.sro", first_name="Sam")


@pytest.fixture
def map_ocg(drugs, group_matrix):
    """Map (and by default assess and adopt) an OCG as ``actor``."""

    def make(actor, name="Test group", *, answers=TOP_ANSWERS, adopt=True, **fields):
        fields.setdefault("kind", ThreatKind.OCG)
        fields.setdefault("predominant_crime_type", drugs)
        if answers is None:
            return map_threat(actor=actor, name=name, **fields)
        threat = map_and_assess_threat(
            actor=actor, name=name, methodology=group_matrix, inputs=dict(answers), **fields
        )
        if adopt:
            threat = change_status(
                actor=actor, threat=threat, to_status=Status.ACTIVE, reason="Adopted at tasking"
            )
        return threat

    return make
