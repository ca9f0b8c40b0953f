"""Reads that leave a trace: the pages and API reads of sensitive records (threats, nominals,
intelligence reports, and any restricted record) write an audit event, and a restricted
record opens only once the user has said why (an interstitial form on the web, the
``X-Access-Reason`` header in the API). The reason is kept in the audit trail with the
opening and with every read of the record in the next :data:`REASON_SECONDS` seconds.

A view calls :func:`guard_read` after loading the record through scoping; the API calls
:func:`guard_api_read`. Both are no-ops for a record the user may not see (scoping has
already answered 404 by then).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse

from socmap.audit.services import record_event
from socmap.orgs.scoping import permitted_restrictions, restriction_of  # noqa: F401
from socmap.security.services import MIN_REASON

SESSION_KEY = "socmap_access_reasons"
REASON_HEADER = "X-Access-Reason"


def reason_seconds() -> int:
    return int(getattr(settings, "SOCMAP_ACCESS_REASON_SECONDS", 30 * 60))


def record_key(record: models.Model) -> str:
    return f"{record._meta.label_lower}:{record.pk}"


def given_reason(request, record: models.Model) -> str:
    """The reason the user gave for this record in this session, if still fresh."""
    reasons = request.session.get(SESSION_KEY, {})
    entry = reasons.get(record_key(record))
    if not entry or time.time() - entry[1] > reason_seconds():
        return ""
    return entry[0]


def remember_reason(request, record: models.Model, reason: str) -> None:
    reasons = {
        key: entry
        for key, entry in request.session.get(SESSION_KEY, {}).items()
        if time.time() - entry[1] <= reason_seconds()
    }
    reasons[record_key(record)] = [reason, time.time()]
    request.session[SESSION_KEY] = reasons


def record_read(actor, record: models.Model, *, reason: str = "", how: str = "page") -> None:
    """One audit event for a read of a sensitive record."""
    restriction = restriction_of(record)
    changes = {"via": how}
    if restriction is not None:
        changes["restriction"] = restriction.name
    record_event(
        actor=actor,
        action=f"{record._meta.model_name}.viewed",
        target=record,
        changes=changes,
        reason=reason,
    )


def guard_read(request, record: models.Model, *, how: str = "page"):
    """Audit a page read of ``record``; for a restricted record with no fresh reason, the
    redirect to the form that asks for one (return it from the view)."""
    reason = ""
    if restriction_of(record) is not None:
        reason = given_reason(request, record)
        if not reason:
            query = urlencode({"next": request.get_full_path()})
            url = reverse(
                "security:access-reason",
                kwargs={"record_type": record._meta.label_lower, "pk": record.pk},
            )
            return redirect(f"{url}?{query}")
    record_read(request.user, record, reason=reason, how=how)
    return None


def guard_api_read(request, record: models.Model) -> None:
    """Audit an API read; a restricted record needs the reason in the ``X-Access-Reason``
    header, or the answer is 403 with what to send."""
    reason = ""
    if restriction_of(record) is not None:
        reason = (request.headers.get(REASON_HEADER) or "").strip()[:2000]
        if len(reason) < MIN_REASON:
            raise PermissionDenied(
                f"This record is restricted: say why you open it in the {REASON_HEADER} "
                f"header (at least {MIN_REASON} characters)."
            )
    record_read(request.user, record, reason=reason, how="api")
