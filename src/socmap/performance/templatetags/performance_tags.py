"""Template filters of the performance pages."""

from __future__ import annotations

from django import template

register = template.Library()


def _signed(value: float, places: int) -> str:
    return f"{value:+.{places}f}".replace("-", "−")


@register.filter
def interval(comparison, places: int = 2) -> str:
    """A matched difference with its interval: "−2.10 (−3.40 to −0.80)", or "—"."""
    difference = comparison.difference
    if difference.estimate is None:
        return "—"
    text = _signed(difference.estimate, places)
    if difference.low is None:
        return f"{text} (no interval)"
    return f"{text} ({_signed(difference.low, places)} to {_signed(difference.high, places)})"
