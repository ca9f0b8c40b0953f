"""Navigation shown in the base layout, chosen by the user's roles."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from socmap.orgs.models import Role

# (label, URL name, roles that see it; empty for everyone), in display order.
NAVIGATION = (
    ("Dashboard", "dashboard", ()),
    ("My work", "plans:mine", ()),
    ("Threats", "threats:list", ()),
    ("Tasking", "plans:tasking", ()),
    ("Disruptions", "disruptions:list", ()),
    ("Performance", "performance:ranking", ()),
    ("People", "people:list", ()),
    ("Lifetime", "lifetime:alerts", ()),
    ("Intelligence", "intel:list", ()),
    ("Networks", "networks:index", ()),
    ("Profiles", "profiles:list", ()),
    ("Control strategy", "strategy:list", ()),
    ("Search", "search:search", ()),
    ("Scoring", "scoring:index", ()),
    ("Organisations", "orgs:organisation-list", ()),
    ("Populations", "orgs:population-list", ()),
    ("Users", "orgs:user-list", (Role.ADMINISTRATOR,)),
    ("Audit trail", "audit:event-list", (Role.ADMINISTRATOR, Role.INSPECTOR)),
    ("Restrictions", "security:restrictions", ()),
    ("Retention", "retention:queue", (Role.ADMINISTRATOR, Role.ANALYST, Role.OFFENDER_MANAGER)),
    ("API", "api-1.0.0:openapi-view", ()),
)


def navigation_for(user) -> list[dict[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for label, name, roles in NAVIGATION:
        if roles and not user.has_role(*roles):
            continue
        try:
            items.append({"label": label, "url": reverse(name)})
        except NoReverseMatch:  # a part of socmap that is not installed
            continue
    return items


def navigation(request):
    user = getattr(request, "user", None)
    items = navigation_for(user)
    path = request.path
    for item in items:
        item["current"] = path == item["url"] or (
            item["url"] != "/" and path.startswith(item["url"])
        )
    return {"nav_items": items}
