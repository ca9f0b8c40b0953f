"""Fixtures for the 4P plan tests: an active Wiltshire group led by an LRO with an SRO, its
plan, and helpers that go through the services (as the pages, API and commands do)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socmap.plans import services
from tests.threats.conftest import drugs, group_matrix, map_ocg

__all__ = ["drugs", "group_matrix", "map_ocg"]  # the threat tests' fixtures, reused here


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def soon(today):
    return today + dt.timedelta(days=30)


@pytest.fixture
def wiltshire_lro(make_user, org):
    return make_user(
        org("Wiltshire"), "lro", username="wiltshire.lro", first_name="Helen", last_name="Marsh"
    )


@pytest.fixture
def other_lro(make_user, org):
    return make_user(org("Wiltshire"), "lro", username="wiltshire.lro2", last_name="Other")


@pytest.fixture
def wiltshire_chair(make_user, org):
    return make_user(org("Wiltshire"), "tasking_chair", username="wiltshire.tasking")


@pytest.fixture
def wiltshire_sro(make_user, org):
    return make_user(org("Wiltshire"), "analyst", username="wiltshire.sro", last_name="Senior")


@pytest.fixture
def swrocu_chair(make_user, org):
    return make_user(org("SWROCU"), "analyst", "tasking_chair", username="swrocu.chair")


@pytest.fixture
def map_group(map_ocg, wiltshire_analyst):
    """Map, assess and (by default) adopt a group, as Wiltshire's analyst unless ``actor``."""

    def make(name="Test group", *, actor=None, **fields):
        return map_ocg(actor or wiltshire_analyst, name, **fields)

    return make


@pytest.fixture
def threat(map_group, wiltshire_lro, wiltshire_sro):
    return map_group("Riverside crew", lro=wiltshire_lro, sro=wiltshire_sro)


@pytest.fixture
def plan(threat, wiltshire_lro):
    return services.create_plan(actor=wiltshire_lro, threat=threat)


@pytest.fixture
def add_action(wiltshire_lro, soon):
    def add(plan, category="pursue", *, actor=None, owner_user=None, **fields):
        if owner_user is None and "owner_organisation" not in fields:
            owner_user = wiltshire_lro
        return services.add_action(
            actor=actor or wiltshire_lro,
            plan=plan,
            category=category,
            description=fields.pop("description", f"A {category} action"),
            due_on=fields.pop("due_on", soon),
            owner_user=owner_user,
            **fields,
        )

    return add
