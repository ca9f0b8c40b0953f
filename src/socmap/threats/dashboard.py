"""Dashboard panels for threats: what is active in the user's area, and what an LRO leads."""

from __future__ import annotations

from django.db.models import Count

from socmap.orgs.models import Role
from socmap.threats.models import Status
from socmap.threats.selectors import by_priority, overdue_filter, threats_visible_to
from socmap.web.dashboard import register_panel

LED_LIMIT = 10


def _area(user) -> dict:
    active = threats_visible_to(user).filter(status=Status.ACTIVE)
    by_band = (
        active.values("current_methodology", "current_band", "current_band_rank")
        .annotate(n=Count("id"))
        .order_by("current_methodology", "current_band_rank")
    )
    return {
        "active_count": active.count(),
        "by_band": [
            {
                "methodology": row["current_methodology"] or "not assessed",
                "band": row["current_band"] or "Not assessed",
                "threats": row["n"],
            }
            for row in by_band
        ],
        "overdue_count": active.filter(overdue_filter()).count(),
    }


def _led(user) -> dict:
    led = by_priority(threats_visible_to(user).filter(status=Status.ACTIVE, lro=user), "", "name")
    return {"threats": list(led[:LED_LIMIT]), "total": led.count()}


def register() -> None:
    register_panel(
        "Threats in your area",
        "threats/panels/area.html",
        _area,
        roles=(Role.ANALYST, Role.TASKING_CHAIR),
        order=30,
    )
    register_panel("Threats you lead", "threats/panels/led.html", _led, roles=(Role.LRO,), order=31)
