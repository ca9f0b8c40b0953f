"""Template helpers for the intelligence pages."""

from django import template

register = template.Library()


@register.filter
def has_role(user, code: str) -> bool:
    """``{% if user|has_role:"administrator" %}``"""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(code))
