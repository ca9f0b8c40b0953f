"""Navigation shown in the base layout, chosen by the user's roles."""

from __future__ import annotations

from django.urls import reverse

from socmap.orgs.models import Role


def navigation_for(user) -> list[dict[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = [
        {"label": "Dashboard", "url": reverse("dashboard")},
        {"label": "Organisations", "url": reverse("orgs:organisation-list")},
        {"label": "Populations", "url": reverse("orgs:population-list")},
    ]
    if user.has_role(Role.ADMINISTRATOR):
        items.append({"label": "Users", "url": reverse("orgs:user-list")})
    if user.has_role(Role.ADMINISTRATOR, Role.INSPECTOR):
        items.append({"label": "Audit trail", "url": reverse("audit:event-list")})
    items.append({"label": "API", "url": reverse("api-1.0.0:openapi-view")})
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
