"""Network pages: the network around a person or threat (picture, tables, key players,
exports), the panel data for the person and threat pages, and the method. Thin: parse the
request, call the selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from socmap.errors import InvalidInput
from socmap.networks import selectors
from socmap.networks.graph import LINK_LABELS, LinkKind, NodeKind
from socmap.networks.neighbourhood import MAX_STEPS
from socmap.threats.models import Status
from socmap.web.tables import csv_response

KINDS = {"nominal": NodeKind.NOMINAL, "threat": NodeKind.THREAT}
CHOOSABLE_LINKS = [(k.value, LINK_LABELS[k]) for k in LinkKind if k != LinkKind.SAME_PERSON]
NODE_CSV = [
    "key",
    "kind",
    "id",
    "label",
    "detail",
    "recorded_by",
    "steps_from_start",
    "merged_records",
    "community",
    "degree",
    "betweenness",
    "eigenvector",
    "fragmentation_without",
    "key_player_rank",
]
LINK_CSV = ["key", "source", "target", "kind", "label", "record_id", "from", "until"]


def _request_filter(request) -> dict:
    get = request.GET
    return {
        "steps": get.get("steps", "2")[:3],
        "kinds": [k[:20] for k in get.getlist("kind")],
        "since": get.get("since", "")[:10],
        "until": get.get("until", "")[:10],
        "threat_statuses": [s[:20] for s in get.getlist("threat_status")],
    }


def _add_urls(view: selectors.NetworkView) -> None:
    for node in view.nodes:
        name = "people:detail" if node.kind == "nominal" else "threats:detail"
        node.url = reverse(name, args=[node.record_id])


def network_data(user, kind: str, pk: int, raw: dict) -> selectors.NetworkView:
    if kind not in KINDS:
        raise Http404("No such network.")
    steps, link_filter = selectors.parse_filter(**raw)
    view = selectors.network_for(user, KINDS[kind], pk, steps=steps, link_filter=link_filter)
    _add_urls(view)
    return view


@login_required
def index(request):
    for kind in KINDS:
        value = request.GET.get(kind, "").strip().lstrip("#")
        if value.isdigit():
            return redirect("networks:network", kind=kind, pk=int(value))
    return render(request, "networks/index.html", {})


@login_required
def panel(request, kind: str, pk: int):
    """The network panel of a threat's page, loaded by the page after it is shown (with the
    picture's data, so the picture needs no second request)."""
    from socmap.networks.templatetags.networks_tags import panel_context

    if kind not in KINDS:
        raise Http404("No such network.")
    context = panel_context(request.user, kind, pk, embed=True)
    return render(request, "networks/includes/panel.html", context)


@login_required
def network(request, kind: str, pk: int):
    raw = _request_filter(request)
    wanted = request.GET.get("format", "")
    try:
        view = network_data(request.user, kind, pk, raw)
    except InvalidInput as invalid:
        if wanted == "json":
            return JsonResponse({"errors": invalid.field_errors}, status=400)
        view, errors = None, invalid.field_errors
    else:
        errors = {}
    if view is not None and wanted == "json":
        return JsonResponse(view.as_json())
    name = f"network-{kind}-{pk}"
    if view is not None and wanted == "nodes-csv":
        return csv_response(
            f"{name}-nodes",
            NODE_CSV,
            (
                [
                    n.key,
                    n.kind,
                    n.record_id,
                    n.label,
                    n.detail,
                    n.owner,
                    n.distance,
                    ";".join(str(r) for r in n.records),
                    n.community or "",
                    n.degree,
                    n.betweenness,
                    n.eigenvector,
                    n.fragmentation_without or "",
                    n.key_player_rank or "",
                ]
                for n in view.nodes
            ),
        )
    if view is not None and wanted == "links-csv":
        return csv_response(
            f"{name}-links",
            LINK_CSV,
            (
                [x.key, x.source, x.target, x.kind, x.label, x.record_id, x.start, x.end]
                for x in view.links
            ),
        )
    labels = {n.key: n.label for n in view.nodes} if view else {}
    start = view.node(view.start) if view else None
    if start is None:  # refused: still say whose network it is (the user may see them)
        if kind not in KINDS:
            raise Http404("No such network.")
        start_label = _start_label(request.user, kind, pk)
    else:
        start_label = start.label
    return render(
        request,
        "networks/network.html",
        {
            "kind": kind,
            "pk": pk,
            "view": view,
            "start_label": start_label,
            "labels": labels,
            "errors": errors,
            "filters": raw,
            "link_choices": CHOOSABLE_LINKS,
            "status_choices": Status.choices,
            "step_choices": range(1, MAX_STEPS + 1),
            "data_url": f"{request.path}?{_query(request, 'json')}",
            "name": name,
        },
        status=400 if errors else 200,
    )


def _start_label(user, kind: str, pk: int) -> str:
    from socmap.orgs.scoping import get_visible_or_404
    from socmap.people.models import Nominal
    from socmap.threats.models import Threat

    record = get_visible_or_404(user, Nominal if kind == "nominal" else Threat, pk=pk)
    return str(record)


def _query(request, fmt: str) -> str:
    query = request.GET.copy()
    query["format"] = fmt
    return query.urlencode()


THREAT_LINK_CSV = [
    "threat",
    "threat_name",
    "threat_owner",
    "linked_threat",
    "linked_threat_name",
    "linked_threat_owner",
    "people_shared",
    "who",
    "person_ids",
    "group",
]


def threat_link_rows(result: selectors.AreaThreatLinks):
    for pair in result.pairs:
        yield [
            pair.first.reference,
            pair.first.name,
            pair.first.owner,
            pair.second.reference,
            pair.second.name,
            pair.second.owner,
            len(pair.shared),
            "; ".join(p.label for p in pair.shared),
            ";".join(str(p.pk) for p in pair.shared),
            pair.group,
        ]


@login_required
def threat_links(request):
    """Threats linked through shared people across everything the user may see."""
    from socmap.disruptions.exports import xlsx_response
    from socmap.web.tables import paginate

    get = request.GET
    raw = {
        "statuses": [s[:20] for s in get.getlist("status")],
        "min_shared": get.get("min_shared", "1")[:3],
        "include_past": get.get("include_past", "")[:5],
        "sort": get.get("sort", "-shared")[:12],
    }
    try:
        chosen = selectors.parse_area_filter(**raw)
    except InvalidInput as invalid:
        errors, result, chosen = invalid.field_errors, None, {}
    else:
        errors = {}
        result = selectors.threat_links_in_area(request.user, **chosen)
    wanted = get.get("format", "")
    if result is not None and wanted == "csv":
        return csv_response("threat-links", THREAT_LINK_CSV, threat_link_rows(result))
    if result is not None and wanted == "xlsx":
        return xlsx_response(
            "threat-links", [("Threat links", THREAT_LINK_CSV, list(threat_link_rows(result)))]
        )
    page = paginate(request, result.pairs, per_page=25) if result else None
    return render(
        request,
        "networks/threat_links.html",
        {
            "result": result,
            "page": page,
            "errors": errors,
            "chosen": chosen,
            "raw": raw,
            "sort": chosen.get("sort", "-shared"),
            "status_choices": Status.choices,
            "max_min_shared": selectors.MAX_MIN_SHARED,
        },
        status=400 if errors else 200,
    )


@login_required
def methodology(request):
    return render(request, "networks/methodology.html", {})
