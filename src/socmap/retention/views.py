"""The retention review queue and the review of one record. Thin: parse, call, render."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from socmap.errors import InvalidInput
from socmap.orgs.scoping import get_visible_or_404
from socmap.retention import services
from socmap.retention.forms import ReviewForm
from socmap.retention.models import ReviewPeriod
from socmap.web.tables import csv_response, paginate


def _record(request, record_type: str, pk: int):
    if not ReviewPeriod.objects.filter(record_type=record_type).exists():
        raise Http404("No such record type.")
    return get_visible_or_404(request.user, apps.get_model(record_type), pk=pk)


@login_required
def queue(request):
    record_type = request.GET.get("record_type", "")
    if record_type and not ReviewPeriod.objects.filter(record_type=record_type).exists():
        record_type = ""
    due = services.due_for_review(request.user, record_type=record_type)
    if request.GET.get("format") == "csv":
        return csv_response(
            "retention-review-queue",
            ["record type", "record", "id", "due", "MoPI group", "last decision"],
            (
                [
                    d.record_type,
                    str(d.record),
                    d.record.pk,
                    d.due_on.isoformat(),
                    d.period.group,
                    d.last_decision or "",
                ]
                for d in due
            ),
        )
    return render(
        request,
        "retention/queue.html",
        {
            "page": paginate(request, due),
            "count": len(due),
            "record_type": record_type,
            "periods": ReviewPeriod.objects.all(),
            "disposal": services.awaiting_disposal(request.user, record_type=record_type)[:50],
        },
    )


@login_required
def review(request, record_type: str, pk: int):
    record = _record(request, record_type, pk)
    if not services.may_review(request.user, record):
        raise PermissionDenied("Only the organisation answering for a record may review it.")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review(actor=request.user, record=record, **form.cleaned_data)
        except InvalidInput as invalid:
            for field, problems in invalid.field_errors.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, f"The review of {record} is recorded.")
            return redirect("retention:queue")
    return render(
        request,
        "retention/review.html",
        {
            "record": record,
            "form": form,
            "period": services.period_for(record),
            "history": services.history(request.user, record),
        },
        status=400 if form.errors else 200,
    )
