"""The disruptions panel on the threat page (the threats app does not import disruptions)."""

from django import template
from django.templatetags.static import static

from socmap.disruptions.selectors import threat_disruptions

register = template.Library()


@register.inclusion_tag("disruptions/includes/threat_disruptions.html", takes_context=True)
def threat_disruptions_panel(context, threat):
    from socmap.disruptions.views import may_record

    user = context["request"].user
    return {
        "threat": threat,
        "user": user,
        "summary": threat_disruptions(user, threat),
        "may_record": may_record(user),
        "css": static("disruptions/disruptions.css"),
    }
