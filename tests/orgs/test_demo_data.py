"""A trainer prepares a demonstration: ``socmap demo-data`` builds believable organisations and
people, the same every time for the same seed, with a log-in for every role.
"""

from __future__ import annotations

import csv
import io
import random

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from socmap.demo import DEMO_PASSWORD, make_context
from socmap.orgs.demo import PERSONAS, plan_orgs
from socmap.orgs.models import Organisation, OrganisationKind, Role, Team, User
from socmap.orgs.services import FIXTURES, USERNAME_PATTERN


@pytest.fixture(scope="module")
def all_forces() -> list[str]:
    """The 43 force names, read from the shipped reference file (no database needed)."""
    with (FIXTURES / "forces.csv").open(encoding="utf-8-sig") as handle:
        return [row["force"] for row in csv.DictReader(handle)]


def plan(all_forces, *, forces=5, seed=7):
    return plan_orgs(make_context(forces=forces, seed=seed, out=io.StringIO()), all_forces)


# --------------------------------------------------------------------------- the plan


def test_the_same_seed_gives_the_same_plan(all_forces):
    assert plan(all_forces) == plan(all_forces)


def test_the_plan_does_not_depend_on_the_order_forces_are_listed(all_forces):
    shuffled = list(all_forces)
    random.Random(3).shuffle(shuffled)
    assert plan(shuffled) == plan(all_forces)


def test_another_seed_gives_another_plan(all_forces):
    first, second = plan(all_forces, seed=7), plan(all_forces, seed=8)
    assert first != second
    assert [s.username for s in first.staff] != [s.username for s in second.staff]


def test_wiltshire_and_dorset_come_first(all_forces):
    for seed in (1, 7, 2026):
        chosen = plan(all_forces, forces=5, seed=seed).forces
        assert chosen[:2] == ["Wiltshire", "Dorset"]
        assert len(chosen) == len(set(chosen)) == 5
        assert set(chosen) <= set(all_forces)


def test_every_chosen_force_gets_local_partners_and_staff(all_forces):
    demo = plan(all_forces, forces=4, seed=11)
    for force in demo.forces:
        local = [p for p in demo.partners if p.home_force == force]
        assert len(local) == 3
        staff = [s for s in demo.staff if s.organisation == force]
        assert 8 <= len(staff) <= 14
    assert "Wiltshire Council" in {p.name for p in demo.partners}
    assert {p.name for p in demo.partners if p.home_force is None} >= {"HM Revenue and Customs"}


def test_staff_log_in_names_are_unique_valid_and_clear_of_the_personas(all_forces):
    demo = plan(all_forces, forces=43, seed=5)
    names = [s.username for s in demo.staff]
    assert len(names) == len(set(names))
    assert not set(names) & {p[0] for p in PERSONAS}
    assert all(USERNAME_PATTERN.match(name) for name in names)
    assert all(set(s.roles) <= set(Role.CODES) - {Role.PARTNER} for s in demo.staff)


def test_the_personas_cover_every_role():
    held = {role for persona in PERSONAS for role in persona[3]}
    assert held == set(Role.CODES)


# --------------------------------------------------------------------------- the command


def demo_data(*args: str) -> str:
    out = io.StringIO()
    call_command("demo-data", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_data_gives_a_log_in_for_every_role():
    # When the trainer generates demo data for three forces
    output = demo_data("--forces", "3", "--seed", "1")

    # Then for every role there is a persona who holds it and can sign in with the demo password
    for role in Role.CODES:
        holders = [p[0] for p in PERSONAS if role in p[3]]
        assert holders, role
        user = authenticate(username=holders[0], password=DEMO_PASSWORD)
        assert user is not None, holders[0]
        assert user.has_role(role)
        # And their log-in is printed
        assert holders[0] in output
    assert DEMO_PASSWORD in output

    # And the personas belong where their stories say
    assert User.objects.get(username="wiltshire.analyst").organisation.name == "Wiltshire"
    partner = User.objects.get(username="wiltshire-council.partner")
    assert partner.organisation.kind == OrganisationKind.PARTNER
    assert partner.organisation.home_force.name == "Wiltshire"
    assert User.objects.get(username="swrocu.analyst").organisation.kind == OrganisationKind.ROCU
    assert User.objects.get(username="nca.admin").organisation.short_name == "NCA"


@pytest.mark.django_db
def test_synthetic_staff_are_records_only_and_cannot_sign_in():
    demo_data("--forces", "3", "--seed", "1")
    persona_names = {p[0] for p in PERSONAS}
    staff = User.objects.exclude(username__in=persona_names)
    assert staff.count() >= 3 * 8
    assert not any(user.has_usable_password() for user in staff)


@pytest.mark.django_db
def test_running_demo_data_twice_creates_no_duplicates():
    # Given demo data generated once
    demo_data("--forces", "3", "--seed", "1")
    counts = (User.objects.count(), Organisation.objects.count(), Team.objects.count())

    # When it is generated again with the same options
    output = demo_data("--forces", "3", "--seed", "1")

    # Then nothing new is created and the log-ins are printed again
    assert (User.objects.count(), Organisation.objects.count(), Team.objects.count()) == counts
    assert "wiltshire.analyst" in output


@pytest.mark.django_db
@pytest.mark.parametrize("forces", ["1", "44", "0", "-3"])
def test_an_impossible_number_of_forces_is_refused(forces):
    users_before = User.objects.count()
    with pytest.raises(CommandError, match="between 2 and 43"):
        demo_data("--forces", forces)
    assert User.objects.count() == users_before
