from __future__ import annotations

import pytest

from socmap.reference import ensure_all
from tests.search import world as world_module


@pytest.fixture(autouse=True)
def reference(db):
    ensure_all()


@pytest.fixture
def durham_analyst(make_user, org):
    return make_user(org("Durham"), "analyst", username="durham.analyst")


@pytest.fixture
def world(wiltshire_analyst, dorset_analyst, durham_analyst, wiltshire_council):
    return world_module.build(
        wiltshire_analyst=wiltshire_analyst,
        dorset_analyst=dorset_analyst,
        durham_analyst=durham_analyst,
        council=wiltshire_council,
    )
