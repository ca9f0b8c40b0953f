"""API for the association network: the network around a person or threat, to N steps, with
filters, key people, communities, key players and linked threats. Thin: parse, call the
selector. A start outside the user's scope answers 404; a network past the size limit 400."""

from ninja import Query, Router, Schema

from socmap.errors import InvalidInput
from socmap.networks import selectors
from socmap.networks.views import network_data

router = Router(tags=["Networks"])


class NodeOut(Schema):
    key: str
    kind: str
    record_id: int
    label: str
    detail: str
    distance: int
    owner: str
    records: list[int]
    community: int | None
    degree: int | None
    betweenness: float | None
    eigenvector: float | None
    fragmentation_without: float | None
    key_player_rank: int | None
    url: str


class LinkOut(Schema):
    key: str
    source: str
    target: str
    kind: str
    label: str
    detail: str
    record_id: int
    start: str
    end: str


class ThreatLinkOut(Schema):
    threats: list[str]
    labels: list[str]
    shared: list[str]
    shared_labels: list[str]


class KeyPlayerOut(Schema):
    rank: int
    key: str
    label: str
    fragmentation: float
    distance_fragmentation: float
    components: int


class NetworkOut(Schema):
    start: str
    steps: int
    people: int
    threats: int
    communities: int
    fragmentation: float
    nodes: list[NodeOut]
    links: list[LinkOut]
    threat_links: list[ThreatLinkOut]
    key_players: list[KeyPlayerOut]


def _network(request, kind, pk, steps, kinds, since, until, threat_status):
    view = network_data(
        request.user,
        kind,
        pk,
        {
            "steps": steps,
            "kinds": kinds or [],
            "since": since,
            "until": until,
            "threat_statuses": threat_status or [],
        },
    )
    return view.as_json()


@router.get(
    "/nominals/{int:nominal_id}",
    response=NetworkOut,
    summary="The network around a person, to N steps (kinds: association, membership, "
    "co_offending, subject)",
)
def nominal_network(
    request,
    nominal_id: int,
    steps: int = 2,
    kinds: list[str] = Query(None),
    since: str = "",
    until: str = "",
    threat_status: list[str] = Query(None),
):
    return _network(request, "nominal", nominal_id, steps, kinds, since, until, threat_status)


@router.get("/threats/{int:threat_id}", response=NetworkOut, summary="The network around a threat")
def threat_network(
    request,
    threat_id: int,
    steps: int = 2,
    kinds: list[str] = Query(None),
    since: str = "",
    until: str = "",
    threat_status: list[str] = Query(None),
):
    return _network(request, "threat", threat_id, steps, kinds, since, until, threat_status)


class ThreatSummaryOut(Schema):
    id: int
    reference: str
    name: str
    status: str
    band: str
    owner: str


class SharedPersonOut(Schema):
    id: int
    name: str
    records: list[int]


class LinkedThreatsOut(Schema):
    threat: ThreatSummaryOut
    linked_threat: ThreatSummaryOut
    people_shared: int
    shared: list[SharedPersonOut]
    group: int


class AreaThreatLinksOut(Schema):
    count: int  # pairs in all
    page: int
    page_size: int
    threats_seen: int
    threats_linked: int
    groups: int
    people: int
    items: list[LinkedThreatsOut]


THREAT_LINKS_PAGE = 50


def _summary(t: selectors.ThreatSummary) -> dict:
    return {
        "id": t.pk,
        "reference": t.reference,
        "name": t.name,
        "status": t.status,
        "band": t.band,
        "owner": t.owner,
    }


@router.get(
    "/threat-links",
    response=AreaThreatLinksOut,
    summary="Threats linked through shared people, across everything you may see (paged)",
)
def area_threat_links(
    request,
    status: list[str] = Query(None),
    min_shared: int = 1,
    include_past: bool = False,
    sort: str = "-shared",
    page: int = 1,
):
    chosen = selectors.parse_area_filter(
        statuses=status or [], min_shared=min_shared, include_past=include_past, sort=sort
    )
    if page < 1:
        raise InvalidInput({"page": ["Pages start at 1."]})
    result = selectors.threat_links_in_area(request.user, **chosen)
    start = (page - 1) * THREAT_LINKS_PAGE
    return {
        "count": len(result.pairs),
        "page": page,
        "page_size": THREAT_LINKS_PAGE,
        "threats_seen": result.threats_seen,
        "threats_linked": result.threats_linked,
        "groups": result.groups,
        "people": result.people,
        "items": [
            {
                "threat": _summary(pair.first),
                "linked_threat": _summary(pair.second),
                "people_shared": len(pair.shared),
                "shared": [
                    {"id": p.pk, "name": p.label, "records": list(p.records)} for p in pair.shared
                ],
                "group": pair.group,
            }
            for pair in result.pairs[start : start + THREAT_LINKS_PAGE]
        ],
    }
