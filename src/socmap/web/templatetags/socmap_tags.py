"""Template helpers for list pages: links that keep the current filters, sortable column
headers, and a compact view of an audit event's changes.

    {% load socmap_tags %}
    <a href="?{% query_transform page=3 %}">3</a>
    <a href="?{% query_transform format='csv' page=None %}">Download CSV</a>
    <tr>{% sort_link 'name' 'Name' %}</tr>
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.http import QueryDict

register = template.Library()


def _query(context, **changes: Any) -> QueryDict:
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = str(value)
    return query


@register.simple_tag(takes_context=True)
def query_transform(context, **changes: Any) -> str:
    """The current query string with ``changes`` applied (``None`` or ``""`` removes a key).

    The result is URL-encoded; autoescaping then makes it safe inside an attribute."""
    return _query(context, **changes).urlencode()


@register.inclusion_tag("includes/sort_link.html", takes_context=True)
def sort_link(context, key: str, label: str) -> dict[str, Any]:
    """A ``<th>`` whose link sorts the list by ``key``, toggling ascending and descending.

    Reads the current order from the ``sort`` context variable (``name`` or ``-name``) and
    sets ``aria-sort`` on the header of the column the list is sorted by."""
    current = str(context.get("sort") or "")
    if current == key:
        state, next_sort = "ascending", f"-{key}"
    elif current == f"-{key}":
        state, next_sort = "descending", key
    else:
        state, next_sort = "", key
    return {
        "label": label,
        "state": state,
        "next_direction": "descending" if next_sort.startswith("-") else "ascending",
        # a new order starts again at the first page
        "query": _query(context, sort=next_sort, page=None).urlencode(),
    }


def _display(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return value if value != "" else "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@register.filter
def change_rows(changes: Any) -> list[dict[str, Any]]:
    """An audit event's ``changes`` as rows to show: ``{field, value}`` or, for the
    ``{field: [old, new]}`` shape, ``{field, old, new}``."""
    if not changes:
        return []
    if not isinstance(changes, dict):
        return [{"field": "", "value": _display(changes)}]
    rows = []
    for field in sorted(changes, key=str):
        value = changes[field]
        if isinstance(value, (list, tuple)) and len(value) == 2:
            rows.append({"field": field, "old": _display(value[0]), "new": _display(value[1])})
        else:
            rows.append({"field": field, "value": _display(value)})
    return rows


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_month_year(value) -> str:
    """``j M Y`` as the date filter writes it in English (``3 Mar 2027``), for rows written
    by a tag rather than by the template engine."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
