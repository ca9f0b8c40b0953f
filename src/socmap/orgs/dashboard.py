"""Dashboard panels contributed by organisations and users."""

from __future__ import annotations

from django.db.models import Count

from socmap.orgs import selectors
from socmap.orgs.models import Organisation, OrganisationKind, Role
from socmap.orgs.scoping import scope_for
from socmap.web.dashboard import register_panel

ROLE_GUIDE = {
    Role.ANALYST: "Map threats, keep their scores current and record disruptions.",
    Role.LRO: "Own your threats' 4P plans, their actions and reviews.",
    Role.VALIDATOR: "Check disruption claims and their impact grades independently.",
    Role.TASKING_CHAIR: "Set priorities, owners, adoption and archiving at tasking.",
    Role.PERFORMANCE_LEAD: "Produce disruption rates, rankings and compliance measures; keep "
    "population figures current.",
    Role.OFFENDER_MANAGER: "Manage convicted offenders for life: orders, custody and release.",
    Role.PARTNER: "See what is shared with your agency and carry your actions in plans.",
    Role.INSPECTOR: "Read everything in your scope; you cannot change anything.",
    Role.ADMINISTRATOR: "Manage users and teams, reference data and the audit trail.",
}


def _organisation(user):
    return {
        "organisation": user.organisation,
        "scope": scope_for(user),
        "roles": sorted(user.roles.all(), key=lambda r: r.label),
    }


def _role_guide(user):
    labels = dict(Role.CHOICES)
    return {
        "items": [
            {"role": labels[code], "text": ROLE_GUIDE[code]}
            for code in Role.CODES
            if code in user.role_codes
        ]
    }


def _users(user):
    users = selectors.users_visible_to(user)
    labels = dict(Role.CHOICES)
    by_role = (
        users.values("roles__code").annotate(n=Count("id", distinct=True)).order_by("roles__code")
    )
    return {
        "user_count": users.count(),
        "inactive_count": users.filter(is_active=False).count(),
        "password_change_count": users.filter(password_change_required=True).count(),
        "by_role": [(labels.get(r["roles__code"], "No role"), r["n"]) for r in by_role],
    }


def _populations(user):
    years = selectors.population_years()
    latest = years[0] if years else None
    forces = Organisation.objects.filter(kind=OrganisationKind.FORCE)
    missing = forces.exclude(population_figures__year=latest).count() if latest else forces.count()
    return {"years": years, "latest_year": latest, "forces_without_latest": missing}


def register() -> None:
    register_panel("Your organisation", "web/panels/organisation.html", _organisation, order=10)
    register_panel("What you can do", "web/panels/role_guide.html", _role_guide, order=20)
    register_panel("Users", "web/panels/users.html", _users, roles=(Role.ADMINISTRATOR,), order=50)
    register_panel(
        "Population figures",
        "web/panels/populations.html",
        _populations,
        roles=(Role.PERFORMANCE_LEAD, Role.ADMINISTRATOR),
        order=60,
    )
