"""Dashboard panel for analysts: the people recorded most recently in their area."""

from __future__ import annotations

from socmap.orgs.models import Role
from socmap.people.selectors import nominals_visible_to, recently_recorded
from socmap.web.dashboard import register_panel

RECENT_LIMIT = 5


def _recent(user) -> dict:
    return {
        "count": nominals_visible_to(user).count(),
        "recent": recently_recorded(user, RECENT_LIMIT),
    }


def register() -> None:
    register_panel(
        "Recently recorded people",
        "people/panels/recent.html",
        _recent,
        roles=(Role.ANALYST,),
        order=40,
    )
