"""Shared fixtures: the reference organisations and socmap's test personas.

Personas (as in STYLE.md): an analyst and a validator of Wiltshire, a Dorset analyst,
a South West ROCU officer, an NCA officer, a local-authority partner (Wiltshire Council),
plus administrators and an inspector.
"""

from __future__ import annotations

import pytest
from django.test import Client

from socmap.orgs.models import Organisation, OrganisationKind, PartnerSector
from socmap.orgs.services import create_user, ensure_reference
from tests.people.linkage_memo import shared_linkage_models  # noqa: F401 (autouse, session)

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_reference()


@pytest.fixture
def org():
    """Look an organisation up by name or short name."""
    ensure_reference()

    def find(name: str) -> Organisation:
        return (
            Organisation.objects.get(name=name)
            if Organisation.objects.filter(name=name).exists()
            else Organisation.objects.get(short_name=name)
        )

    return find


@pytest.fixture
def wiltshire_council(org):
    ensure_reference()
    council, _ = Organisation.objects.get_or_create(
        slug="wiltshire-council",
        defaults={
            "name": "Wiltshire Council",
            "kind": OrganisationKind.PARTNER,
            "sector": PartnerSector.LOCAL_AUTHORITY,
            "home_force": org("Wiltshire"),
            "region": org("Wiltshire").region,
        },
    )
    return council


@pytest.fixture
def make_user(db):
    counter = {"n": 0}

    def make(organisation: Organisation, *roles: str, username: str | None = None, **extra):
        counter["n"] += 1
        username = username or f"user{counter['n']}.{organisation.slug}"[:150]
        return create_user(
            actor=None,
            username=username,
            email=f"{username}@test.example",
            first_name=extra.pop("first_name", "Test"),
            last_name=extra.pop("last_name", "User"),
            organisation=organisation,
            roles=list(roles) or ["analyst"],
            password=PASSWORD,
            **extra,
        ).user

    return make


@pytest.fixture
def wiltshire_analyst(make_user, org):
    return make_user(org("Wiltshire"), "analyst", username="wiltshire.analyst")


@pytest.fixture
def wiltshire_validator(make_user, org):
    return make_user(org("Wiltshire"), "validator", username="wiltshire.validator")


@pytest.fixture
def wiltshire_admin(make_user, org):
    return make_user(org("Wiltshire"), "administrator", username="wiltshire.admin")


@pytest.fixture
def dorset_analyst(make_user, org):
    return make_user(org("Dorset"), "analyst", username="dorset.analyst")


@pytest.fixture
def swrocu_officer(make_user, org):
    return make_user(org("SWROCU"), "analyst", username="swrocu.officer")


@pytest.fixture
def nca_officer(make_user, org):
    return make_user(org("NCA"), "analyst", username="nca.officer")


@pytest.fixture
def nca_admin(make_user, org):
    return make_user(org("NCA"), "administrator", username="nca.admin")


@pytest.fixture
def inspector(make_user, org):
    return make_user(org("HMICFRS"), "inspector", username="hmicfrs.inspector")


@pytest.fixture
def council_partner(make_user, wiltshire_council):
    return make_user(wiltshire_council, "partner", username="council.partner")


@pytest.fixture
def client_for():
    """A test client signed in as the given user."""

    def signed_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture(autouse=True, scope="session")
def small_demo_data():
    """``socmap demo-data`` at a twentieth of its volume (tests/orgs and tests/demo run it), so
    the suite stays fast; a test can still pass ``--scale``."""
    import os

    from socmap.demo import SCALE_VARIABLE

    previous = os.environ.get(SCALE_VARIABLE)
    os.environ[SCALE_VARIABLE] = "0.05"
    yield
    if previous is None:
        os.environ.pop(SCALE_VARIABLE, None)
    else:
        os.environ[SCALE_VARIABLE] = previous
