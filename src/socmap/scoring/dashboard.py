"""Dashboard panels contributed by scoring."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from socmap.orgs.models import Role
from socmap.scoring.selectors import overdue_reassessments
from socmap.threats.models import Status
from socmap.threats.selectors import threats_visible_to
from socmap.web.dashboard import register_panel

SHOWN = 5


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _reassessments_due(user) -> dict:
    overdue = overdue_reassessments(user)
    count = overdue.count()
    if count:
        threats = list(overdue[:SHOWN])
    else:
        threats = list(
            threats_visible_to(user)
            .filter(status=Status.ACTIVE, reassessment_due__isnull=False)
            .order_by("reassessment_due", "name")[:SHOWN]
        )
    return {
        "overdue_count": count,
        "threats": [{"threat": t, "url": _url("threats:detail", t.pk)} for t in threats],
        "overdue_url": _url("threats:overdue"),
    }


def register() -> None:
    register_panel(
        "Re-assessments due",
        "scoring/panels/reassessments_due.html",
        _reassessments_due,
        roles=(Role.ANALYST,),
        order=40,
    )
