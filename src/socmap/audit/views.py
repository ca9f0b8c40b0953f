"""The audit trail page for administrators and inspectors: search by person, action, record,
dates and free text; paginated; CSV and XLSX export (itself audited)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.dateparse import parse_date

from socmap.audit.chain import head
from socmap.audit.selectors import audit_events_for
from socmap.web.tables import csv_response, paginate, xlsx_response


def _date(request, name: str):
    """A date from the query string; anything that is not a real date is ignored."""
    try:
        return parse_date(request.GET.get(name, "").strip())
    except ValueError:
        return None


@login_required
def event_list(request):
    filters = {
        "action": request.GET.get("action", "").strip()[:64],
        "actor": request.GET.get("actor", "").strip()[:150],
        "target_type": request.GET.get("target_type", "").strip()[:64],
        "target_id": request.GET.get("target_id", "").strip()[:64],
        "text": request.GET.get("q", "").strip()[:100],
    }
    since, until = _date(request, "since"), _date(request, "until")
    events = audit_events_for(request.user, since=since, until=until, **filters)
    if request.GET.get("format") in ("csv", "xlsx"):
        writer = xlsx_response if request.GET["format"] == "xlsx" else csv_response
        return writer(
            "audit-trail",
            [
                "at",
                "actor",
                "organisation",
                "action",
                "target_type",
                "target_id",
                "target",
                "changes",
                "reason",
                "ip_address",
            ],
            (
                [
                    e.at.isoformat(),
                    e.actor_name,
                    e.actor_organisation or "",
                    e.action,
                    e.target_type,
                    e.target_id,
                    e.target_repr,
                    json.dumps(e.changes, ensure_ascii=False, sort_keys=True),
                    e.reason,
                    e.ip_address or "",
                ]
                for e in events.iterator()
            ),
        )
    return render(
        request,
        "audit/event_list.html",
        {
            "page": paginate(request, events),
            "filters": filters,
            "since": request.GET.get("since", ""),
            "until": request.GET.get("until", ""),
            "head": head(),
        },
    )
