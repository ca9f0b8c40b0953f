from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def excerpt(parts) -> str:
    """(before, match, after) with the match marked; escaped."""
    before, match, after = parts
    if not (before or match or after):
        return ""
    if not match:
        return format_html("{}", before)
    return format_html("{}<mark>{}</mark>{}", before, match, after)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
