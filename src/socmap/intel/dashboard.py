"""Dashboard panels contributed by intelligence: the threat-assessment queue (ROCU and force
assessors), the user's clearance, and sanitised intelligence shared with a partner agency."""

from __future__ import annotations

from socmap.intel import selectors, services
from socmap.intel.models import TriggerStatus
from socmap.orgs.models import Role
from socmap.web.dashboard import register_panel

SHOWN = 5


def _queue(user) -> dict:
    waiting = selectors.trigger_queue(user, status=TriggerStatus.RECEIVED)
    return {"count": waiting.count(), "rows": list(waiting[:SHOWN])}


def _shared(user) -> dict:
    copies = selectors.copy_list(user, shared_only=True)
    return {"count": copies.count(), "rows": list(copies[:SHOWN])}


def _clearance(user) -> dict:
    return {"clearance": services.current_clearance(user)}


def register() -> None:
    register_panel(
        "Trigger reports waiting for assessment",
        "intel/panels/queue.html",
        _queue,
        roles=(Role.ANALYST, Role.TASKING_CHAIR),
        order=20,
    )
    register_panel(
        "Intelligence shared with you",
        "intel/panels/shared.html",
        _shared,
        roles=(Role.PARTNER,),
        order=21,
    )
    register_panel(
        "Your intelligence clearance",
        "intel/panels/clearance.html",
        _clearance,
        roles=(Role.ANALYST, Role.LRO, Role.OFFENDER_MANAGER),
        order=90,
    )
