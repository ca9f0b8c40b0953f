"""Dashboard panel: six-month reviews of the control strategy that are due or overdue."""

from __future__ import annotations

from socmap.orgs.models import Role
from socmap.profiles import selectors
from socmap.web.dashboard import register_panel

SHOWN = 5


def _reviews_due(user) -> dict:
    due = selectors.reviews_due(user)
    rows = selectors.with_review_state(due[:SHOWN])
    return {"count": due.count(), "assessments": rows}


def register() -> None:
    register_panel(
        "Control strategy: six-month reviews due",
        "profiles/panels/reviews_due.html",
        _reviews_due,
        roles=(Role.TASKING_CHAIR, Role.ANALYST, Role.INSPECTOR, Role.ADMINISTRATOR),
        order=30,
    )
