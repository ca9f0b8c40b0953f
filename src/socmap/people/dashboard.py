"""Dashboard panels for analysts: the people recorded most recently in their area, and the
possible duplicate people waiting for review."""

from __future__ import annotations

from django.db.models import F

from socmap.orgs.models import Role
from socmap.people.selectors import (
    candidates_visible_to,
    nominals_visible_to,
    recently_recorded,
)
from socmap.web.dashboard import register_panel

RECENT_LIMIT = 5


def _recent(user) -> dict:
    return {
        "count": nominals_visible_to(user).count(),
        "recent": recently_recorded(user, RECENT_LIMIT),
    }


def _duplicates(user) -> dict:
    pairs = candidates_visible_to(user)
    return {
        "count": pairs.count(),
        "cross_force": pairs.exclude(left__owner=F("right__owner")).count(),
        "strongest": list(pairs[:RECENT_LIMIT]),
    }


def register() -> None:
    register_panel(
        "Possible duplicate people to review",
        "people/panels/duplicates.html",
        _duplicates,
        roles=(Role.ANALYST,),
        order=41,
    )
    register_panel(
        "Recently recorded people",
        "people/panels/recent.html",
        _recent,
        roles=(Role.ANALYST,),
        order=40,
    )
