"""A small cross-border network, recorded through the services:

* Wiltshire: Wendy WEST and Will WARD, members of the Wiltshire group "Swindon Line", both
  named in one Wiltshire disruption (co-offending);
* Dorset (same region): Dan DEAN; Wendy is a criminal associate of Dan (the link is on
  Wendy's record, so it belongs to Wiltshire);
* Kent (another region): Kim KING, supplied by Dan (on Dan's record: Dorset's link).
"""

from __future__ import annotations

import datetime as dt

import pytest

from socmap.disruptions.models import Tactic
from socmap.disruptions.services import load_tactics, record_disruption
from socmap.networks import store
from socmap.people.services import link_people, record_nominal
from socmap.threats.models import CrimeType, ThreatKind
from socmap.threats.services import add_member, map_threat


@pytest.fixture(autouse=True)
def fresh_graph():
    store.forget()
    yield
    store.forget()


@pytest.fixture
def network(db, org):
    wilts, dorset, kent = org("Wiltshire"), org("Dorset"), org("Kent")
    wendy = record_nominal(
        actor=None,
        owner=wilts,
        surname="West",
        forenames="Wendy",
        date_of_birth=dt.date(1990, 3, 4),
        gender="female",
    )
    will = record_nominal(actor=None, owner=wilts, surname="Ward", forenames="Will")
    dan = record_nominal(actor=None, owner=dorset, surname="Dean", forenames="Dan")
    kim = record_nominal(actor=None, owner=kent, surname="King", forenames="Kim")
    group = map_threat(
        actor=None,
        kind=ThreatKind.OCG,
        name="Swindon Line",
        predominant_crime_type=CrimeType.objects.get(code="drugs"),
        owner=wilts,
    )
    add_member(actor=None, threat=group, nominal=wendy, role="principal")
    add_member(actor=None, threat=group, nominal=will, role="core")
    wendy_dan = link_people(actor=None, source=wendy, target=dan, kind="criminal_associate")
    dan_kim = link_people(actor=None, source=dan, target=kim, kind="supplier")
    if not Tactic.objects.exists():
        load_tactics()
    disruption = record_disruption(
        actor=None,
        threats=[group],
        occurred_on=dt.date(2025, 6, 1),
        category="pursue",
        tactic=Tactic.objects.get(code="arrest"),
        owner=wilts,
        quantities={"arrests": 2},
        nominals=[wendy, will],
    )
    return {
        "wendy": wendy,
        "will": will,
        "dan": dan,
        "kim": kim,
        "group": group,
        "wendy_dan": wendy_dan,
        "dan_kim": dan_kim,
        "disruption": disruption,
    }
