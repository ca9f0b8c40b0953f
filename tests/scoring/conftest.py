"""Fixtures for the scoring tests: the shipped methodologies, answer sets, and helpers that
map and adopt threats through the services (as the pages do)."""

from __future__ import annotations

import copy

import pytest
import yaml

from socmap.scoring.methodology import METHODOLOGY_DIR, parse_methodology
from socmap.scoring.services import methodology_version, publish_methodologies
from socmap.threats.models import CrimeType, Status, ThreatKind
from socmap.threats.services import change_status, map_and_assess_threat, map_threat

# Every attribute of group-matrix@1 answered at the top: score 100, band 1A.
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
# The same objective facts as LOW_ANSWERS, judged far more dangerous: band 3B, not 3C.
LOW_FACTS_HIGH_JUDGEMENT = {
    **LOW_ANSWERS,
    "counter_surveillance": "sophisticated",
    "intent": "high",
}
MORILE_ANSWERS = {
    "physical": "high",
    "psychological": "medium",
    "financial": "medium",
    "community": "low",
    "geographic_scope": "regional",
    "victim_vulnerability": "high",
    "likelihood": "likely",
    "confidence": "medium",
    "organisational_position": "partial",
}


@pytest.fixture
def drugs(db):
    return CrimeType.objects.get(code="drugs")


@pytest.fixture
def group_matrix(db):
    return methodology_version("group-matrix@1")


@pytest.fixture
def morile(db):
    return methodology_version("morile@1")


@pytest.fixture
def map_ocg(drugs, group_matrix):
    """Map, assess and (by default) adopt an OCG as ``actor``."""

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


@pytest.fixture
def map_vulnerability(drugs):
    def make(actor, name="Drones over the prison"):
        return map_threat(
            actor=actor, name=name, kind=ThreatKind.VULNERABILITY, predominant_crime_type=drugs
        )

    return make


def publish_version_2(actor, *, extra_attribute=False, criminality_weight=8):
    document = yaml.safe_load((METHODOLOGY_DIR / "group-matrix.yaml").read_text())
    document = copy.deepcopy(document)
    document["version"] = 2
    document["attributes"][0]["weight"] = criminality_weight
    if extra_attribute:
        document["attributes"].append(
            {
                "key": "cash_seized",
                "label": "Cash seized",
                "weight": 1,
                "answers": [{"key": "none", "points": 0}, {"key": "some", "points": 1}],
            }
        )
    publish_methodologies(actor=actor, methodologies=[parse_methodology(document)])
    return methodology_version("group-matrix@2")
