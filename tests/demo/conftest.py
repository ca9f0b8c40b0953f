"""Plain-data inputs for the demo plans: forces, staff and a fixed reference date, so the
plans can be built and compared without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from socmap.people.demo import plan_people
from socmap.threats.demo import Staff, plan_threats

TODAY = dt.date(2026, 5, 1)
FORCES = ["Wiltshire", "Dorset", "Kent"]
SWROCU = "SWROCU (South West ROCU)"
ERSOU = "ERSOU (Eastern ROCU)"
NCA = "National Crime Agency"

STAFF = Staff(
    analysts={
        "Wiltshire": ("wiltshire.analyst", "wiltshire.kwilliams"),
        "Dorset": ("dorset.analyst", "dorset.lcampbell"),
        "Kent": ("kent.soc-analyst",),
        SWROCU: ("swrocu.analyst",),
        ERSOU: ("ersou.rocta-analyst",),
        NCA: ("nca.officer",),
    },
    lros={
        "Wiltshire": ("wiltshire.lro", "wiltshire.tyoung"),
        "Dorset": ("dorset.npower",),
        "Kent": ("kent.lro",),
    },
    chairs={"Wiltshire": ("wiltshire.tasking",), SWROCU: ("swrocu.analyst",)},
    regions={"Wiltshire": "South West", "Dorset": "South West", "Kent": "Eastern"},
    rocus={"South West": SWROCU, "Eastern": ERSOU},
    national=NCA,
)


def people(seed=7, forces=FORCES, scale=0.3):
    return plan_people(seed=seed, forces=list(forces), scale=scale, today=TODAY)


def threats(seed=7, forces=FORCES, scale=0.3, staff=STAFF):
    return plan_threats(seed=seed, people=people(seed, forces, scale), staff=staff, today=TODAY)


@pytest.fixture(scope="module")
def people_plan():
    return people()


@pytest.fixture(scope="module")
def threats_plan():
    return threats()
