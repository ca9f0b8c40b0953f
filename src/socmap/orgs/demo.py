"""Demo organisations and people: partner agencies, teams, the persona log-ins and
synthetic staff for ``--forces`` forces.

The plan is built first as plain data from the seed (so it can be tested without a
database), then applied through the services, skipping whatever already exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from socmap.demo import DemoContext, demo_step
from socmap.orgs import services
from socmap.orgs.models import Organisation, OrganisationKind, PartnerSector, Role, Team, User

PERSONA_FORCES = ("Wiltshire", "Dorset")

FORCE_TEAMS = (
    "SOC Intelligence Unit",
    "Serious Organised Crime Team",
    "Disruption Validation Team",
    "Neighbourhood Policing Team",
    "Economic Crime Unit",
    "Integrated Offender Management",
)
ROCU_TEAMS = ("Regional Organised Crime Threat Assessment (ROCTA)", "Regional Disruption Team")

NATIONAL_PARTNERS = (
    ("HM Revenue and Customs", "HMRC", PartnerSector.HMRC),
    ("Home Office Immigration Enforcement", "HOIE", PartnerSector.IMMIGRATION),
    ("Department for Work and Pensions", "DWP", PartnerSector.BENEFITS),
    ("Probation Service", "Probation", PartnerSector.PROBATION),
    ("Gangmasters and Labour Abuse Authority", "GLAA", PartnerSector.REGULATOR),
)

# (username, organisation name, team, roles, first, last, job title)
PERSONAS = (
    (
        "wiltshire.analyst",
        "Wiltshire",
        "SOC Intelligence Unit",
        [Role.ANALYST],
        "Amira",
        "Khan",
        "SOC intelligence analyst",
    ),
    (
        "wiltshire.validator",
        "Wiltshire",
        "Disruption Validation Team",
        [Role.VALIDATOR],
        "Gareth",
        "Pryce",
        "Disruption validation officer",
    ),
    (
        "wiltshire.lro",
        "Wiltshire",
        "Serious Organised Crime Team",
        [Role.LRO],
        "Helen",
        "Marsh",
        "Detective Inspector, Lead Responsible Officer",
    ),
    (
        "wiltshire.tasking",
        "Wiltshire",
        "Serious Organised Crime Team",
        [Role.TASKING_CHAIR],
        "Benjamin",
        "Hale",
        "Detective Superintendent, SOC tasking chair",
    ),
    (
        "wiltshire.performance",
        "Wiltshire",
        "",
        [Role.PERFORMANCE_LEAD],
        "Priya",
        "Shah",
        "Performance and insight lead",
    ),
    (
        "wiltshire.offender",
        "Wiltshire",
        "Integrated Offender Management",
        [Role.OFFENDER_MANAGER],
        "Declan",
        "Murphy",
        "SOC offender manager",
    ),
    (
        "wiltshire.admin",
        "Wiltshire",
        "",
        [Role.ADMINISTRATOR],
        "Sally",
        "Turner",
        "socmap administrator",
    ),
    (
        "dorset.analyst",
        "Dorset",
        "SOC Intelligence Unit",
        [Role.ANALYST],
        "Tom",
        "Ashdown",
        "SOC intelligence analyst",
    ),
    (
        "swrocu.analyst",
        "SWROCU (South West ROCU)",
        "Regional Organised Crime Threat Assessment (ROCTA)",
        [Role.ANALYST, Role.TASKING_CHAIR],
        "Rachel",
        "Penrose",
        "ROCTA analyst",
    ),
    (
        "nca.officer",
        "National Crime Agency",
        "",
        [Role.ANALYST],
        "Kwame",
        "Mensah",
        "NCA intelligence officer",
    ),
    (
        "nca.admin",
        "National Crime Agency",
        "",
        [Role.ADMINISTRATOR],
        "Fiona",
        "Grant",
        "National socmap administrator",
    ),
    (
        "hmicfrs.inspector",
        "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
        "",
        [Role.INSPECTOR],
        "Martin",
        "Cole",
        "Inspector, SOC inspection",
    ),
    (
        "wiltshire-council.partner",
        "Wiltshire Council",
        "",
        [Role.PARTNER],
        "Joanne",
        "Reeves",
        "Community safety partnership manager",
    ),
)

STAFF_ROLES = (
    ([Role.ANALYST], 5),
    ([Role.LRO], 4),
    ([Role.VALIDATOR], 2),
    ([Role.OFFENDER_MANAGER], 2),
    ([Role.TASKING_CHAIR], 1),
    ([Role.PERFORMANCE_LEAD], 1),
    ([Role.ANALYST, Role.LRO], 1),
)


@dataclass
class PartnerPlan:
    name: str
    short_name: str
    sector: str
    home_force: str | None


@dataclass
class StaffPlan:
    username: str
    organisation: str
    team: str
    roles: list[str]
    first_name: str
    last_name: str
    job_title: str


@dataclass
class OrgsPlan:
    forces: list[str]
    partners: list[PartnerPlan] = field(default_factory=list)
    staff: list[StaffPlan] = field(default_factory=list)


def _area(force_name: str) -> str:
    return re.sub(r"\s+Police$", "", force_name)


def choose_forces(all_forces: list[str], count: int, rng) -> list[str]:
    """The persona forces first, then a seeded choice of the others."""
    others = sorted(f for f in all_forces if f not in PERSONA_FORCES)
    return list(PERSONA_FORCES) + rng.sample(others, max(0, count - len(PERSONA_FORCES)))


def plan_orgs(context: DemoContext, all_forces: list[str]) -> OrgsPlan:
    """Everything the step will create, as plain data decided by the seed alone."""
    rng, faker = context.rng, context.faker
    plan = OrgsPlan(forces=choose_forces(all_forces, context.force_count, rng))
    for force in plan.forces:
        area = _area(force)
        plan.partners.append(
            PartnerPlan(f"{area} Council", f"{area} Council", PartnerSector.LOCAL_AUTHORITY, force)
        )
        plan.partners.append(
            PartnerPlan(f"{area} Homes Partnership", f"{area} Homes", PartnerSector.HOUSING, force)
        )
        plan.partners.append(
            PartnerPlan(
                f"NHS {area} Integrated Care Board", f"NHS {area} ICB", PartnerSector.HEALTH, force
            )
        )
    for name, short, sector in NATIONAL_PARTNERS:
        plan.partners.append(PartnerPlan(name, short, sector, None))

    taken = {p[0] for p in PERSONAS}
    weights = [w for _, w in STAFF_ROLES]
    for force in plan.forces:
        prefix = slugify(_area(force))
        for _ in range(rng.randint(8, 14)):
            first, last = faker.first_name(), faker.last_name()
            base = f"{prefix}.{slugify(first)[:1]}{slugify(last).replace('-', '')}"[:140]
            username, n = base, 1
            while username in taken:
                n += 1
                username = f"{base}{n}"
            taken.add(username)
            roles = rng.choices([r for r, _ in STAFF_ROLES], weights=weights)[0]
            team = {
                Role.ANALYST: "SOC Intelligence Unit",
                Role.LRO: "Serious Organised Crime Team",
                Role.VALIDATOR: "Disruption Validation Team",
                Role.OFFENDER_MANAGER: "Integrated Offender Management",
            }.get(roles[0], "")
            title = {
                Role.ANALYST: "Intelligence analyst",
                Role.LRO: rng.choice(["Detective Sergeant", "Detective Inspector", "Inspector"]),
                Role.VALIDATOR: "Disruption validation officer",
                Role.OFFENDER_MANAGER: "Offender manager",
                Role.TASKING_CHAIR: "Detective Chief Inspector",
                Role.PERFORMANCE_LEAD: "Performance analyst",
            }[roles[0]]
            plan.staff.append(StaffPlan(username, force, team, list(roles), first, last, title))
    return plan


def _email(username: str, organisation: Organisation) -> str:
    return f"{username}@{slugify(organisation.display_short_name)}.socmap-demo.example"


@demo_step(10, "Organisations, teams and users")
def create_demo_organisations(context: DemoContext) -> str:
    services.ensure_reference()
    forces = {o.name: o for o in Organisation.objects.filter(kind=OrganisationKind.FORCE)}
    plan = plan_orgs(context, sorted(forces))
    context.forces = [forces[name] for name in plan.forces]
    created = {"partners": 0, "teams": 0, "users": 0}
    with transaction.atomic():
        for partner in plan.partners:
            _, made = Organisation.objects.get_or_create(
                slug=slugify(partner.name),
                defaults={
                    "name": partner.name,
                    "short_name": partner.short_name,
                    "kind": OrganisationKind.PARTNER,
                    "sector": partner.sector,
                    "home_force": forces.get(partner.home_force),
                    "region": forces[partner.home_force].region if partner.home_force else None,
                },
            )
            created["partners"] += made
        Organisation.objects.filter(name="Wiltshire").update(separate_validation_team=True)
        for organisation in Organisation.objects.filter(
            kind__in=[OrganisationKind.FORCE, OrganisationKind.ROCU]
        ).filter(name__in=plan.forces) | Organisation.objects.filter(kind=OrganisationKind.ROCU):
            names = FORCE_TEAMS if organisation.kind == OrganisationKind.FORCE else ROCU_TEAMS
            for name in names:
                _, made = Team.objects.get_or_create(organisation=organisation, name=name)
                created["teams"] += made

    existing = set(User.objects.values_list("username", flat=True))
    organisations = {o.name: o for o in Organisation.objects.all()}
    for username, org_name, team, roles, first, last, title in PERSONAS:
        organisation = organisations[org_name]
        if username not in existing:
            services.create_user(
                actor=None,
                username=username,
                email=_email(username, organisation),
                first_name=first,
                last_name=last,
                organisation=organisation,
                roles=roles,
                team=Team.objects.filter(organisation=organisation, name=team).first(),
                job_title=title,
                password=context.password,
            )
            created["users"] += 1
        context.personas[username] = (organisation, roles, title)
    for staff in plan.staff:
        if staff.username in existing:
            continue
        organisation = organisations[staff.organisation]
        services.create_user(
            actor=None,
            username=staff.username,
            email=_email(staff.username, organisation),
            first_name=staff.first_name,
            last_name=staff.last_name,
            organisation=organisation,
            roles=staff.roles,
            team=Team.objects.filter(organisation=organisation, name=staff.team).first(),
            job_title=staff.job_title,
            can_log_in=False,
        )
        created["users"] += 1
    return (
        f"{len(plan.forces)} forces ({', '.join(plan.forces)}); created {created['partners']} "
        f"partner agencies, {created['teams']} teams, {created['users']} users"
    )
