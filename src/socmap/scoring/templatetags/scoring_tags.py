"""Template helpers for scoring pages.

{% load scoring_tags %}
{% for row in assessments|timeline %}{{ row.change }}{% endfor %}
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def timeline(assessments) -> list[dict]:
    """Assessments (newest first) with the band change from the one before each: ``up``
    (a higher band), ``down``, ``same``, ``first`` or ``other-methodology`` (bands of
    different methodologies cannot be compared)."""
    items = list(assessments)
    rows = []
    for index, assessment in enumerate(items):
        before = items[index + 1] if index + 1 < len(items) else None
        if before is None:
            change, words = "first", "first assessment"
        elif before.methodology.name != assessment.methodology.name:
            change, words = "other-methodology", f"new methodology (was {before.band})"
        elif assessment.band_rank < before.band_rank:
            change, words = "up", f"up from {before.band}"
        elif assessment.band_rank > before.band_rank:
            change, words = "down", f"down from {before.band}"
        else:
            change, words = "same", f"same band as before ({before.band})"
        rows.append({"assessment": assessment, "change": change, "words": words})
    return rows


ARROWS = {"up": "▲", "down": "▼", "same": "■", "first": "•", "other-methodology": "◆"}


@register.filter
def change_arrow(change: str) -> str:
    return ARROWS.get(change, "")
