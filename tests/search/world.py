"""A small world of records for the search and profile tests, made through the services:

* Wiltshire: the group "Kettering firm" (drugs, operation Kestrel, in Swindon) with a 4P plan,
  a disruption, the nominal Jason KETTERING (alias "Smudger"), an intelligence report whose
  original mentions "lockup" (only cleared users may find it by that word) and a sanitised
  copy of it ("cannabis") shared with Wiltshire Council;
* Dorset: the group "Kettering crew" and the nominal Dean KETTERING;
* Durham (another region): the group "Kettering syndicate".

Every record carries the word "kettering" somewhere, so one search touches them all.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from socmap.disruptions.models import Tactic
from socmap.disruptions.services import record_disruption
from socmap.intel import services as intel
from socmap.orgs.models import LocalArea, Organisation
from socmap.people.services import add_alias, record_nominal
from socmap.plans.services import add_action, create_plan
from socmap.scoring.services import methodology_version
from socmap.threats.models import CrimeType, Status
from socmap.threats.services import change_status, map_and_assess_threat

ANSWERS = {
    "criminality": "serious",
    "weapons": "bladed",
    "violence": "assaults",
    "corruption": "none",
    "counter_surveillance": "basic",
    "legitimate_business": "none",
    "international_links": "none",
    "reach": "force",
    "network_size": "6-10",
    "intent": "medium",
}
ORIGINAL = (
    "KETTERING stores cocaine at a lockup behind the parade. "
    "[[The source drives the night bus]] and saw two deliveries."
)
SANITISED = "Kettering is believed to store cannabis near the town centre."


def adopted_threat(actor, name, **fields):
    threat = map_and_assess_threat(
        actor=actor,
        kind="ocg",
        name=name,
        predominant_crime_type=CrimeType.objects.get(code="drugs"),
        methodology=methodology_version("group-matrix@1"),
        inputs=dict(ANSWERS),
        **fields,
    )
    return change_status(actor=actor, threat=threat, to_status=Status.ACTIVE, reason="Adopted")


def clear(user, level="official_sensitive"):
    return intel.grant_clearance(
        actor=None,
        user=user,
        level=level,
        expires_on=timezone.localdate() + dt.timedelta(days=365),
        reason="Intelligence officer",
    )


def build(*, wiltshire_analyst, dorset_analyst, durham_analyst, council) -> dict:
    wiltshire = wiltshire_analyst.organisation
    swindon, _ = LocalArea.objects.get_or_create(force=wiltshire, name="Swindon")
    threat = adopted_threat(
        wiltshire_analyst,
        "Kettering firm",
        description="Supplies crack cocaine from a Kettering Road address.",
        operation_names=["Kestrel"],
        forces=[wiltshire],
        local_areas=[swindon],
    )
    plan = create_plan(
        actor=None, threat=threat, look_for="Vehicles visiting Kettering Road at night"
    )
    add_action(
        actor=None,
        plan=plan,
        category="protect",
        description="Safeguarding visits to the Kettering cuckooed flats",
        due_on=timezone.localdate() + dt.timedelta(days=20),
        owner_user=wiltshire_analyst,
    )
    disruption = record_disruption(
        actor=wiltshire_analyst,
        threats=[threat],
        occurred_on=timezone.localdate() - dt.timedelta(days=5),
        category="pursue",
        tactic=Tactic.objects.get(pk="arrest"),
        grade="moderate",
        rationale="Two core members remanded.",
        quantities={"arrests": 2},
        narrative="Warrant at the Kettering Road address; two arrests.",
        operation_name="Kestrel",
    )
    nominal = record_nominal(
        actor=wiltshire_analyst, surname="Kettering", forenames="Jason", notes="Runs the line."
    )
    add_alias(actor=wiltshire_analyst, nominal=nominal, name="Smudger", kind="nickname")
    clear(wiltshire_analyst)
    report = intel.record_report(
        actor=wiltshire_analyst,
        reported_on=timezone.localdate() - dt.timedelta(days=3),
        text=ORIGINAL,
        source_type="chis",
        grading_system="3x5x2",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
        classification="official_sensitive",
        threats=[threat],
    )
    copy = intel.sanitise_report(actor=wiltshire_analyst, report=report, text=SANITISED)
    dorset_threat = adopted_threat(dorset_analyst, "Kettering crew")
    dorset_nominal = record_nominal(actor=dorset_analyst, surname="Kettering", forenames="Dean")
    durham_threat = adopted_threat(durham_analyst, "Kettering syndicate")
    return {
        "threat": threat,
        "plan": plan,
        "disruption": disruption,
        "nominal": nominal,
        "report": report,
        "copy": copy,
        "dorset_threat": dorset_threat,
        "dorset_nominal": dorset_nominal,
        "durham_threat": durham_threat,
        "swindon": swindon,
        "council": council,
    }


def share_copy_with(world, user, organisation: Organisation):
    return intel.share_copy(actor=user, copy=world["copy"], organisation=organisation)
