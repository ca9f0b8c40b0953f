"""The search page. Thin: check the request, call the selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from socmap.errors import InvalidInput
from socmap.orgs.models import Organisation, OrganisationKind
from socmap.search import selectors


@login_required
def search(request):
    params = request.GET
    context = {
        "kinds": selectors.KINDS,
        "forces": Organisation.objects.filter(kind=OrganisationKind.FORCE).order_by("name"),
        "statuses": selectors.statuses(),
        "params": params,
        "errors": {},
        "results": None,
    }
    if not params:
        return render(request, "search/search.html", context)
    try:
        search_request = selectors.request_from(params)
    except InvalidInput as error:
        context["errors"] = error.field_errors
        return render(request, "search/search.html", context, status=400)
    context["results"] = selectors.search(request.user, search_request)
    return render(request, "search/search.html", context)
