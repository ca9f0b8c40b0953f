"""The disruptions panel on the threat page (the threats app does not import disruptions)."""

from django import template

register = template.Library()


@register.inclusion_tag("disruptions/includes/threat_disruptions.html", takes_context=True)
def threat_disruptions_panel(context, threat):
    return {"threat": threat, "user": context["request"].user}
