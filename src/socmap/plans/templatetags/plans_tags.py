"""The 4P plan panel on the threat page (the threats app does not import plans)."""

from django import template

register = template.Library()


@register.inclusion_tag("plans/includes/threat_plan.html", takes_context=True)
def threat_plan_panel(context, threat):
    return {"threat": threat, "user": context["request"].user}
