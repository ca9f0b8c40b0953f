"""Scoring pages. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

from socmap.errors import InvalidInput
from socmap.scoring.forms import raw_inputs
from socmap.scoring.preview import preview as preview_scores
from socmap.scoring.services import methodology_version


@login_required
@require_POST
def preview(request):
    """htmx: the score the answers so far would give (``methodology`` = NAME@VERSION)."""
    try:
        version = methodology_version(request.POST.get("methodology", ""))
    except InvalidInput as unknown:
        return render(
            request,
            "scoring/includes/preview_error.html",
            {"message": unknown.summary()},
            status=400,
        )
    rules = version.rules()
    return render(
        request,
        "scoring/includes/preview.html",
        {
            "preview": preview_scores(rules, raw_inputs(request.POST, rules)),
            "methodology": version.label,
        },
    )
