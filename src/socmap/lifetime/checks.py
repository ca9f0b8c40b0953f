"""Small input checks shared by the lifetime and intelligence services and selectors: a date
in its range, a text within its length, filter dates and sort keys. Each adds a message for
the person who gave the value; none writes anything."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

DATE_HINT = "use 2026-03-14"


def check_date(
    value,
    name: str,
    errors: dict,
    *,
    label: str,
    earliest: dt.date,
    required: bool = True,
    not_after: dt.date | None = None,
    not_before: dt.date | None = None,
    before_label: str = "",
) -> dt.date | None:
    """``value`` if it is a date in range; otherwise ``None`` or the value, with the problem
    added to ``errors[name]``."""
    if value in (None, ""):
        if required:
            errors.setdefault(name, []).append(f"Give the {label}.")
        return None
    if not isinstance(value, dt.date):
        errors.setdefault(name, []).append(f"'{value}' is not a date: {DATE_HINT}.")
        return None
    if value < earliest:
        errors.setdefault(name, []).append(f"The {label} cannot be before {earliest:%Y}.")
    elif not_after is not None and value > not_after:
        errors.setdefault(name, []).append(
            f"The {label} cannot be in the future (today is {not_after:%-d %B %Y})."
        )
    elif not_before is not None and value < not_before:
        errors.setdefault(name, []).append(
            f"The {label} cannot be before {before_label or f'{not_before:%-d %B %Y}'}."
        )
    return value


def clean_text(value, name: str, errors: dict, *, limit: int, required: str = "") -> str:
    """The stripped text; ``required`` is the message when it is empty."""
    text = (value or "").strip()
    if required and not text:
        errors.setdefault(name, []).append(required)
    elif len(text) > limit:
        errors.setdefault(name, []).append(f"Keep it to {limit:,} characters or fewer.")
    return text


def filter_date(raw, name: str, errors: dict) -> dt.date | None:
    """A filter's date (ISO), or ``None`` with a message when it is not one."""
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        errors[name] = [f"'{raw}' is not a date: {DATE_HINT}."]
        return None


def order_by_key(queryset: QuerySet, sort: str, sorts: dict, default: str) -> QuerySet:
    """Order by the named sort (``-`` for reverse), each sort a tuple of fields."""
    key = sort.lstrip("-")
    order = sorts.get(key, sorts[default.lstrip("-")])
    if sort.startswith("-"):
        order = tuple(o[1:] if o.startswith("-") else f"-{o}" for o in order)
    return queryset.order_by(*order)
