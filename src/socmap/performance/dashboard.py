"""The dashboard panel of the performance lead (and the inspector): their force's rate and
place in the ranking over the last 24 months, and the headline compliance measures."""

from __future__ import annotations

from socmap.errors import InvalidInput
from socmap.orgs.models import Role
from socmap.performance import selectors
from socmap.web.dashboard import register_panel


def _panel(user) -> dict:
    if not selectors.may_see_figures(user):
        return {"refused": True}
    options = selectors.default_options()
    try:
        result = selectors.ranking(user, options)
    except InvalidInput as wrong:
        return {"problem": wrong.summary(), "options": options}
    org = user.organisation
    own = next((r for r in result.ranking.rows if org and r.slug == org.slug), None)
    top = result.ranking.compared[:3]
    compliance = selectors.compliance(user, options)
    return {
        "options": options,
        "result": result,
        "own": own,
        "top": top,
        "compliance": compliance.total,
    }


def register() -> None:
    register_panel(
        "Performance",
        "performance/panels/performance.html",
        _panel,
        roles=(Role.PERFORMANCE_LEAD, Role.INSPECTOR),
        order=53,
    )
