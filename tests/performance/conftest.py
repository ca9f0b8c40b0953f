"""Fixtures for the performance tests: the disruption tests' threats and claims (mapped,
recorded and validated through the services, as the pages do), plus helpers that put
disruptions straight into the table for figures computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from socmap.disruptions.models import Disruption, Tactic
from socmap.orgs.models import Organisation, PopulationFigure
from tests.disruptions.conftest import (  # noqa: F401  (fixtures)
    days_ago,
    make_threat,
    record,
    submitted,
    tactic,
    validated,
    wiltshire_threat,
)


@pytest.fixture
def put(db):
    """Put ``n`` disruptions of ``owner`` (a force name) on ``day`` straight into the table,
    validated unless told otherwise: the figures of the tests are computed by hand from these."""

    def make(owner: str, n: int, day: dt.date, *, status="validated", category="pursue",
             code="arrest", grade="moderate", **quantities):  # fmt: skip
        force = Organisation.objects.get(name=owner)
        arrest = Tactic.objects.get(pk=code)
        validated_at = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
        return Disruption.objects.bulk_create(
            [
                Disruption(
                    owner=force,
                    acting_organisation=force,
                    occurred_on=day,
                    category=category,
                    tactic=arrest,
                    grade=grade,
                    status=status,
                    validated_at=validated_at if status == "validated" else None,
                    **quantities,
                )
                for _ in range(n)
            ]
        )

    return make


@pytest.fixture
def population(db):
    def set_population(force: str, year: int, people: int) -> None:
        PopulationFigure.objects.update_or_create(
            force=Organisation.objects.get(name=force),
            year=year,
            defaults={"population": people, "basis": "test figure"},
        )

    return set_population
