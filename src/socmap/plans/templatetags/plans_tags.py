"""The 4P plan panel on the threat page (the threats app does not import plans)."""

from django import template
from django.utils import timezone

from socmap.fourp import FourP
from socmap.plans import rules, selectors, services

register = template.Library()


@register.inclusion_tag("plans/includes/threat_plan.html", takes_context=True)
def threat_plan_panel(context, threat):
    user = context["request"].user
    plan = selectors.plan_for_threat(user, threat)
    today = timezone.localdate()
    may_propose = user.has_role(*services.PROPOSERS) and not user.is_read_only
    result = {
        "threat": threat,
        "user": user,
        "plan": plan,
        "may_manage": services.may_manage(user, threat) and threat.is_active,
        "may_propose": may_propose and threat.status != "archived",
    }
    if plan is None:
        return result
    view = selectors.plan_view(user, plan, today)  # counts of what the user may see
    rows = []
    for p in view.by_p:
        actions = p["actions"]
        rows.append(
            {
                "label": p["label"],
                "objectives": len(p["objectives"]),
                "covered": p["covered"],
                "open": sum(1 for a in actions if a.is_open),
                "overdue": sum(1 for a in actions if a.is_overdue),
                "completed": sum(1 for a in actions if a.status == "completed"),
            }
        )
    snapshot = {"uncovered": view.uncovered}
    late = rules.days_overdue(plan.next_review_due, today)
    gaps = []
    if snapshot["uncovered"]:
        gaps.append("no action under " + ", ".join(FourP(p).label for p in snapshot["uncovered"]))
    if late:
        gaps.append("review overdue")
    overdue = sum(r["overdue"] for r in rows)
    if overdue:
        gaps.append(f"{overdue} overdue action{'s' if overdue != 1 else ''}")
    if threat.lro_id is None:
        gaps.append("no LRO")
    result.update(rows=rows, review_late=late, gaps=gaps)
    return result
