"""Demo threats: hundreds of organised crime groups, priority individuals and vulnerabilities
owned by the demo forces, their regions' ROCUs and the NCA, with members, lead officers,
lifecycles over the past years and assessment histories.

The plan (:func:`plan_threats`) is plain data decided by the seed, the scale, the reference
date, the people plan (its networks become the groups) and the staff of each organisation:
no database, so tests compare plans. :func:`create_demo_threats` applies it through the
services (``map_threat``, ``add_member``, ``assess_threat``, ``change_status``,
``end_membership``, ``request_reassessment``), one transaction for the whole step, skipping
threats that exist (same owner and name).

**Backdating.** The services stamp "now"; a demo needs years of history. Assessments are
dated with ``assess_threat(assessed_at=...)`` (so next due dates and the threat's current
fields follow them). Afterwards the step moves the threat's ``created_at``/``adopted_at``/
``archived_at`` and its status changes' ``at`` to the planned days with ``QuerySet.update()``
on the rows it has just created; audit events keep the real time they were written.

**Inconsistency on purpose.** Inspectors found similar groups scored differently. A few pairs
of active groups in different forces get identical objective answers but opposite judgements
on intent and counter-surveillance (by different analysts), so the consistency report has
something to find; other answers follow each group's crime type and capability.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from socmap.demo import DemoContext, demo_step
from socmap.orgs.models import LocalArea, Organisation, OrganisationKind, Role, User
from socmap.people.demo import PeoplePlan, demo_nominals, derived_seed, people_plan_for
from socmap.scoring.models import MethodologyVersion
from socmap.scoring.services import assess_threat
from socmap.threats.models import (
    ArchiveReason,
    CrimeType,
    MemberRole,
    Status,
    StatusChange,
    Threat,
    ThreatKind,
    Tier,
)
from socmap.threats.services import (
    add_member,
    change_status,
    end_membership,
    map_threat,
    request_reassessment,
)

GROUP_MATRIX = "group-matrix"
MORILE = "morile"

OPERATION_WORDS = (
    "Kestrel", "Falcon", "Merlin", "Osprey", "Harrier", "Buzzard", "Kingfisher", "Heron",
    "Curlew", "Lapwing", "Plover", "Skylark", "Nightjar", "Wren", "Dunlin", "Redshank",
    "Goshawk", "Peregrine", "Hobby", "Raven", "Rook", "Jackdaw", "Magpie", "Starling",
    "Fieldfare", "Redwing", "Siskin", "Linnet", "Bittern", "Avocet", "Shelduck", "Gannet",
    "Fulmar", "Puffin", "Guillemot", "Kittiwake", "Tern", "Cormorant", "Egret", "Crane",
    "Hawthorn", "Rowan", "Alder", "Hazel", "Juniper", "Blackthorn", "Sycamore", "Larch",
    "Aspen", "Hornbeam", "Yew", "Holly", "Elder", "Willow", "Cedar", "Spruce", "Bracken",
    "Granite", "Basalt", "Flint", "Quartz", "Slate", "Marble", "Jasper", "Onyx", "Garnet",
    "Cobalt", "Sapphire", "Topaz", "Amber", "Beryl", "Agate", "Obsidian", "Pumice", "Shale",
    "Tundra", "Glacier", "Monsoon", "Tempest", "Cyclone", "Meridian", "Horizon", "Zenith",
    "Equinox", "Solstice", "Aurora", "Comet", "Nebula", "Orbit", "Eclipse", "Vortex",
    "Citadel", "Bastion", "Rampart", "Portcullis", "Keystone", "Lodestar", "Compass",
)  # fmt: skip
LINE_TAGS = (
    "Mali", "Bandz", "Ricky", "JJ", "Tommy", "Gucci", "Dubz", "Kenzo", "Milo", "Jay",
    "Benz", "Scooby", "Zak", "Romeo", "Dee", "Bolt", "Spider", "Mikey", "Flex", "Nico",
    "Max", "Lucky", "Remy", "Taz", "Danny", "Stokes", "Blue", "Red", "Drizzy", "Kane",
)  # fmt: skip
LINE_CITIES = ("London", "Birmingham", "Liverpool", "Manchester", "Bristol", "Leeds")
CITY_FORCES = {
    "London": "Metropolitan Police",
    "Birmingham": "West Midlands",
    "Liverpool": "Merseyside",
    "Manchester": "Greater Manchester",
    "Bristol": "Avon and Somerset",
    "Leeds": "West Yorkshire",
}
ESTATES = (
    "Northfield", "Westlea", "Greenhill", "Oakwood", "Eastfield", "Broadmead", "Moorside",
    "Parkside", "Hillcrest", "Ashgrove", "Riverside", "Kingsmead", "Meadowbank", "Brookside",
    "Highfield", "Woodside", "Fairfield", "Penhill", "Longcroft", "Southmead",
)  # fmt: skip
PRISONS = {
    "Wiltshire": ("HMP Erlestoke",),
    "Dorset": ("HMP The Verne", "HMP Guys Marsh"),
    "Avon and Somerset": ("HMP Bristol", "HMP Shepton Mallet"),
    "Devon and Cornwall": ("HMP Exeter", "HMP Dartmoor"),
    "Gloucestershire": ("HMP Leyhill",),
    "Kent": ("HMP Swaleside", "HMP Elmley"),
    "Durham": ("HMP Frankland", "HMP Durham"),
    "Greater Manchester": ("HMP Manchester", "HMP Forest Bank"),
    "West Midlands": ("HMP Birmingham",),
    "Merseyside": ("HMP Altcourse", "HMP Liverpool"),
    "Lancashire": ("HMP Preston", "HMP Lancaster Farms"),
    "West Yorkshire": ("HMP Leeds", "HMP Wakefield"),
    "Nottinghamshire": ("HMP Nottingham", "HMP Lowdham Grange"),
    "South Wales": ("HMP Cardiff", "HMP Swansea"),
    "Cambridgeshire": ("HMP Whitemoor",),
    "Hampshire": ("HMP Winchester",),
}
VULNERABILITIES = (
    ("Drones over {prison}", "other", "prison"),
    ("Cash-intensive car washes used for laundering in {area}", "money-laundering", ""),
    ("Bitcoin ATM in {area} town centre", "money-laundering", ""),
    ("Unlicensed houses in multiple occupation used for cuckooing in {area}", "county-lines", ""),
    ("Holiday lets used as trap houses in {area}", "county-lines", ""),
    ("Nail bars and barber shops with cash-only trading in {area}", "msht", ""),
    ("Scrap metal dealers paying cash in {area}", "acquisitive", ""),
    ("Short-term vehicle hire used by county lines runners in {area}", "county-lines", ""),
    ("Insider access at a {area} parcel distribution depot", "drugs", ""),
    ("Online marketplace accounts selling stolen tools ({area})", "acquisitive", ""),
)
REGIONAL_VULNERABILITIES = (
    ("Rail network used to move children on county lines ({region})", "county-lines"),
    ("Unregulated recruitment agencies supplying exploited labour ({region})", "msht"),
    ("Small ports and marinas open to clandestine landings ({region})", "oic"),
)
NATIONAL_VULNERABILITIES = (
    ("Small-boat crossings to the south coast", "oic"),
    ("Crypto-asset ATMs operating without registration", "money-laundering"),
    ("Postal and parcel hubs used for drug supply", "drugs"),
    ("Encrypted communication platforms sold to organised crime", "cyber"),
)
ARCHIVE_NOTES = {
    ArchiveReason.DISMANTLED: (
        "Principals convicted at Crown Court; remaining members dispersed.",
        "Principal and two core members charged with conspiracy to supply; line closed.",
        "Group dismantled after warrants and a cash seizure; no further intelligence.",
    ),
    ArchiveReason.NO_LONGER_ACTIVE: (
        "No intelligence of activity for over twelve months.",
        "Principal deported; group no longer operating in the force area.",
    ),
    ArchiveReason.NO_INTELLIGENCE: (
        "Intelligence could not be corroborated; archived at tasking.",
        "No current intelligence; to be re-opened if new reporting arrives.",
    ),
    ArchiveReason.NOT_ADOPTED: (
        "Assessed below the threshold for adoption; passed to neighbourhood policing.",
        "Assessed and not adopted: activity is local and low level.",
    ),
    ArchiveReason.MERGED: ("Same people as another mapped group; merged at tasking.",),
}
REQUEST_REASONS = (
    "Validated major disruption: principal charged and remanded.",
    "New intelligence of access to a firearm.",
    "Line taken over by a rival group after arrests.",
    "Two core members released from custody.",
)
OTHER_CRIME_TYPES = {
    "county-lines": ("drugs", "violence", "csae"),
    "drugs": ("money-laundering", "violence", "firearms"),
    "msht": ("money-laundering", "oic"),
    "fraud": ("money-laundering", "cyber"),
    "acquisitive": ("violence", "other"),
    "firearms": ("drugs", "violence"),
    "oic": ("msht", "money-laundering"),
    "money-laundering": ("fraud", "drugs"),
}


# --------------------------------------------------------------------------- the plan


@dataclass
class AssessmentPlan:
    at: dt.datetime
    assessor: str
    inputs: dict[str, str]
    judged_by: dict[str, str]
    rationale: str = ""


@dataclass
class ThreatPlan:
    key: str
    kind: str
    name: str
    owner: str
    tier: str
    crime_type: str
    methodology: str
    mapped_by: str
    created_at: dt.datetime
    status: str  # the status it ends in
    via_trigger_report: bool = False
    description: str = ""
    other_crime_types: list[str] = field(default_factory=list)
    forces: list[str] = field(default_factory=list)
    local_areas: list[tuple[str, str]] = field(default_factory=list)  # (force, area)
    subject: str = ""  # person key, for a priority individual
    operation_names: list[str] = field(default_factory=list)
    lro: str = ""
    sro: str = ""
    members: list[tuple[str, str, dt.date, dt.date | None]] = field(default_factory=list)
    assessments: list[AssessmentPlan] = field(default_factory=list)
    adopted_at: dt.datetime | None = None
    archived_at: dt.datetime | None = None
    archive_reason: str = ""
    archive_note: str = ""
    merged_into: str = ""  # key of another planned threat
    reassessment_request: str = ""
    inconsistent_pair: str = ""  # set on the deliberately inconsistent pairs


@dataclass(frozen=True)
class Staff:
    """Who works where, by log-in name (sorted): the plan picks officers from these."""

    analysts: dict[str, tuple[str, ...]]
    lros: dict[str, tuple[str, ...]]
    chairs: dict[str, tuple[str, ...]]
    regions: dict[str, str]  # force -> region name
    rocus: dict[str, str]  # region name -> ROCU organisation name
    national: str = "National Crime Agency"


@dataclass
class ThreatsPlan:
    threats: list[ThreatPlan] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)


def _when(rng, day: dt.date) -> dt.datetime:
    moment = dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(minutes=rng.randint(0, 540))
    return timezone.make_aware(moment, dt.UTC)


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


GM_ORDER = {
    "criminality": ("minor", "volume", "serious", "major"),
    "weapons": ("none", "bladed", "firearms_access", "firearms_used"),
    "violence": ("none", "threats", "assaults", "serious"),
    "corruption": ("none", "private", "public"),
    "counter_surveillance": ("none", "basic", "sophisticated"),
    "legitimate_business": ("none", "uses", "controls"),
    "international_links": ("none", "some", "established"),
    "reach": ("local", "force", "regional", "national", "international"),
    "network_size": ("1-5", "6-10", "11-20", "21+"),
    "intent": ("low", "medium", "high"),
}
SUBJECTIVE = ("counter_surveillance", "intent")


def _size_band(members: int) -> str:
    return (
        "1-5" if members <= 5 else "6-10" if members <= 10 else "11-20" if members <= 20 else "21+"
    )


def _group_answers(rng, crime: str, level: str, members: int) -> dict[str, str]:
    """Objective answers that fit the crime type; the judgements follow capability."""
    criminality = {
        "county-lines": (("serious", 7), ("major", 2), ("volume", 1)),
        "drugs": (("serious", 5), ("major", 3), ("volume", 2)),
        "acquisitive": (("volume", 5), ("serious", 4), ("minor", 1)),
        "firearms": (("major", 1),),
        "msht": (("major", 3), ("serious", 2)),
        "oic": (("major", 3), ("serious", 1)),
        "csae": (("major", 1),),
        "kidnap-extortion": (("major", 2), ("serious", 2)),
        "fraud": (("serious", 3), ("volume", 2), ("major", 1)),
        "money-laundering": (("serious", 3), ("major", 2)),
    }.get(crime, (("serious", 2), ("volume", 2)))
    weapons = {
        "county-lines": (("bladed", 6), ("firearms_access", 2), ("none", 2)),
        "drugs": (("none", 4), ("bladed", 3), ("firearms_access", 2), ("firearms_used", 1)),
        "firearms": (("firearms_access", 1), ("firearms_used", 1)),
        "violence": (("bladed", 3), ("firearms_access", 2), ("firearms_used", 1)),
        "kidnap-extortion": (("bladed", 2), ("firearms_access", 2)),
        "acquisitive": (("none", 5), ("bladed", 3)),
    }.get(crime, (("none", 8), ("bladed", 1)))
    answers = {
        "criminality": _weighted(rng, criminality),
        "weapons": _weighted(rng, weapons),
        "corruption": _weighted(rng, (("none", 85), ("private", 11), ("public", 4))),
        "legitimate_business": _weighted(
            rng,
            (("uses", 5), ("controls", 3), ("none", 1))
            if crime in ("money-laundering", "msht", "fraud")
            else (("none", 7), ("uses", 2), ("controls", 1)),
        ),
        "international_links": _weighted(
            rng,
            (("some", 3), ("established", 3))
            if crime in ("msht", "oic") or level == "national"
            else (("none", 5), ("some", 2))
            if crime in ("drugs", "money-laundering", "firearms", "cyber")
            else (("none", 9), ("some", 1)),
        ),
        "network_size": _size_band(members),
    }
    weapon_step = GM_ORDER["weapons"].index(answers["weapons"])
    answers["violence"] = GM_ORDER["violence"][
        max(0, min(3, weapon_step + rng.choice((-1, 0, 0, 1))))
    ]
    if level == "national":
        answers["reach"] = rng.choice(("national", "international"))
    elif level == "regional" or crime == "county-lines":
        answers["reach"] = _weighted(rng, (("regional", 8), ("force", 1), ("national", 1)))
    else:
        answers["reach"] = _weighted(rng, (("local", 4), ("force", 5), ("regional", 1)))
    _judge(rng, answers)
    return answers


def _capability(answers: dict[str, str]) -> float:
    """0..1: how capable the objective answers say the group is."""
    keys = [k for k in GM_ORDER if k not in SUBJECTIVE]
    return sum(GM_ORDER[k].index(answers[k]) / (len(GM_ORDER[k]) - 1) for k in keys) / len(keys)


def _judge(rng, answers: dict[str, str]) -> None:
    """Intent and counter-surveillance: judgements that mostly follow capability (so that
    alike groups are mostly judged alike), now and then a step either way."""
    level = _capability(answers)
    cs = 0 if level < 0.25 else 1 if level < 0.5 else 2
    intent = 0 if level < 0.2 else 1 if level < 0.45 else 2
    if rng.random() < 0.04:
        cs = max(0, min(2, cs + rng.choice((-1, 1))))
    if rng.random() < 0.04:
        intent = max(0, min(2, intent + rng.choice((-1, 1))))
    answers["counter_surveillance"] = GM_ORDER["counter_surveillance"][cs]
    answers["intent"] = GM_ORDER["intent"][intent]


def _drift(rng, answers: dict[str, str], members: int) -> dict[str, str]:
    """A re-assessment: most answers hold, one or two move a step."""
    new = dict(answers)
    for key in ("weapons", "violence", "corruption", "legitimate_business", "reach"):
        if rng.random() < 0.1:
            order = GM_ORDER[key]
            step = order.index(new[key]) + rng.choice((-1, 1))
            new[key] = order[max(0, min(len(order) - 1, step))]
    new["network_size"] = _size_band(max(1, members + rng.randint(-2, 2)))
    _judge(rng, new)
    return new


HARM = ("none", "low", "medium", "high", "very_high")


def _morile_answers(rng, crime: str, level: str) -> dict[str, str]:
    def harm(low: int, high: int) -> str:
        return HARM[rng.randint(low, high)]

    return {
        "physical": harm(2, 4) if crime in ("county-lines", "msht", "oic", "drugs") else harm(0, 2),
        "psychological": harm(1, 3),
        "financial": harm(2, 4) if crime in ("money-laundering", "fraud") else harm(1, 3),
        "community": harm(1, 4),
        "geographic_scope": {"local": "local", "regional": "regional", "national": "national"}[
            level
        ]
        if rng.random() < 0.8
        else "force",
        "victim_vulnerability": harm(2, 4) if crime in ("county-lines", "msht") else harm(0, 3),
        "likelihood": rng.choice(("possible", "likely", "likely", "almost_certain", "unlikely")),
        "confidence": rng.choice(("low", "medium", "medium", "high")),
        "organisational_position": rng.choice(("limited", "partial", "partial", "full")),
    }


def _assessment_days(rng, first: dt.date, today: dt.date, *, overdue: bool) -> list[dt.date]:
    days = [first]
    while True:
        following = days[-1] + dt.timedelta(days=rng.randint(70, 105))
        if following > today:
            break
        days.append(following)
    if overdue:
        while len(days) > 1 and days[-1] + dt.timedelta(days=90) >= today:
            days.pop()
    return days


class _Names:
    """Threat and operation names, unique across the plan."""

    def __init__(self, rng):
        self.rng = rng
        self.taken: set[tuple[str, str]] = set()
        self.operations = list(OPERATION_WORDS)
        rng.shuffle(self.operations)

    def operation(self) -> str:
        if not self.operations:
            return ""
        return f"Operation {self.operations.pop()}"

    def is_free(self, owner: str, name: str) -> bool:
        return (owner, name.lower()) not in self.taken

    def unique(self, owner: str, name: str) -> str:
        candidate, n = name, 1
        while (owner, candidate.lower()) in self.taken:
            n += 1
            candidate = f"{name} ({n})"
        self.taken.add((owner, candidate.lower()))
        return candidate


def _group_name(rng, crime: str, area: str, surname: str, family: str) -> str:
    estate = rng.choice(ESTATES)
    if family and rng.random() < 0.8:
        return rng.choice((f"The {family} brothers", f"The {family} family", f"{family} OCG"))
    options = {
        "county-lines": [
            f"'{rng.choice(LINE_TAGS)}' line ({rng.choice(LINE_CITIES)} to {area})",
            f"'{rng.choice(LINE_TAGS)}' line",
            f"{rng.choice(LINE_CITIES)}-{area} county line",
        ],
        "drugs": [
            f"{surname} OCG",
            f"{estate} Crew",
            f"{area} cannabis cultivation network",
            f"{surname} cocaine supply network",
            f"{estate} Boys",
        ],
        "acquisitive": [
            f"{area} catalytic converter thieves",
            f"{surname} burglary group",
            f"Plant and machinery theft group ({area})",
            f"{surname} vehicle theft network",
        ],
        "msht": [
            f"{area} car wash exploitation network",
            f"{surname} labour exploitation network",
            f"Nail bar trafficking network ({area})",
            f"Sexual exploitation network ({area})",
        ],
        "fraud": [
            f"Courier fraud network ({area})",
            f"{surname} mortgage fraud group",
            f"Rogue trader group ({area})",
        ],
        "money-laundering": [
            f"{surname} cash laundering network",
            f"Money service bureau network ({area})",
            f"Car dealership laundering network ({area})",
        ],
        "firearms": [f"{surname} firearms supply network", f"Converted weapons network ({area})"],
        "violence": [f"{estate} Boys", f"{estate} gang", f"{surname} crew"],
        "kidnap-extortion": [f"{surname} debt enforcement crew", f"{area} drug debt kidnappers"],
        "oic": [f"{surname} people smuggling network", f"Lorry drop network ({area})"],
        "cyber": [f"{area} phishing kit sellers", f"{surname} ransomware affiliates"],
        "csae": [f"Child sexual exploitation network ({area})"],
        "other": [f"{surname} waste crime group", f"Counterfeit goods network ({area})"],
    }.get(crime, [f"{surname} OCG"])
    return rng.choice(options)


def plan_threats(
    *, seed: int, people: PeoplePlan, staff: Staff, today: dt.date | None = None
) -> ThreatsPlan:
    """Everything the threats step will create, as plain data decided by its arguments."""
    today = today or timezone.localdate()
    rng = random.Random(derived_seed(seed, "threats"))
    # Officers are picked with a separate source, so that a change of staff (someone joins)
    # changes who leads or assessed a threat, never which threats there are.
    pick = random.Random(derived_seed(seed, "threat-officers"))
    names = _Names(rng)
    plan = ThreatsPlan()
    areas = people.local_areas

    def owner_of(force: str, level: str) -> tuple[str, str]:
        if level == "regional" and staff.rocus.get(staff.regions.get(force, "")):
            return staff.rocus[staff.regions[force]], Tier.REGIONAL
        if level == "national":
            return staff.national, Tier.NATIONAL
        return force, Tier.LOCAL

    def region_forces(owner: str) -> list[str]:
        region = next((r for r, rocu in staff.rocus.items() if rocu == owner), None)
        return [f for f in people.forces if staff.regions.get(f) == region]

    def lro_for(owner: str, forces: list[str]) -> str:
        pool = list(staff.lros.get(owner, ()))
        if not pool:
            pool = [u for f in forces for u in staff.lros.get(f, ())]
        return pick.choice(pool) if pool else ""

    def chair_for(owner: str, lro: str) -> str:
        pool = [u for u in staff.chairs.get(owner, ()) if u != lro]
        return pick.choice(pool) if pool else ""

    def lifecycle(threat: ThreatPlan, answers_for, status: str, overdue: bool) -> None:
        """Dates, status history and assessments for a threat ending in ``status``."""
        if status == Status.TRIGGER_REPORT:
            threat.created_at = _when(rng, today - dt.timedelta(days=rng.randint(2, 75)))
            return
        if status == Status.UNDER_ASSESSMENT:
            start = today - dt.timedelta(days=rng.randint(10, 100))
            threat.created_at = _when(rng, start)
            if rng.random() < 0.6:
                first = start + dt.timedelta(days=rng.randint(1, 9))
                threat.assessments.append(_assessment(first, answers_for(None)))
            return
        if status == Status.ACTIVE:
            start = today - dt.timedelta(days=rng.randint(50, 3 * 365))
        else:
            start = today - dt.timedelta(days=rng.randint(400, 6 * 365))
        threat.created_at = _when(rng, start)
        first = start + dt.timedelta(days=rng.randint(2, 30))
        end = today
        if status == Status.ARCHIVED:
            end = min(today, first + dt.timedelta(days=rng.randint(30, 3 * 365)))
        days = _assessment_days(rng, first, end, overdue=overdue)
        if threat.archive_reason == ArchiveReason.NOT_ADOPTED:
            days = days[:1]
        previous = None
        for day in days:
            previous = answers_for(previous)
            threat.assessments.append(_assessment(day, previous))
        if threat.archive_reason != ArchiveReason.NOT_ADOPTED:
            threat.adopted_at = _when(rng, first + dt.timedelta(days=rng.randint(1, 20)))
            threat.assessments.sort(key=lambda a: a.at)
        if status == Status.ARCHIVED:
            last = max(
                threat.assessments[-1].at.date(), (threat.adopted_at or threat.created_at).date()
            )
            threat.archived_at = _when(
                rng, min(today, last + dt.timedelta(days=rng.randint(10, 120)))
            )

    def _assessment(day: dt.date, inputs: dict[str, str]) -> AssessmentPlan:
        return AssessmentPlan(_when(rng, day), "", dict(inputs), {})

    def finish(threat: ThreatPlan) -> None:
        """Who mapped, assessed and judged: the owner's analysts."""
        analysts = staff.analysts[threat.owner]
        threat.mapped_by = pick.choice(analysts)
        for assessment in threat.assessments:
            assessment.assessor = pick.choice(analysts)
            judge = pick.choice(analysts) if pick.random() < 0.3 else assessment.assessor
            subjective = SUBJECTIVE if threat.methodology == GROUP_MATRIX else (
                "psychological", "community", "victim_vulnerability", "likelihood",
                "confidence", "organisational_position",
            )  # fmt: skip
            assessment.judged_by = dict.fromkeys(subjective, judge)
        plan.threats.append(threat)

    def status_mix() -> str:
        return _weighted(
            rng,
            (
                (Status.ACTIVE, 64),
                (Status.ARCHIVED, 18),
                (Status.UNDER_ASSESSMENT, 9),
                (Status.TRIGGER_REPORT, 9),
            ),
        )

    # Organised crime groups, one per planned network.
    for network in people.networks:
        owner, tier = owner_of(network.force, network.level)
        status = status_mix()
        principal = people.person(network.members[0][0])
        for _attempt in range(6):  # a fresh name rather than "(2)" where one can be found
            name = _group_name(
                rng, network.crime_type, network.local_area, principal.surname, network.family_name
            )
            if names.is_free(owner, name):
                break
        name = names.unique(owner, name)
        forces = [network.force]
        if owner != network.force and tier == Tier.REGIONAL:
            forces = region_forces(owner) or forces
        elif tier == Tier.NATIONAL:
            forces = sorted({network.force, *rng.sample(people.forces, min(3, len(people.forces)))})
        if network.crime_type == "county-lines" and rng.random() < 0.7:
            forces.append(CITY_FORCES[rng.choice(LINE_CITIES)])
        forces = list(dict.fromkeys(forces))
        local = [(network.force, network.local_area)]
        extra = [a for a in areas[network.force] if a != network.local_area]
        local += [(network.force, a) for a in rng.sample(extra, min(len(extra), rng.randint(0, 2)))]
        threat = ThreatPlan(
            key=network.key,
            kind=ThreatKind.OCG,
            name=name,
            owner=owner,
            tier=tier,
            crime_type=network.crime_type,
            methodology=GROUP_MATRIX,
            mapped_by="",
            created_at=_when(rng, today),
            status=status,
            via_trigger_report=status == Status.TRIGGER_REPORT or rng.random() < 0.3,
            other_crime_types=sorted(
                set(rng.sample(OTHER_CRIME_TYPES.get(network.crime_type, ("other",)), 1))
                - {network.crime_type}
            )
            if rng.random() < 0.5
            else [],
            forces=forces,
            local_areas=local,
        )
        if status == Status.ARCHIVED:
            threat.archive_reason = _weighted(
                rng,
                (
                    (ArchiveReason.DISMANTLED, 5),
                    (ArchiveReason.NO_LONGER_ACTIVE, 3),
                    (ArchiveReason.NO_INTELLIGENCE, 2),
                    (ArchiveReason.NOT_ADOPTED, 2),
                    (ArchiveReason.MERGED, 1),
                ),
            )
            threat.archive_note = rng.choice(ARCHIVE_NOTES[threat.archive_reason])
        members = len(network.members)
        lifecycle(
            threat,
            lambda previous, crime=network.crime_type, level=network.level, m=members: (
                _group_answers(rng, crime, level, m) if previous is None
                else _drift(rng, previous, m)
            ),
            status,
            overdue=rng.random() < 0.15,
        )  # fmt: skip
        if status in (Status.ACTIVE, Status.ARCHIVED) and rng.random() < 0.65:
            threat.operation_names = [op for op in [names.operation()] if op]
        if status in (Status.ACTIVE, Status.ARCHIVED):
            # Inspectors look for active groups without an LRO: some are left without one.
            if rng.random() < 0.86:
                threat.lro = lro_for(owner, forces)
            threat.sro = chair_for(owner, threat.lro)
        base = threat.created_at.date() if threat.created_at else today
        for person, role in network.members:
            joined = min(today, base - dt.timedelta(days=rng.randint(-120, 3 * 365)))
            left = None
            if status == Status.ACTIVE and role == MemberRole.PERIPHERAL and rng.random() < 0.12:
                left = min(today, joined + dt.timedelta(days=rng.randint(30, 500)))
            threat.members.append((person, role, joined, left))
        if status == Status.ACTIVE and rng.random() < 0.06:
            threat.reassessment_request = rng.choice(REQUEST_REASONS)
        finish(threat)

    # Priority individuals: people offending on their own.
    for number, key in enumerate(people.lone_offenders, start=1):
        person = people.person(key)
        status = status_mix()
        if status == Status.ARCHIVED:
            status = Status.ACTIVE
        crime = _weighted(
            rng,
            (("drugs", 4), ("firearms", 2), ("fraud", 2), ("violence", 2), ("csae", 1),
             ("money-laundering", 1), ("msht", 1)),
        )  # fmt: skip
        threat = ThreatPlan(
            key=f"{slugify(person.force)}-pi{number:02d}",
            kind=ThreatKind.PRIORITY_INDIVIDUAL,
            name=names.unique(person.force, f"{person.forenames} {person.surname}"),
            owner=person.force,
            tier=Tier.LOCAL,
            crime_type=crime,
            methodology=GROUP_MATRIX,
            mapped_by="",
            created_at=_when(rng, today),
            status=status,
            via_trigger_report=status == Status.TRIGGER_REPORT,
            forces=[person.force],
            local_areas=[(person.force, person.addresses[-1][3])],
            subject=key,
        )
        lifecycle(
            threat,
            lambda previous, crime=crime: (
                _group_answers(rng, crime, "local", 1) if previous is None
                else _drift(rng, previous, 1)
            ),
            status,
            overdue=rng.random() < 0.2,
        )  # fmt: skip
        if status == Status.ACTIVE:
            threat.lro = lro_for(person.force, [person.force]) if rng.random() < 0.8 else ""
            threat.sro = chair_for(person.force, threat.lro)
        finish(threat)

    # Vulnerabilities: neither a group nor a person, scored with MoRiLE.
    vulnerability_owners = [(f, "local") for f in people.forces]
    vulnerability_owners += [(rocu, "regional") for rocu in sorted(set(_rocus(people, staff)))]
    vulnerability_owners += [(staff.national, "national")]
    scale_count = max(1, round(len(people.networks) / max(1, len(people.forces)) / 22))
    for owner, level in vulnerability_owners:
        count = rng.randint(1, scale_count + 1) if level == "local" else rng.randint(1, 2)
        for number in range(count):
            if level == "local":
                template, crime, needs = rng.choice(VULNERABILITIES)
                prison = rng.choice(PRISONS.get(owner, ("",)))
                if needs == "prison" and not prison:
                    template, crime, needs = VULNERABILITIES[1]
                area = rng.choice(areas[owner])
                title = template.format(prison=prison, area=area)
                forces, local = [owner], [(owner, area)]
            elif level == "regional":
                title_template, crime = rng.choice(REGIONAL_VULNERABILITIES)
                region = next(r for r, o in staff.rocus.items() if o == owner)
                title, forces, local = (
                    title_template.format(region=region),
                    region_forces(owner),
                    [],
                )
            else:
                title, crime = rng.choice(NATIONAL_VULNERABILITIES)
                forces, local = list(people.forces), []
            status = _weighted(rng, ((Status.ACTIVE, 7), (Status.UNDER_ASSESSMENT, 2),
                                     (Status.TRIGGER_REPORT, 1)))  # fmt: skip
            threat = ThreatPlan(
                key=f"{slugify(owner)}-v{number + 1:02d}",
                kind=ThreatKind.VULNERABILITY,
                name=names.unique(owner, title),
                owner=owner,
                tier={"local": Tier.LOCAL, "regional": Tier.REGIONAL}.get(level, Tier.NATIONAL),
                crime_type=crime,
                methodology=MORILE,
                mapped_by="",
                created_at=_when(rng, today),
                status=status,
                via_trigger_report=rng.random() < 0.5,
                forces=forces,
                local_areas=local,
            )
            lifecycle(
                threat,
                lambda previous, crime=crime, level=level: _morile_answers(rng, crime, level),
                status,
                overdue=rng.random() < 0.2,
            )
            if status == Status.ACTIVE:
                threat.lro = lro_for(owner, forces)
                threat.sro = chair_for(owner, threat.lro)
            finish(threat)

    _merge_targets(plan, rng)
    _inconsistent_pairs(plan, rng, pick, staff, len(people.forces))
    if not any(t.reassessment_request for t in plan.threats):
        # However small the demo, one threat waits for a requested re-assessment.
        waiting = [
            t
            for t in plan.threats
            if t.status == Status.ACTIVE and t.assessments and not t.inconsistent_pair
        ]
        if waiting:
            waiting[0].reassessment_request = REQUEST_REASONS[0]
    return plan


def _rocus(people: PeoplePlan, staff: Staff) -> list[str]:
    return [
        staff.rocus[staff.regions[f]] for f in people.forces if staff.regions.get(f) in staff.rocus
    ]


def _merge_targets(plan: ThreatsPlan, rng) -> None:
    for threat in plan.threats:
        if threat.archive_reason != ArchiveReason.MERGED:
            continue
        candidates = [
            t.key
            for t in plan.threats
            if t.owner == threat.owner and t.status == Status.ACTIVE and t.kind == ThreatKind.OCG
        ]
        if candidates:
            threat.merged_into = rng.choice(candidates)
        else:
            threat.archive_reason = ArchiveReason.NO_LONGER_ACTIVE
            threat.archive_note = ARCHIVE_NOTES[ArchiveReason.NO_LONGER_ACTIVE][0]


def _inconsistent_pairs(plan: ThreatsPlan, rng, pick, staff: Staff, force_count: int) -> None:
    """Pairs of active local groups in different forces: the same objective answers in their
    latest assessments, opposite judgements of intent and counter-surveillance by analysts of
    their own forces."""
    by_force: dict[str, list[ThreatPlan]] = defaultdict(list)
    for threat in plan.threats:
        if (
            threat.kind == ThreatKind.OCG
            and threat.status == Status.ACTIVE
            and threat.tier == Tier.LOCAL
            and threat.assessments
            and not threat.reassessment_request
        ):
            by_force[threat.owner].append(threat)
    forces = sorted(by_force)
    wanted = max(1, min(5, force_count - 1))
    used: set[str] = set()
    for number in range(wanted * 3):
        if len(plan.pairs) >= wanted or len(forces) < 2:
            break
        first_force, second_force = rng.sample(forces, 2)
        firsts = [t for t in by_force[first_force] if t.key not in used]
        seconds = [t for t in by_force[second_force] if t.key not in used]
        if not firsts or not seconds:
            continue
        first = rng.choice(firsts)
        alike = [t for t in seconds if t.crime_type == first.crime_type]
        second = rng.choice(alike or seconds)  # groups doing the same crime, where there are
        used |= {first.key, second.key}
        low, high = first.assessments[-1], second.assessments[-1]
        high.inputs = {**low.inputs}
        low.inputs.update(counter_surveillance="none", intent="low")
        high.inputs.update(counter_surveillance="sophisticated", intent="high")
        low.judged_by = {k: pick.choice(staff.analysts[first.owner]) for k in SUBJECTIVE}
        high.judged_by = {k: pick.choice(staff.analysts[second.owner]) for k in SUBJECTIVE}
        label = f"pair {number + 1}"
        first.inconsistent_pair = second.inconsistent_pair = label
        plan.pairs.append((first.key, second.key))


# --------------------------------------------------------------------------- applying


def _ensure_analysts(owners: list[Organisation]) -> None:
    """Every owning organisation needs someone who can map threats (the personas and staff
    usually are; a ROCU outside the South West, or an unlucky force, gets one)."""
    from socmap.orgs.services import create_user

    for owner in owners:
        if User.objects.filter(organisation=owner, roles__code=Role.ANALYST).exists():
            continue
        username = f"{owner.slug}.rocta-analyst" if owner.kind == OrganisationKind.ROCU else (
            f"{owner.slug}.soc-analyst"
        )  # fmt: skip
        create_user(
            actor=None,
            username=username,
            email=f"{username}@{owner.slug}.socmap-demo.example",
            first_name="Demo",
            last_name=f"Analyst ({owner.display_short_name})",
            organisation=owner,
            roles=[Role.ANALYST],
            job_title="Intelligence analyst",
            can_log_in=False,
        )


def _usernames(organisation_ids, role: str) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = defaultdict(list)
    for org_id, username in (
        User.objects.filter(organisation_id__in=organisation_ids, roles__code=role, is_active=True)
        .values_list("organisation_id", "username")
        .order_by("username")
    ):
        found[org_id].append(username)
    return {k: tuple(v) for k, v in found.items()}


def staff_for(forces: list[Organisation]) -> Staff:
    """The staff of the demo forces, their ROCUs and the NCA, read from the database."""
    rocus = {
        o.region.name: o
        for o in Organisation.objects.filter(
            kind=OrganisationKind.ROCU, region__in=[f.region_id for f in forces]
        ).select_related("region")
    }
    national = Organisation.objects.get(short_name="NCA")
    owners = [*forces, *rocus.values(), national]
    _ensure_analysts(owners)
    by_id = {o.pk: o.name for o in owners}
    ids = list(by_id)

    def named(role: str) -> dict[str, tuple[str, ...]]:
        return {by_id[k]: v for k, v in _usernames(ids, role).items()}

    return Staff(
        analysts=named(Role.ANALYST),
        lros=named(Role.LRO),
        chairs=named(Role.TASKING_CHAIR),
        regions={f.name: f.region.name for f in forces},
        rocus={region: o.name for region, o in rocus.items()},
        national=national.name,
    )


def threats_plan_for(context: DemoContext) -> ThreatsPlan:
    forces = list(context.forces)
    people = people_plan_for(context, [f.name for f in forces])
    return plan_threats(
        seed=context.seed, people=people, staff=staff_for(forces), today=timezone.localdate()
    )


@demo_step(30, "Threats, members and assessments")
def create_demo_threats(context: DemoContext) -> str:
    counts = defaultdict(int)
    with transaction.atomic():
        plan = threats_plan_for(context)
        organisations = {o.name: o for o in Organisation.objects.all()}
        users = {
            u.username: u for u in User.objects.filter(organisation__in=organisations.values())
        }
        crime_types = {c.code: c for c in CrimeType.objects.all()}
        areas = {(a.force.name, a.name): a for a in LocalArea.objects.select_related("force")}
        methodologies = {m.name: m for m in MethodologyVersion.objects.filter(is_current=True)}
        people = demo_nominals(context.forces)
        existing = {
            (owner, name.lower()): pk
            for pk, owner, name in Threat.objects.values_list("pk", "owner__name", "name")
        }
        made: dict[str, Threat] = {}
        for threat_plan in sorted(plan.threats, key=lambda t: bool(t.merged_into)):
            if (threat_plan.owner, threat_plan.name.lower()) in existing:
                continue
            threat = _apply(
                threat_plan, organisations, users, crime_types, areas, methodologies, people, made
            )
            made[threat_plan.key] = threat
            counts[threat_plan.kind] += 1
            counts["members"] += len(threat_plan.members)
            counts["assessments"] += len(threat_plan.assessments)
    return (
        f"{counts[ThreatKind.OCG]} organised crime groups, "
        f"{counts[ThreatKind.PRIORITY_INDIVIDUAL]} priority individuals, "
        f"{counts[ThreatKind.VULNERABILITY]} vulnerabilities; {counts['members']} memberships, "
        f"{counts['assessments']} assessments ({len(plan.threats) - len(made)} already there)"
    )


def _apply(plan: ThreatPlan, organisations, users, crime_types, areas, methodologies, people,
           made) -> Threat:  # fmt: skip
    actor = users[plan.mapped_by]
    threat = map_threat(
        actor=actor,
        kind=plan.kind,
        name=plan.name,
        predominant_crime_type=crime_types[plan.crime_type],
        owner=organisations[plan.owner],
        tier=plan.tier,
        description=plan.description,
        other_crime_types=[crime_types[c] for c in plan.other_crime_types],
        forces=[organisations[f] for f in plan.forces],
        local_areas=[areas[a] for a in plan.local_areas if a in areas],
        subject=people.get(plan.subject) if plan.subject else None,
        operation_names=plan.operation_names,
        lro=users.get(plan.lro) if plan.lro else None,
        sro=users.get(plan.sro) if plan.sro else None,
        status=Status.TRIGGER_REPORT if plan.via_trigger_report else Status.UNDER_ASSESSMENT,
    )
    changes_at = [plan.created_at]
    if plan.via_trigger_report and plan.status != Status.TRIGGER_REPORT:
        change_status(actor=actor, threat=threat, to_status=Status.UNDER_ASSESSMENT,
                      reason="Trigger report accepted for assessment")  # fmt: skip
        changes_at.append(plan.created_at + dt.timedelta(days=1))
    memberships = []
    for key, role, joined, _left in plan.members:
        nominal = people.get(key)
        if nominal is not None:
            memberships.append(
                add_member(actor=actor, threat=threat, nominal=nominal, role=role, joined_on=joined)
            )
    methodology = methodologies[plan.methodology]
    adopted = False
    for assessment in plan.assessments:
        if plan.adopted_at and not adopted and assessment.at > plan.adopted_at:
            change_status(actor=actor, threat=threat, to_status=Status.ACTIVE,
                          reason="Adopted at tasking")  # fmt: skip
            changes_at.append(plan.adopted_at)
            adopted = True
        assess_threat(
            actor=users[assessment.assessor],
            threat=threat,
            methodology=methodology,
            inputs=assessment.inputs,
            judged_by={k: users[v] for k, v in assessment.judged_by.items()},
            rationale=assessment.rationale,
            assessed_at=assessment.at,
        )
    if plan.adopted_at and not adopted:
        change_status(actor=actor, threat=threat, to_status=Status.ACTIVE,
                      reason="Adopted at tasking")  # fmt: skip
        changes_at.append(plan.adopted_at)
    for membership, (_key, _role, _joined, left) in zip(memberships, plan.members, strict=False):
        if left is not None:
            end_membership(actor=actor, membership=membership, left_on=left,
                           reason="No longer associated with the group")  # fmt: skip
    if plan.status == Status.ARCHIVED:
        change_status(
            actor=actor,
            threat=threat,
            to_status=Status.ARCHIVED,
            archive_reason=plan.archive_reason,
            reason=plan.archive_note,
            merged_into=made.get(plan.merged_into),
        )
        changes_at.append(plan.archived_at)
    if plan.reassessment_request:
        request_reassessment(actor=actor, threat=threat, reason=plan.reassessment_request)
    # Backdate what the services stamped "now" (see the module docstring).
    Threat.objects.filter(pk=threat.pk).update(
        created_at=plan.created_at,
        adopted_at=plan.adopted_at if plan.adopted_at else None,
        archived_at=plan.archived_at,
    )
    for change, moment in zip(
        StatusChange.objects.filter(threat=threat).order_by("id"), changes_at, strict=False
    ):
        StatusChange.objects.filter(pk=change.pk).update(at=moment)
    return threat
