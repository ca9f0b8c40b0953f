"""Dashboard panels contributed by disruptions: claims waiting for validation (validators),
claims waiting on their claimant (analysts and LROs), and validated disruptions counted."""

from __future__ import annotations

from django.utils import timezone

from socmap.disruptions import selectors
from socmap.orgs.models import Role
from socmap.web.dashboard import register_panel

SHOWN = 5


def _waiting(user) -> dict:
    waiting = selectors.waiting_for(user)
    overdue = selectors.overdue_for_validation(user)
    today = timezone.localdate()
    oldest = list(waiting[:SHOWN])
    for disruption in oldest:
        disruption.days_waiting = selectors.days_waiting(disruption, today)
    return {"count": waiting.count(), "overdue_count": overdue.count(), "oldest": oldest}


def _claims(user) -> dict:
    claims = selectors.needing_claimant(user)
    return {
        "drafts": claims.filter(status="draft").count(),
        "returned": claims.filter(status="returned").count(),
        "claims": list(claims[:SHOWN]),
    }


def _counted(user) -> dict:
    counts = selectors.counts_by_force(user)
    rows = sorted(counts.rows, key=lambda r: (-r.validated, r.name))  # the busiest first
    own = [r for r in rows if user.organisation and r.slug == user.organisation.slug]
    return {"counts": counts, "rows": own or rows[:SHOWN], "more": len(rows) > SHOWN and not own}


def register() -> None:
    register_panel(
        "Disruptions waiting for validation",
        "disruptions/panels/waiting.html",
        _waiting,
        roles=(Role.VALIDATOR,),
        order=50,
    )
    register_panel(
        "Your disruption claims",
        "disruptions/panels/claims.html",
        _claims,
        roles=(Role.ANALYST, Role.LRO),
        order=51,
    )
    register_panel(
        "Validated disruptions",
        "disruptions/panels/counted.html",
        _counted,
        roles=(Role.PERFORMANCE_LEAD, Role.TASKING_CHAIR, Role.INSPECTOR, Role.VALIDATOR),
        order=52,
    )
