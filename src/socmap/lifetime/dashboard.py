"""Dashboard panels contributed by lifetime management: releases and expiring orders for
offender managers (with the convicted members waiting for an order to be considered), and
breaches that led to action but are not yet recorded as disruptions, for analysts and LROs."""

from __future__ import annotations

from socmap.lifetime import rules, selectors
from socmap.orgs.models import Role
from socmap.web.dashboard import register_panel

SHOWN = 5
DAYS = rules.ALERT_DAYS_DEFAULT


def _releases(user) -> dict:
    due = selectors.releases_due(user, days=DAYS)
    return {"days": DAYS, "count": due.count(), "rows": list(due[:SHOWN])}


def _expiring(user) -> dict:
    expiring = selectors.orders_expiring(user, days=DAYS)
    return {
        "days": DAYS,
        "count": expiring.count(),
        "rows": list(expiring[:SHOWN]),
        "past_end": selectors.orders_past_end(user).count(),
    }


def _consider(user) -> dict:
    rows = selectors.consider_an_order(user)
    return {"count": len(rows), "rows": rows[:SHOWN]}


def _breaches(user) -> dict:
    waiting = selectors.breaches_awaiting_disruption(user)
    return {"count": waiting.count(), "rows": list(waiting.order_by("-occurred_on")[:SHOWN])}


def register() -> None:
    register_panel(
        f"Releases in the next {DAYS} days",
        "lifetime/panels/releases.html",
        _releases,
        roles=(Role.OFFENDER_MANAGER,),
        order=30,
    )
    register_panel(
        f"Orders expiring in the next {DAYS} days",
        "lifetime/panels/expiring.html",
        _expiring,
        roles=(Role.OFFENDER_MANAGER,),
        order=31,
    )
    register_panel(
        "Consider an order",
        "lifetime/panels/consider.html",
        _consider,
        roles=(Role.OFFENDER_MANAGER, Role.LRO),
        order=32,
    )
    register_panel(
        "Breaches to record as disruptions",
        "lifetime/panels/breaches.html",
        _breaches,
        roles=(Role.ANALYST, Role.LRO),
        order=53,
    )
