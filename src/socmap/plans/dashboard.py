"""Dashboard panels contributed by plans: an LRO's reviews and actions due, and the gaps a
tasking chair must close."""

from __future__ import annotations

from django.utils import timezone

from socmap.orgs.models import Role
from socmap.plans import rules, selectors, services
from socmap.web.dashboard import register_panel

SHOWN = 5


def _reviews_due(user) -> dict:
    work = selectors.my_work(user, within=14)
    today = timezone.localdate()
    for plan in work.reviews_due:
        plan.days_overdue = rules.days_overdue(plan.next_review_due, today)
    return {
        "reviews": work.reviews_due[:SHOWN],
        "review_count": len(work.reviews_due),
        "overdue_actions": sum(1 for a in work.actions_due if a.is_overdue),
        "actions_due": len(work.actions_due),
        "unplanned": sum(1 for t in work.threats if t.my_plan is None),
    }


def _gaps(user) -> dict:
    rows = selectors.gaps(user)
    return {
        "counts": [
            (code, label, n)
            for (code, label), n in zip(
                selectors.GAP_KINDS.items(), selectors.gap_counts(rows).values(), strict=True
            )
        ],
        "total": len(rows),
        "limit": services.lro_threat_limit(),
    }


def register() -> None:
    register_panel(
        "Your plan reviews due",
        "plans/panels/reviews_due.html",
        _reviews_due,
        roles=(Role.LRO,),
        order=32,
    )
    register_panel(
        "Gaps in 4P management",
        "plans/panels/gaps.html",
        _gaps,
        roles=(Role.TASKING_CHAIR,),
        order=33,
    )
