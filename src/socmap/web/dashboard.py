"""Dashboard panels. Each app adds panels for the roles it serves by calling
:func:`register_panel`; the dashboard shows those that apply to the user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    title: str
    template: str
    roles: frozenset[str]  # empty: every user
    context: Callable  # (user) -> dict
    order: int = 100


_PANELS: list[Panel] = []


def register_panel(
    title: str, template: str, context: Callable, *, roles: tuple[str, ...] = (), order: int = 100
) -> None:
    if any(p.title == title for p in _PANELS):
        return
    _PANELS.append(Panel(title, template, frozenset(roles), context, order))
    _PANELS.sort(key=lambda p: p.order)


def panels_for(user) -> list[dict]:
    shown = []
    for panel in _PANELS:
        if panel.roles and not user.has_role(*panel.roles):
            continue
        shown.append({"title": panel.title, "template": panel.template, **panel.context(user)})
    return shown
