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
    unknown = [k for k in params if k not in selectors.FILTERS]
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
        search_request = selectors.parse_request(
            params.get("q"),
            kind=params.get("kind"),
            force=params.get("force"),
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
            status=params.get("status"),
            page=params.get("page"),
            unknown=unknown,
        )
    except InvalidInput as error:
        context["errors"] = error.field_errors
        return render(request, "search/search.html", context, status=400)
    context["results"] = selectors.search(request.user, search_request)
    return render(request, "search/search.html", context)
