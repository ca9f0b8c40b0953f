"""Demo people: local policing areas for each demo force, then thousands of synthetic
nominals with aliases, identifiers, addresses, flags and associations, organised into the
criminal networks that the threats step maps as organised crime groups.

Like ``orgs/demo.py`` the step is split in two:

* :func:`plan_people` decides everything as plain data from the seed, the force names, the
  scale and the reference date (``today``) alone: no database, so tests compare plans;
* :func:`create_demo_people` applies the plan, skipping the people already there (each demo
  person carries its plan key in its notes, e.g. ``demo ref wiltshire-0042``).

**Why not people.services.record_nominal?** Thousands of people, each with aliases,
identifiers, addresses and associations, would be tens of thousands of one-row services and
audit events: too slow for ``make demo``. The step therefore checks each planned value
against the same rules the services apply (the PNC ID pattern, field lengths, dates), then
writes with ``bulk_create`` inside ONE ``transaction.atomic`` and records ONE audit event,
``demo.people_generated``, saying what it created. Every other demo step uses the services.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from socmap.audit.services import record_event
from socmap.demo import DemoContext, demo_step
from socmap.orgs.models import LocalArea, Organisation, OrganisationKind
from socmap.people.models import (
    INVERSE_LABELS,
    Address,
    Alias,
    AliasKind,
    Association,
    AssociationKind,
    Gender,
    Identifier,
    IdentifierKind,
    Nominal,
)
from socmap.people.services import MAX_LENGTHS, PNC_PATTERN

DEMO_NOTE = "Synthetic demo person (demo ref {key})."
DEMO_REF = re.compile(r"demo ref ([a-z0-9-]+)\)")

# Local policing areas (or their main towns) by force. Real place names; the split into areas
# is illustrative.
LOCAL_AREAS: dict[str, tuple[str, ...]] = {
    "Avon and Somerset": (
        "Bristol",
        "Bath",
        "Weston-super-Mare",
        "South Gloucestershire",
        "Taunton",
        "Yeovil",
        "Bridgwater",
    ),
    "Bedfordshire": ("Bedford", "Luton", "Dunstable", "Leighton Buzzard", "Biggleswade"),
    "Cambridgeshire": ("Cambridge", "Peterborough", "Huntingdon", "Wisbech", "Ely", "St Neots"),
    "Cheshire": ("Chester", "Warrington", "Crewe", "Macclesfield", "Northwich", "Widnes"),
    "City of London": ("Bank", "Aldgate", "Barbican", "Fleet Street"),
    "Cleveland": ("Middlesbrough", "Stockton-on-Tees", "Hartlepool", "Redcar"),
    "Cumbria": ("Carlisle", "Barrow-in-Furness", "Kendal", "Workington", "Whitehaven", "Penrith"),
    "Derbyshire": ("Derby", "Chesterfield", "Ilkeston", "Buxton", "Swadlincote", "Matlock"),
    "Devon and Cornwall": (
        "Plymouth",
        "Exeter",
        "Torbay",
        "Truro",
        "Barnstaple",
        "Camborne and Redruth",
        "Newquay",
    ),
    "Dorset": ("Bournemouth", "Poole", "Weymouth and Portland", "Dorchester", "Christchurch"),
    "Durham": ("Durham City", "Darlington", "Newton Aycliffe", "Consett", "Peterlee"),
    "Dyfed-Powys": ("Carmarthen", "Llanelli", "Aberystwyth", "Haverfordwest", "Newtown"),
    "Essex": ("Chelmsford", "Colchester", "Southend-on-Sea", "Basildon", "Harlow", "Clacton"),
    "Gloucestershire": ("Gloucester", "Cheltenham", "Stroud", "Tewkesbury", "Cirencester"),
    "Greater Manchester": (
        "Manchester City Centre",
        "Salford",
        "Oldham",
        "Rochdale",
        "Bolton",
        "Wigan",
        "Stockport",
        "Tameside",
    ),
    "Gwent": ("Newport", "Cwmbran", "Caerphilly", "Blaenau Gwent", "Monmouthshire"),
    "Hampshire": ("Southampton", "Portsmouth", "Basingstoke", "Winchester", "Aldershot"),
    "Hertfordshire": ("Watford", "Stevenage", "St Albans", "Hemel Hempstead", "Hatfield"),
    "Humberside": ("Hull", "Grimsby", "Scunthorpe", "Bridlington", "Goole"),
    "Kent": ("Maidstone", "Medway", "Canterbury", "Dartford", "Thanet", "Folkestone"),
    "Lancashire": ("Preston", "Blackpool", "Blackburn", "Burnley", "Lancaster", "Chorley"),
    "Leicestershire": ("Leicester", "Loughborough", "Hinckley", "Coalville", "Melton Mowbray"),
    "Lincolnshire": ("Lincoln", "Boston", "Grantham", "Skegness", "Spalding"),
    "Merseyside": ("Liverpool North", "Liverpool South", "Knowsley", "Sefton", "Wirral"),
    "Metropolitan Police": (
        "Lambeth",
        "Southwark",
        "Hackney",
        "Newham",
        "Croydon",
        "Haringey",
        "Tower Hamlets",
        "Brent",
    ),
    "Norfolk": ("Norwich", "Great Yarmouth", "King's Lynn", "Thetford", "Cromer"),
    "North Wales": ("Wrexham", "Rhyl", "Bangor", "Colwyn Bay", "Holyhead"),
    "North Yorkshire": ("York", "Scarborough", "Harrogate", "Selby", "Skipton"),
    "Northamptonshire": ("Northampton", "Kettering", "Corby", "Wellingborough", "Daventry"),
    "Northumbria": ("Newcastle", "Sunderland", "Gateshead", "South Tyneside", "Blyth"),
    "Nottinghamshire": ("Nottingham City", "Mansfield", "Ashfield", "Worksop", "Newark"),
    "South Wales": ("Cardiff", "Swansea", "Merthyr Tydfil", "Bridgend", "Rhondda"),
    "South Yorkshire": ("Sheffield", "Doncaster", "Rotherham", "Barnsley"),
    "Staffordshire": ("Stoke-on-Trent", "Stafford", "Tamworth", "Burton upon Trent", "Cannock"),
    "Suffolk": ("Ipswich", "Bury St Edmunds", "Lowestoft", "Felixstowe", "Newmarket"),
    "Surrey": ("Guildford", "Woking", "Epsom", "Staines", "Redhill", "Camberley"),
    "Sussex": ("Brighton and Hove", "Crawley", "Eastbourne", "Hastings", "Worthing"),
    "Thames Valley": (
        "Oxford",
        "Reading",
        "Slough",
        "Milton Keynes",
        "High Wycombe",
        "Aylesbury",
        "Banbury",
    ),
    "Warwickshire": ("Nuneaton", "Rugby", "Warwick", "Leamington Spa", "Stratford-upon-Avon"),
    "West Mercia": ("Worcester", "Hereford", "Telford", "Shrewsbury", "Kidderminster"),
    "West Midlands": (
        "Birmingham East",
        "Birmingham West",
        "Coventry",
        "Wolverhampton",
        "Walsall",
        "Sandwell",
        "Dudley",
    ),
    "West Yorkshire": ("Leeds", "Bradford", "Wakefield", "Huddersfield", "Halifax", "Dewsbury"),
    "Wiltshire": ("Swindon", "Salisbury", "Chippenham", "Trowbridge", "Devizes", "Warminster"),
}

POSTCODE_AREAS: dict[str, tuple[str, ...]] = {
    "Avon and Somerset": ("BS", "BA", "TA"),
    "Bedfordshire": ("MK", "LU"),
    "Cambridgeshire": ("CB", "PE"),
    "Cheshire": ("CH", "CW", "WA"),
    "City of London": ("EC",),
    "Cleveland": ("TS",),
    "Cumbria": ("CA", "LA"),
    "Derbyshire": ("DE", "S"),
    "Devon and Cornwall": ("PL", "EX", "TQ", "TR"),
    "Dorset": ("BH", "DT"),
    "Durham": ("DH", "DL"),
    "Dyfed-Powys": ("SA", "SY", "LD"),
    "Essex": ("CM", "CO", "SS"),
    "Gloucestershire": ("GL",),
    "Greater Manchester": ("M", "OL", "BL", "WN"),
    "Gwent": ("NP",),
    "Hampshire": ("SO", "PO", "RG"),
    "Hertfordshire": ("WD", "SG", "AL", "HP"),
    "Humberside": ("HU", "DN"),
    "Kent": ("ME", "CT", "DA", "TN"),
    "Lancashire": ("PR", "FY", "BB", "LA"),
    "Leicestershire": ("LE",),
    "Lincolnshire": ("LN", "PE", "NG"),
    "Merseyside": ("L", "CH"),
    "Metropolitan Police": ("SE", "SW", "E", "N"),
    "Norfolk": ("NR",),
    "North Wales": ("LL", "CH"),
    "North Yorkshire": ("YO", "HG"),
    "Northamptonshire": ("NN",),
    "Northumbria": ("NE", "SR"),
    "Nottinghamshire": ("NG",),
    "South Wales": ("CF", "SA"),
    "South Yorkshire": ("S", "DN"),
    "Staffordshire": ("ST", "WS", "DE"),
    "Suffolk": ("IP",),
    "Surrey": ("GU", "KT", "RH"),
    "Sussex": ("BN", "RH", "TN"),
    "Thames Valley": ("OX", "RG", "SL", "MK", "HP"),
    "Warwickshire": ("CV",),
    "West Mercia": ("WR", "HR", "TF", "SY"),
    "West Midlands": ("B", "CV", "WV"),
    "West Yorkshire": ("LS", "BD", "WF", "HD", "HX"),
    "Wiltshire": ("SN", "SP", "BA"),
}

COMMON_STREETS = (
    "High Street",
    "Station Road",
    "Church Street",
    "Victoria Road",
    "Park Road",
    "London Road",
    "Queens Road",
    "Manor Road",
    "Mill Lane",
    "Springfield Road",
    "Green Lane",
    "North Street",
    "Albert Road",
    "Broad Street",
    "Westfield Avenue",
    "Beech Close",
    "The Crescent",
    "Orchard Way",
)
STREET_SUFFIXES = (
    "Road",
    "Street",
    "Close",
    "Avenue",
    "Lane",
    "Crescent",
    "Way",
    "Drive",
    "Gardens",
    "Court",
    "Terrace",
    "Walk",
)
STREET_NAMES = (
    "Skinz",
    "Little T",
    "Bugsy",
    "Tiny",
    "Ghost",
    "Smokey",
    "Rico",
    "Snowy",
    "Trigger",
    "Dabz",
    "Blade",
    "Kidda",
    "Razor",
    "Bandz",
    "Sparks",
    "Junior",
    "Mouse",
    "Scrappy",
    "Chains",
    "Psycho",
    "Deezy",
    "Fats",
    "Pablo",
    "Dread",
    "Midnight",
    "Gunner",
    "Taz",
    "Stretch",
    "Frosty",
    "Big Man",
    "Nitro",
    "Shadow",
    "Moneybags",
    "Biscuit",
    "Lefty",
    "Ace",
    "Kingpin",
    "Baby K",
    "Reckless",
    "Sly",
    "Zee",
    "Jigsaw",
    "Buzz",
    "Gizmo",
    "Rocket",
    "Chico",
    "Diesel",
    "Wolfie",
)
# Nationalities other than British, with weights and where their names come from: a Faker
# locale, or a small list below where Faker has none that reads right.
NATIONALITIES = (
    ("Albanian", 14, "list"),
    ("Polish", 10, "pl_PL"),
    ("Romanian", 10, "ro_RO"),
    ("Lithuanian", 6, "lt_LT"),
    ("Vietnamese", 10, "list"),
    ("Irish", 8, "list"),
    ("Jamaican", 5, "en_GB"),
    ("Somali", 5, "list"),
    ("Turkish", 5, "tr_TR"),
    ("Portuguese", 4, "pt_PT"),
    ("Iraqi", 4, "list"),
)
NAME_LISTS = {
    "Albanian": (
        ("Arben", "Besnik", "Dritan", "Ermal", "Fatmir", "Gentian", "Klodian", "Mirel", "Sokol"),
        ("Arta", "Blerta", "Elira", "Jonida", "Mirela"),
        ("Hoxha", "Krasniqi", "Gashi", "Berisha", "Shehu", "Dervishi", "Leka", "Kola", "Hysa"),
    ),
    "Vietnamese": (
        ("Van Minh", "Duc Anh", "Quang Huy", "Thanh Tung", "Van Long", "Minh Tuan", "Hoang Nam"),
        ("Thi Lan", "Thi Hoa", "Thu Trang", "Ngoc Anh", "Thi Mai"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do"),
    ),
    "Irish": (
        ("Patrick", "Sean", "Ciaran", "Declan", "Eoin", "Padraig", "Conor", "Michael", "Liam"),
        ("Siobhan", "Aoife", "Niamh", "Roisin", "Mary"),
        ("Murphy", "O'Brien", "Byrne", "Doherty", "McDonagh", "Ward", "Connors", "Kelly"),
    ),
    "Somali": (
        ("Abdi", "Mohamed", "Ahmed", "Hassan", "Yusuf", "Abdirahman", "Omar", "Ismail"),
        ("Hodan", "Amina", "Fadumo", "Sahra", "Ifrah"),
        ("Warsame", "Farah", "Abdullahi", "Jama", "Hussein", "Osman", "Ali", "Nur"),
    ),
    "Iraqi": (
        ("Karwan", "Rebwar", "Hemin", "Dilshad", "Shwan", "Ali", "Mustafa", "Haider"),
        ("Shilan", "Zainab", "Nasrin"),
        ("Ahmed", "Rasul", "Kareem", "Hamad", "Aziz", "Qadir", "Saleh", "Mahmood"),
    ),
}

# Predominant crime types of the networks (codes from threats/fixtures/crime_types.yaml):
# about 60% drugs (county lines included), as nationally.
NETWORK_CRIME_TYPES = (
    ("county-lines", 34),
    ("drugs", 26),
    ("acquisitive", 10),
    ("msht", 6),
    ("fraud", 5),
    ("money-laundering", 5),
    ("firearms", 3),
    ("violence", 3),
    ("kidnap-extortion", 2),
    ("oic", 2),
    ("other", 2),
    ("cyber", 1),
    ("csae", 1),
)
# Networks of these types often share a nationality other than British.
FOREIGN_NETWORK = {
    "msht": (("Romanian", 3), ("Albanian", 3), ("Vietnamese", 2), ("Polish", 2), ("British", 2)),
    "oic": (("Albanian", 3), ("Iraqi", 3), ("Turkish", 2), ("Vietnamese", 1)),
    "drugs": (("British", 14), ("Albanian", 3), ("Vietnamese", 2), ("Irish", 1)),
    "county-lines": (("British", 12), ("Albanian", 1), ("Somali", 1)),
    "acquisitive": (("British", 8), ("Irish", 2), ("Lithuanian", 1), ("Romanian", 1)),
    "money-laundering": (("British", 6), ("Turkish", 1), ("Albanian", 1)),
    "other": (("British", 6), ("Irish", 2)),
}
PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def pnc_id(year: int, serial: int) -> str:
    """A PNC ID in the usual ``YY/NNNNNNL`` form with its check letter (the year's last two
    digits and the serial, read as one number, modulo 23)."""
    yy = year % 100
    check = PNC_CHECK_LETTERS[(yy * 10_000_000 + serial) % 23]
    return f"{yy:02d}/{serial}{check}"


def derived_seed(seed: int, purpose: str) -> int:
    """A stable integer seed for one step, independent of what earlier steps drew."""
    digest = hashlib.sha256(f"{seed}:{purpose}".encode()).hexdigest()
    return int(digest[:12], 16)


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PersonPlan:
    key: str
    force: str
    surname: str
    forenames: str
    gender: str
    date_of_birth: dt.date
    nationality: str
    foreign_national: bool
    pnc_id: str
    iom: bool
    mappa: bool
    vulnerable: bool
    recorded_on: dt.date
    aliases: tuple[tuple[str, str], ...] = ()  # (kind, name)
    identifiers: tuple[tuple[str, str], ...] = ()  # (kind, value)
    # (line, town, postcode, local area, from, to)
    addresses: tuple[tuple[str, str, str, str, dt.date, dt.date | None], ...] = ()

    @property
    def full_name(self) -> str:
        return f"{self.forenames} {self.surname}"


@dataclass(frozen=True)
class NetworkPlan:
    """People working together: the threats step maps each network as an organised crime
    group owned by the force (``local``), its region's ROCU (``regional``) or the NCA."""

    key: str
    force: str
    level: str  # local / regional / national
    crime_type: str
    members: tuple[tuple[str, str], ...]  # (person key, role), principal first
    exploited: tuple[str, ...] = ()
    family_name: str = ""  # set when the group is built around one family
    local_area: str = ""


@dataclass(frozen=True)
class AssociationPlan:
    source: str
    target: str
    kind: str
    from_date: dt.date | None = None


@dataclass
class PeoplePlan:
    forces: list[str]
    local_areas: dict[str, tuple[str, ...]] = field(default_factory=dict)
    people: list[PersonPlan] = field(default_factory=list)
    networks: list[NetworkPlan] = field(default_factory=list)
    lone_offenders: list[str] = field(default_factory=list)  # priority individual candidates
    associations: list[AssociationPlan] = field(default_factory=list)

    def person(self, key: str) -> PersonPlan:
        index = getattr(self, "_index", None)
        if index is None:
            index = self._index = {p.key: p for p in self.people}
        return index[key]


def local_areas_for(force: str) -> tuple[str, ...]:
    """A force's local policing areas: the table above, or a generic split."""
    if force in LOCAL_AREAS:
        return LOCAL_AREAS[force]
    return tuple(f"{force} {part}" for part in ("North", "South", "East", "West", "Central"))


def _scaled(rng, low: int, high: int, scale: float, minimum: int) -> int:
    return max(minimum, round(rng.randint(low, high) * scale))


class _PeopleFactory:
    """Makes one planned person at a time, drawing only from its own seeded sources."""

    def __init__(self, seed: int, today: dt.date):
        self.today = today
        self.rng = random.Random(derived_seed(seed, "people"))
        self.fakers: dict[str, Faker] = {}
        self.seed = seed
        self.pnc_ids: set[str] = set()
        self.counter: dict[str, int] = {}

    def faker(self, locale: str) -> Faker:
        if locale not in self.fakers:
            made = Faker(locale)
            made.seed_instance(derived_seed(self.seed, f"faker-{locale}"))
            self.fakers[locale] = made
        return self.fakers[locale]

    def nationality(self, weights=None) -> str:
        rng = self.rng
        if weights is None:
            if rng.random() < 0.88:
                return "British"
            weights = [(n, w) for n, w, _ in NATIONALITIES]
        names, values = zip(*weights, strict=True)
        return rng.choices(names, weights=values)[0]

    def name(self, nationality: str, gender: str) -> tuple[str, str]:
        rng = self.rng
        source = {n: s for n, _, s in NATIONALITIES}.get(nationality, "en_GB")
        male = gender != Gender.FEMALE
        if source == "list":
            men, women, surnames = NAME_LISTS[nationality]
            return rng.choice(men if male else women), rng.choice(surnames)
        fake = self.faker(source)
        first = fake.first_name_male() if male else fake.first_name_female()
        if male and hasattr(fake, "last_name_male"):
            last = fake.last_name_male()
        elif not male and hasattr(fake, "last_name_female"):
            last = fake.last_name_female()
        else:
            last = fake.last_name()
        if source == "en_GB" and rng.random() < 0.3:
            second = fake.first_name_male() if male else fake.first_name_female()
            if second != first:
                first = f"{first} {second}"
        return first, last

    def street(self) -> str:
        rng = self.rng
        if rng.random() < 0.35:
            return rng.choice(COMMON_STREETS)
        return f"{self.faker('en_GB').last_name()} {rng.choice(STREET_SUFFIXES)}"

    def postcode(self, force: str) -> str:
        rng = self.rng
        area = rng.choice(POSTCODE_AREAS.get(force, ("ZZ",)))
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        inward = f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        return f"{area}{rng.randint(1, 25)} {inward}"

    def person(
        self,
        force: str,
        areas: tuple[str, ...],
        *,
        ages: tuple[int, int] = (16, 65),
        male_share: float = 0.88,
        nationality: str | None = None,
        surname: str | None = None,
        vulnerable: bool = False,
        offender: bool = True,
        area: str | None = None,
        serious: bool = False,
    ) -> PersonPlan:
        rng = self.rng
        number = self.counter[force] = self.counter.get(force, 0) + 1
        key = f"{slugify(force)}-{number:04d}"
        gender = Gender.MALE if rng.random() < male_share else Gender.FEMALE
        if rng.random() < 0.01:
            gender = Gender.UNKNOWN
        nationality = nationality or self.nationality()
        forenames, family = self.name(nationality, gender)
        surname = surname or family
        low, high = ages
        # Skewed young: most offenders are in their late teens, twenties and thirties.
        age = low + int(rng.betavariate(1.6, 3.2) * (high - low + 1))
        born = self.today - dt.timedelta(days=365 * age + rng.randint(0, 364))
        pnc = ""
        if rng.random() < (0.9 if offender else 0.3):
            first_year = min(self.today.year, born.year + rng.randint(min(12, age), max(12, age)))
            while True:
                pnc = pnc_id(first_year, rng.randint(10_000, 999_999))
                if pnc not in self.pnc_ids:
                    self.pnc_ids.add(pnc)
                    break
        aliases: list[tuple[str, str]] = []
        if offender and rng.random() < 0.4:
            aliases.append((AliasKind.NICKNAME, rng.choice(STREET_NAMES)))
        if rng.random() < 0.12:
            other_first, _ = self.name(nationality, gender)
            if other_first != forenames:
                aliases.append((AliasKind.ALIAS, f"{other_first} {surname}"))
        if rng.random() < 0.05 and len(surname) > 4:
            i = rng.randint(1, len(surname) - 2)
            misspelt = surname[:i] + surname[i + 1] + surname[i] + surname[i + 2 :]
            if misspelt != surname:
                aliases.append((AliasKind.MISSPELLING, f"{forenames} {misspelt}"))
        identifiers: list[tuple[str, str]] = []
        english = self.faker("en_GB")
        if rng.random() < 0.55:
            identifiers.append((IdentifierKind.PHONE, english.cellphone_number()))
            if offender and rng.random() < 0.3:  # a second (burner) handset
                identifiers.append((IdentifierKind.PHONE, english.cellphone_number()))
        if offender and rng.random() < 0.25:
            identifiers.append((IdentifierKind.VEHICLE, english.license_plate()))
        if rng.random() < 0.15:
            handle = slugify(aliases[0][1] if aliases else forenames.split()[0]).replace("-", "")
            identifiers.append(
                (IdentifierKind.SOCIAL_MEDIA, f"@{handle}{rng.randint(1, 999)}"[:40])
            )
        home_area = area or rng.choice(areas)
        moved_in = self.today - dt.timedelta(days=rng.randint(30, 6 * 365))
        addresses = []
        if rng.random() < 0.3:
            before = moved_in - dt.timedelta(days=rng.randint(180, 4 * 365))
            earlier_area = rng.choice(areas)
            addresses.append(
                (
                    f"{rng.randint(1, 180)} {self.street()}",
                    earlier_area,
                    self.postcode(force),
                    earlier_area,
                    before,
                    moved_in - dt.timedelta(days=1),
                )
            )
        flat = f"Flat {rng.randint(1, 40)}, " if rng.random() < 0.3 else ""
        addresses.append(
            (
                f"{flat}{rng.randint(1, 180)} {self.street()}",
                home_area,
                self.postcode(force),
                home_area,
                moved_in,
                None,
            )
        )
        recorded = self.today - dt.timedelta(days=rng.randint(20, 9 * 365))
        return PersonPlan(
            key=key,
            force=force,
            surname=surname[: MAX_LENGTHS["surname"]],
            forenames=forenames[: MAX_LENGTHS["forenames"]],
            gender=gender,
            date_of_birth=born,
            nationality=nationality,
            foreign_national=nationality != "British",
            pnc_id=pnc,
            iom=offender and not vulnerable and rng.random() < (0.25 if serious else 0.08),
            mappa=offender and not vulnerable and rng.random() < (0.06 if serious else 0.01),
            vulnerable=vulnerable,
            recorded_on=max(recorded, born + dt.timedelta(days=365 * 12)),
            aliases=tuple({name: (kind, name) for kind, name in aliases}.values()),
            identifiers=tuple(dict.fromkeys(identifiers)),
            addresses=tuple(addresses),
        )


def _network_size(rng, crime_type: str) -> int:
    low, high = {
        "county-lines": (4, 18),
        "drugs": (4, 25),
        "msht": (3, 12),
        "oic": (3, 10),
        "fraud": (3, 12),
        "money-laundering": (3, 8),
        "cyber": (3, 6),
    }.get(crime_type, (3, 14))
    return min(high, low + int(rng.betavariate(1.4, 3.0) * (high - low + 1)))


def _roles(rng, size: int) -> list[str]:
    principals = 2 if size >= 12 and rng.random() < 0.4 else 1
    roles = ["principal"] * principals
    for _ in range(size - principals):
        roll = rng.random()
        roles.append("core" if roll < 0.35 else "enabler" if roll < 0.47 else "peripheral")
    return roles


def plan_people(
    *, seed: int, forces: list[str], scale: float = 1.0, today: dt.date | None = None
) -> PeoplePlan:
    """Everything the people step will create, as plain data decided by its arguments alone."""
    today = today or timezone.localdate()
    make = _PeopleFactory(seed, today)
    rng = make.rng
    plan = PeoplePlan(forces=list(forces))
    crime_codes, crime_weights = zip(*NETWORK_CRIME_TYPES, strict=True)
    for force in forces:
        areas = local_areas_for(force)
        plan.local_areas[force] = areas
        target = _scaled(rng, 600, 900, scale, minimum=45)
        networks = _scaled(rng, 46, 62, scale, minimum=4)
        regional = _scaled(rng, 2, 4, scale, minimum=1)
        national = 1 if rng.random() < 0.5 or scale < 0.5 else 0
        people: list[PersonPlan] = []
        members_of: dict[str, list[str]] = {}
        for number in range(networks + regional + national):
            level = (
                "local"
                if number < networks
                else "regional"
                if number < networks + regional
                else "national"
            )
            crime = rng.choices(crime_codes, weights=crime_weights)[0]
            if level != "local" and crime not in ("drugs", "county-lines", "msht", "firearms"):
                crime = rng.choice(("drugs", "drugs", "msht", "firearms", "money-laundering"))
            size = _network_size(rng, crime)
            if level != "local":
                size = max(size, rng.randint(8, 25))
            # Keep the small-scale demo (tests) within its people budget.
            size = min(size, max(3, target // 6))
            weights = FOREIGN_NETWORK.get(crime)
            nationality = make.nationality(weights) if weights else "British"
            family = ""
            family_crime = crime in ("acquisitive", "drugs", "other", "violence")
            if nationality == "British" and family_crime and rng.random() < 0.25:
                family = make.name("British", Gender.MALE)[1]
            area = rng.choice(areas)
            members: list[tuple[str, str]] = []
            for index, role in enumerate(_roles(rng, size)):
                related = family and index < rng.randint(2, 4)
                person = make.person(
                    force,
                    areas,
                    ages=(24, 62) if role == "principal" else (16, 55),
                    nationality=nationality if rng.random() < 0.85 else None,
                    surname=family if related else None,
                    area=area if rng.random() < 0.7 else None,
                    serious=role in ("principal", "core"),
                )
                people.append(person)
                members.append((person.key, role))
            exploited: list[str] = []
            if crime in ("county-lines", "drugs", "msht", "csae") and rng.random() < 0.8:
                for _ in range(rng.randint(1, 4)):
                    child = crime in ("county-lines", "csae") or rng.random() < 0.5
                    person = make.person(
                        force,
                        areas,
                        ages=(14, 19) if child else (20, 58),
                        male_share=0.7 if crime == "county-lines" else 0.5,
                        nationality=nationality if crime == "msht" else None,
                        vulnerable=True,
                        offender=False,
                        area=area,
                    )
                    people.append(person)
                    exploited.append(person.key)
            key = f"{slugify(force)}-n{number + 1:02d}"
            plan.networks.append(
                NetworkPlan(
                    key, force, level, crime, tuple(members), tuple(exploited), family, area
                )
            )
            members_of[key] = [k for k, _ in members]
        lone = _scaled(rng, 6, 10, scale, minimum=2)
        for _ in range(lone):
            person = make.person(force, areas, ages=(22, 60), serious=True)
            people.append(person)
            plan.lone_offenders.append(person.key)
        # Everyone else: relatives, partners and associates who are not mapped members.
        while len(people) < target:
            people.append(make.person(force, areas, offender=rng.random() < 0.6))
        plan.people.extend(people)
    _plan_associations(plan, rng, today)
    return plan


def _plan_associations(plan: PeoplePlan, rng, today: dt.date) -> None:
    seen: set[tuple[str, str, str]] = set()

    def link(source: str, target: str, kind: str) -> None:
        if source == target:
            return
        symmetric = kind not in INVERSE_LABELS
        if (source, target, kind) in seen or (symmetric and (target, source, kind) in seen):
            return
        seen.add((source, target, kind))
        since = today - dt.timedelta(days=rng.randint(60, 5 * 365))
        plan.associations.append(AssociationPlan(source, target, kind, since))

    by_force: dict[str, list[NetworkPlan]] = {}
    for network in plan.networks:
        by_force.setdefault(network.force, []).append(network)
        principals = [k for k, role in network.members if role == "principal"]
        core = [k for k, role in network.members if role == "core"]
        enablers = [k for k, role in network.members if role == "enabler"]
        peripheral = [k for k, role in network.members if role == "peripheral"]
        boss = principals[0]
        for other in principals[1:]:
            link(boss, other, AssociationKind.CRIMINAL_ASSOCIATE)
        for member in core:
            link(boss, member, AssociationKind.EMPLOYS)
        for a, b in zip(core, core[1:], strict=False):
            link(a, b, AssociationKind.CRIMINAL_ASSOCIATE)
        for member in enablers:
            link(member, boss, AssociationKind.FINANCES)
        for member in peripheral:
            link(rng.choice(core or principals), member, AssociationKind.EMPLOYS)
        if network.family_name:
            relatives = [
                k for k, _ in network.members if plan.person(k).surname == network.family_name
            ]
            for a, b in zip(relatives, relatives[1:], strict=False):
                link(a, b, AssociationKind.FAMILY)
        runners = core + peripheral or principals
        for victim in network.exploited:
            link(rng.choice(runners), victim, AssociationKind.EXPLOITS)
            if rng.random() < 0.4:
                link(boss, victim, AssociationKind.EXPLOITS)
        if rng.random() < 0.3 and len(core) >= 2:
            link(core[0], core[-1], AssociationKind.CO_ACCUSED)
    # Regional and national networks supply the local drugs networks of their force.
    for networks in by_force.values():
        suppliers = [n for n in networks if n.level != "local" and n.crime_type == "drugs"]
        for network in networks:
            supplied = network.level == "local" and network.crime_type in ("drugs", "county-lines")
            if supplied and suppliers and rng.random() < 0.5:
                upstream = rng.choice(suppliers)
                link(upstream.members[0][0], network.members[0][0], AssociationKind.SUPPLIER)
    # Unmapped people are partners, relatives and associates of mapped ones.
    mapped: dict[str, list[str]] = {}
    for network in plan.networks:
        mapped.setdefault(network.force, []).extend(k for k, _ in network.members)
    in_network = {k for keys in mapped.values() for k in keys}
    in_network |= {k for n in plan.networks for k in n.exploited}
    loose = [p for p in plan.people if p.key not in in_network]
    for person in loose:
        same_force = mapped.get(person.force)
        if not same_force:
            continue
        roll = rng.random()
        anchor = rng.choice(same_force)
        if roll < 0.25:
            link(anchor, person.key, AssociationKind.PARTNER)
        elif roll < 0.45:
            link(anchor, person.key, AssociationKind.FAMILY)
        elif roll < 0.8:
            link(anchor, person.key, AssociationKind.CRIMINAL_ASSOCIATE)


_CACHE: dict[tuple, PeoplePlan] = {}


def people_plan_for(context: DemoContext, forces: list[str]) -> PeoplePlan:
    """The plan for this run (built once; the threats step reads the same one)."""
    key = (context.seed, tuple(forces), context.scale, timezone.localdate())
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = plan_people(
            seed=context.seed, forces=forces, scale=context.scale, today=key[-1]
        )
    return _CACHE[key]


# --------------------------------------------------------------------------- applying


def _check(person: PersonPlan, today: dt.date) -> None:
    """The rules record_nominal applies, checked on the planned values."""
    problems = []
    if person.pnc_id and not PNC_PATTERN.match(person.pnc_id):
        problems.append(f"PNC ID {person.pnc_id}")
    for key, limit in MAX_LENGTHS.items():
        if not 0 < len(getattr(person, key) or "x") <= limit:
            problems.append(key)
    if not dt.date(1900, 1, 1) <= person.date_of_birth <= today:
        problems.append("date of birth")
    if problems:
        raise ValueError(f"Demo person {person.key} breaks the rules: {', '.join(problems)}")


def demo_nominals(forces) -> dict[str, Nominal]:
    """The demo people already recorded for ``forces``, by plan key."""
    found = {}
    for nominal in Nominal.objects.filter(
        owner__in=list(forces), notes__startswith="Synthetic demo person"
    ):
        match = DEMO_REF.search(nominal.notes)
        if match:
            found[match.group(1)] = nominal
    return found


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


@demo_step(20, "Local areas and people")
def create_demo_people(context: DemoContext) -> str:
    forces = {
        o.name: o
        for o in Organisation.objects.filter(
            kind=OrganisationKind.FORCE, name__in=[f.name for f in context.forces]
        )
    }
    plan = people_plan_for(context, [f.name for f in context.forces])
    with transaction.atomic():
        areas_made = 0
        existing_areas = set(LocalArea.objects.values_list("force__name", "name"))
        new_areas = [
            LocalArea(force=forces[force], name=name)
            for force, names in plan.local_areas.items()
            for name in names
            if (force, name) not in existing_areas
        ]
        LocalArea.objects.bulk_create(new_areas)
        areas_made = len(new_areas)

        existing = demo_nominals(forces.values())
        to_make = [p for p in plan.people if p.key not in existing]
        for person in to_make:
            _check(person, timezone.localdate())
        made = Nominal.objects.bulk_create(
            [
                Nominal(
                    owner=forces[p.force],
                    surname=p.surname,
                    forenames=p.forenames,
                    date_of_birth=p.date_of_birth,
                    gender=p.gender,
                    nationality=p.nationality,
                    pnc_id=p.pnc_id,
                    foreign_national=p.foreign_national,
                    iom=p.iom,
                    mappa=p.mappa,
                    vulnerable=p.vulnerable,
                    notes=DEMO_NOTE.format(key=p.key),
                    created_at=_aware(p.recorded_on),
                )
                for p in to_make
            ],
            batch_size=500,
        )
        by_key = dict(existing)
        by_key.update({p.key: n for p, n in zip(to_make, made, strict=True)})
        aliases = [
            Alias(nominal=by_key[p.key], kind=kind, name=name)
            for p in to_make
            for kind, name in p.aliases
        ]
        identifiers = [
            Identifier(nominal=by_key[p.key], kind=kind, value=value)
            for p in to_make
            for kind, value in p.identifiers
        ]
        addresses = [
            Address(
                nominal=by_key[p.key],
                line=line,
                town=town,
                postcode=postcode,
                force=forces[p.force],
                local_area=area,
                from_date=start,
                to_date=end,
            )
            for p in to_make
            for line, town, postcode, area, start, end in p.addresses
        ]
        Alias.objects.bulk_create(aliases, batch_size=1000)
        Identifier.objects.bulk_create(identifiers, batch_size=1000)
        Address.objects.bulk_create(addresses, batch_size=1000)
        new_keys = {p.key for p in to_make}
        links = [
            Association(
                source=by_key[a.source],
                target=by_key[a.target],
                kind=a.kind,
                from_date=a.from_date,
                created_at=_aware(a.from_date or timezone.localdate()),
            )
            for a in plan.associations
            if a.source in new_keys or a.target in new_keys
        ]
        Association.objects.bulk_create(links, batch_size=1000)
        if to_make or new_areas:
            record_event(
                actor=None,
                action="demo.people_generated",
                target_type="people.nominal",
                target_repr=f"{len(to_make)} synthetic demo people",
                changes={
                    "seed": context.seed,
                    "scale": context.scale,
                    "forces": plan.forces,
                    "local_areas": areas_made,
                    "nominals": len(to_make),
                    "aliases": len(aliases),
                    "identifiers": len(identifiers),
                    "addresses": len(addresses),
                    "associations": len(links),
                },
            )
    return (
        f"{areas_made} local areas, {len(to_make)} people "
        f"({sum(p.vulnerable for p in to_make)} vulnerable or exploited), {len(aliases)} "
        f"aliases, {len(addresses)} addresses, {len(links)} associations "
        f"({len(plan.people) - len(to_make)} already there)"
    )
