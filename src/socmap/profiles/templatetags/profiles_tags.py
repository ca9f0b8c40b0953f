"""The control strategy column of the prioritised threat list and the tasking board (the
threats and plans apps do not import profiles: their templates load this library).

``{% control_strategy_for threats %}`` works out, for a page of threats at once (five queries),
how each relates to the control strategies the user may see, and sets ``control_strategy`` on
each threat; ``{% control_strategy_badges threat %}`` shows it."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from socmap.profiles import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def control_strategy_for(context, threats) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    threats = list(threats)
    links = selectors.control_strategy_links(user, threats) if user is not None else {}
    for threat in threats:
        threat.control_strategy = links.get(threat.pk, [])
    return ""


@register.simple_tag
def control_strategy_badges(threat) -> str:
    """The badges of one row, written directly: a template per row (fifty a page) cost the
    list more than the queries behind the whole column."""
    relations = getattr(threat, "control_strategy", [])
    if not relations:
        return mark_safe('<span class="muted">Not a priority</span>')  # noqa: S308 (a constant)
    items = format_html_join(
        "",
        '<li><span class="badge badge--role" style="white-space: normal">{}</span></li>',
        ((r.text,) for r in relations),
    )
    return format_html('<ul class="plain-list">{}</ul>', items)
