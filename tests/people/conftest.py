"""Fixtures for the people tests: recording people through the service, as the pages do,
and sharing a person with a partner agency."""

from __future__ import annotations

import pytest

from socmap.orgs.services import share_record
from socmap.people.services import record_nominal


@pytest.fixture
def person():
    """Record a person as ``actor`` (the system if ``None``) through the service."""

    def make(actor, surname="Smith", forenames="John", **fields):
        return record_nominal(actor=actor, surname=surname, forenames=forenames, **fields)

    return make


@pytest.fixture
def share_with():
    def share(actor, record, organisation):
        return share_record(actor=actor, record=record, organisation=organisation)

    return share
