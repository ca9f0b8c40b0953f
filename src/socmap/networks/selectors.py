"""Reads of the association network, always built from what the requesting user may see.

The whole graph is cached in memory (``networks.store``); each query walks it from one
person or threat asking the scoping module, batch by batch, which nodes and which records
behind the links the user may see (:class:`ScopedVisibility`), then measures the small
network it found with NetworkX. ``user=None`` is the system operator at the command line.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from itertools import combinations

import networkx as nx
from django.http import Http404

from socmap.errors import InvalidInput
from socmap.networks import measures, store
from socmap.networks.graph import LINK_LABELS, LinkKind, NetworkGraph, NodeKind
from socmap.networks.neighbourhood import (
    DEFAULT_LIMIT,
    MAX_STEPS,
    LinkFilter,
    Neighbourhood,
    NetworkTooLarge,
    SeeEverything,
    neighbourhood,
)
from socmap.orgs.scoping import get_visible_or_404, sees_everything, visible_to

CHUNK = 2000  # ids per visibility query
KEY_PLAYERS = 5
LINK_VALUES = [k.value for k in LinkKind]
NODE_LIMIT = DEFAULT_LIMIT  # people and threats in one network; past it the query is refused


def _model_for_node(kind: NodeKind):
    from socmap.people.models import Nominal
    from socmap.threats.models import Threat

    return Nominal if kind == NodeKind.NOMINAL else Threat


def _model_for_link(kind: LinkKind):
    from socmap.disruptions.models import Disruption
    from socmap.people.models import Association
    from socmap.threats.models import Membership

    return {
        LinkKind.ASSOCIATION: Association,
        LinkKind.MEMBERSHIP: Membership,
        LinkKind.CO_OFFENDING: Disruption,
    }[kind]


class ScopedVisibility:
    """What ``user`` may see, asked of the scoping module in batches."""

    def __init__(self, user):
        self.user = user

    def _visible(self, model, ids: set[int]) -> set[int]:
        if not ids or sees_everything(self.user, model):
            return set(ids)
        ordered = sorted(ids)
        seen: set[int] = set()
        for i in range(0, len(ordered), CHUNK):
            chunk = ordered[i : i + CHUNK]
            seen.update(
                visible_to(self.user, model.objects.filter(pk__in=chunk)).values_list(
                    "pk", flat=True
                )
            )
        return seen

    def visible_nodes(self, kind: NodeKind, ids: set[int]) -> set[int]:
        return self._visible(_model_for_node(kind), ids)

    def visible_records(self, kind: LinkKind, ids: set[int]) -> set[int]:
        return self._visible(_model_for_link(kind), ids)


# --------------------------------------------------------------------------- parsing


def parse_filter(
    *,
    steps: int | str | None = 2,
    kinds: list[str] | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    threat_statuses: list[str] | None = None,
) -> tuple[int, LinkFilter]:
    """The steps and filter asked for, or :class:`InvalidInput` naming what is wrong."""
    from socmap.threats.models import Status

    errors: dict[str, list[str]] = {}
    try:
        steps = int(steps if steps not in (None, "") else 2)
    except (TypeError, ValueError):
        errors["steps"] = [f"'{steps}' is not a number of steps."]
        steps = 2
    if not 1 <= steps <= MAX_STEPS:
        errors["steps"] = [f"Choose from 1 to {MAX_STEPS} steps."]
    chosen = [k for k in (kinds or []) if k]
    unknown = [k for k in chosen if k not in LINK_VALUES or k == LinkKind.SAME_PERSON]
    if unknown:
        errors["kinds"] = [
            f"Unknown kind of link '{k}': choose from "
            f"{', '.join(k for k in LINK_VALUES if k != LinkKind.SAME_PERSON)}."
            for k in unknown
        ]
    dates = {}
    for name, value in (("since", since), ("until", until)):
        if isinstance(value, str) and value.strip():
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                errors[name] = [f"'{value}' is not a date (use YYYY-MM-DD)."]
                value = None
        dates[name] = value or None
    if dates["since"] and dates["until"] and dates["until"] < dates["since"]:
        errors["until"] = ["The period cannot end before it starts."]
    statuses = [s for s in (threat_statuses or []) if s]
    bad = [s for s in statuses if s not in Status.values]
    if bad:
        errors["threat_status"] = [
            f"Unknown threat status '{s}': choose from {', '.join(Status.values)}." for s in bad
        ]
    if errors:
        raise InvalidInput(errors)
    link_filter = LinkFilter(
        kinds=frozenset(LinkKind(k) for k in chosen) if chosen else frozenset(LinkKind),
        since=dates["since"],
        until=dates["until"],
        threat_statuses=frozenset(statuses) if statuses else None,
    )
    return steps, link_filter


# --------------------------------------------------------------------------- the view


@dataclass
class NetworkNode:
    key: str
    kind: str  # "nominal" or "threat"
    record_id: int
    label: str
    detail: str
    distance: int
    owner: str
    records: list[int] = field(default_factory=list)  # merged records it stands for
    community: int | None = None
    degree: int | None = None
    betweenness: float | None = None
    eigenvector: float | None = None
    fragmentation_without: float | None = None
    key_player_rank: int | None = None
    url: str = ""


@dataclass
class NetworkLink:
    key: str
    source: str
    target: str
    kind: str
    label: str
    detail: str
    record_id: int
    start: str = ""
    end: str = ""


@dataclass
class ThreatLink:
    threats: tuple[str, str]
    labels: tuple[str, str]
    shared: list[str]  # the people both are linked to
    shared_labels: list[str]


@dataclass
class KeyPlayerRow:
    rank: int
    key: str
    label: str
    fragmentation: float
    distance_fragmentation: float
    components: int


@dataclass
class NetworkView:
    start: str
    steps: int
    nodes: list[NetworkNode]
    links: list[NetworkLink]
    threat_links: list[ThreatLink]
    key_players: list[KeyPlayerRow]
    communities: int
    fragmentation: float
    people: int
    threats: int
    limit: int

    def node(self, key: str) -> NetworkNode | None:
        return next((n for n in self.nodes if n.key == key), None)

    def as_json(self) -> dict:
        return {
            "start": self.start,
            "steps": self.steps,
            "people": self.people,
            "threats": self.threats,
            "communities": self.communities,
            "fragmentation": self.fragmentation,
            "nodes": [asdict(n) for n in self.nodes],
            "links": [asdict(link) for link in self.links],
            "threat_links": [asdict(t) for t in self.threat_links],
            "key_players": [asdict(k) for k in self.key_players],
        }


def node_key(kind: NodeKind, pk: int) -> str:
    return f"{'nominal' if kind == NodeKind.NOMINAL else 'threat'}-{pk}"


def network_for(
    user,
    kind: NodeKind,
    pk: int,
    *,
    steps: int = 2,
    link_filter: LinkFilter | None = None,
    limit: int | None = None,
) -> NetworkView:
    """The network around one nominal or threat, to ``steps`` links, of what ``user`` may see
    (404 if they may not see the start). A network past ``limit`` nodes is refused with
    :class:`InvalidInput`."""
    model = _model_for_node(kind)
    if user is None:
        if not model.objects.filter(pk=pk).exists():
            raise Http404(f"No {model._meta.verbose_name} found.")
    else:
        get_visible_or_404(user, model, pk=pk)
    # the part of the network this walk can use, read now: current at national scale
    # without holding or rebuilding the whole graph (docs/methodology.md, "Networks")
    graph = store.graph_around(kind, pk, steps)
    start = graph.node(kind, pk)
    limit = limit or NODE_LIMIT
    visibility = SeeEverything() if user is None else ScopedVisibility(user)
    try:
        found = neighbourhood(graph, start, steps, visibility, link_filter, limit)
    except NetworkTooLarge as too_large:
        raise InvalidInput({"steps": [str(too_large)]}) from too_large
    return _describe(graph, found, steps, limit)


def _describe(graph: NetworkGraph, found: Neighbourhood, steps: int, limit: int) -> NetworkView:
    from socmap.people.models import AssociationKind, Nominal
    from socmap.threats.models import MemberRole, Threat

    keys = {n: node_key(*graph.key(n)) for n in found.distance}
    ids = defaultdict(set)
    for members in found.members.values():
        for n in members:
            ids[graph.key(n)[0]].add(graph.key(n)[1])
    people = {
        p.pk: p
        for p in Nominal.objects.filter(pk__in=ids[NodeKind.NOMINAL]).select_related("owner")
    }
    threats = {
        t.pk: t for t in Threat.objects.filter(pk__in=ids[NodeKind.THREAT]).select_related("owner")
    }
    nodes: dict[int, NetworkNode] = {}
    for n in found.nodes:
        kind, pk = graph.key(n)
        records = [graph.key(m)[1] for m in found.members[n]]
        if kind == NodeKind.NOMINAL:
            person = people[pk]
            others = [people[r] for r in records if r != pk]
            detail = (
                f"born {person.date_of_birth:%d/%m/%Y}" if person.date_of_birth else "born ?"
            ) + (f"; also recorded as {', '.join(str(o) for o in others)}" if others else "")
            nodes[n] = NetworkNode(
                keys[n],
                "nominal",
                pk,
                person.full_name or person.surname,
                detail,
                found.distance[n],
                person.owner.name,
                records,
            )
        else:
            threat = threats[pk]
            band = f", band {threat.current_band}" if threat.current_band else ""
            nodes[n] = NetworkNode(
                keys[n],
                "threat",
                pk,
                f"{threat.reference} {threat.name}",
                f"{threat.get_kind_display()}, {threat.get_status_display().lower()}{band}",
                found.distance[n],
                threat.owner.name,
                records,
            )
    role_labels = dict(MemberRole.choices)
    kind_labels = dict(AssociationKind.choices)
    links = []
    for edge, a, b in found.edges:
        link_kind = graph.kind_of_edge(edge)
        detail = graph.detail_of_edge(edge)
        record = int(graph.edge_record[edge])
        start, end = int(graph.edge_start[edge]), int(graph.edge_end[edge])
        if link_kind == LinkKind.ASSOCIATION:
            label = kind_labels.get(detail, detail)
        elif link_kind == LinkKind.MEMBERSHIP:
            label = role_labels.get(detail, detail)
        elif link_kind == LinkKind.CO_OFFENDING:
            label = f"Named together in DIS-{record:06d}"
        else:
            label = LINK_LABELS[link_kind]
        links.append(
            NetworkLink(
                f"link-{edge}",
                keys[a],
                keys[b],
                link_kind.value,
                label,
                detail,
                record,
                dt.date.fromordinal(start).isoformat() if start else "",
                dt.date.fromordinal(end).isoformat() if end else "",
            )
        )
    links.sort(key=lambda link: (link.kind, link.source, link.target, link.key))
    threat_links = _threat_links(found, graph, nodes)
    people_graph = people_network(found, graph)
    key_players = _measure(people_graph, nodes)
    community_count = len({n.community for n in nodes.values() if n.community is not None})
    ordered = sorted(nodes.values(), key=lambda x: (x.distance, x.kind, x.label, x.record_id))
    return NetworkView(
        start=keys[found.start],
        steps=steps,
        nodes=ordered,
        links=links,
        threat_links=threat_links,
        key_players=key_players,
        communities=community_count,
        fragmentation=round(measures.fragmentation(people_graph), 6),
        people=sum(1 for x in nodes.values() if x.kind == "nominal"),
        threats=sum(1 for x in nodes.values() if x.kind == "threat"),
        limit=limit,
    )


def people_network(found: Neighbourhood, graph: NetworkGraph) -> nx.Graph:
    """The people of a neighbourhood and the links between them: associations, co-offending,
    and membership of the same threat (each link once, weighted by how many records say
    so). Threats are not nodes here: centrality and key players are about people."""
    people = nx.Graph()
    for n in found.distance:
        if graph.key(n)[0] == NodeKind.NOMINAL:
            people.add_node(n)
    members = defaultdict(set)
    for edge, a, b in found.edges:
        kind = graph.kind_of_edge(edge)
        if kind == LinkKind.MEMBERSHIP:
            person, threat = (a, b) if graph.key(a)[0] == NodeKind.NOMINAL else (b, a)
            members[threat].add(person)
        elif kind in (LinkKind.ASSOCIATION, LinkKind.CO_OFFENDING):
            weight = people.get_edge_data(a, b, {}).get("weight", 0)
            people.add_edge(a, b, weight=weight + 1)
    for group in members.values():
        for a, b in combinations(sorted(group), 2):
            weight = people.get_edge_data(a, b, {}).get("weight", 0)
            people.add_edge(a, b, weight=weight + 1)
    return people


def _measure(people: nx.Graph, nodes: dict[int, NetworkNode]) -> list[KeyPlayerRow]:
    scores = measures.centrality(people)
    for n, score in scores.items():
        nodes[n].degree = score.degree
        nodes[n].betweenness = score.betweenness
        nodes[n].eigenvector = score.eigenvector
    for number, community in enumerate(measures.communities(people), start=1):
        for n in community:
            nodes[n].community = number
    if people.number_of_nodes() <= measures.KEY_PLAYER_ALL_NODES_UP_TO:
        for n, value in measures.removal_impact(people).items():
            nodes[n].fragmentation_without = value
    betweenness = {n: s.betweenness for n, s in scores.items()}
    candidates = measures.key_player_candidates(people, betweenness)
    rows = []
    for rank, player in enumerate(measures.key_players(people, KEY_PLAYERS, candidates), 1):
        nodes[player.node].key_player_rank = rank
        rows.append(
            KeyPlayerRow(
                rank,
                nodes[player.node].key,
                nodes[player.node].label,
                player.fragmentation,
                player.distance_fragmentation,
                player.components,
            )
        )
    return rows


def _threat_links(
    found: Neighbourhood, graph: NetworkGraph, nodes: dict[int, NetworkNode]
) -> list[ThreatLink]:
    """Pairs of threats in the neighbourhood that share a person (a member or subject)."""
    by_person = defaultdict(set)
    for edge, a, b in found.edges:
        if graph.kind_of_edge(edge) in (LinkKind.MEMBERSHIP, LinkKind.SUBJECT):
            person, threat = (a, b) if graph.key(a)[0] == NodeKind.NOMINAL else (b, a)
            by_person[person].add(threat)
    shared = defaultdict(set)
    for person, threats in by_person.items():
        for a, b in combinations(sorted(threats), 2):
            shared[(a, b)].add(person)
    out = [
        ThreatLink(
            (nodes[a].key, nodes[b].key),
            (nodes[a].label, nodes[b].label),
            [nodes[p].key for p in sorted(people)],
            [nodes[p].label for p in sorted(people)],
        )
        for (a, b), people in shared.items()
    ]
    return sorted(out, key=lambda t: (-len(t.shared), t.labels))


# --------------------------------------------------------------------------- the whole area

THREAT_LINK_SORTS = ("shared", "threat")
MAX_MIN_SHARED = 20


@dataclass(frozen=True)
class ThreatSummary:
    pk: int
    reference: str
    name: str
    status: str
    band: str
    owner: str

    @property
    def label(self) -> str:
        return f"{self.reference} {self.name}"


@dataclass(frozen=True)
class SharedPerson:
    pk: int
    label: str
    records: tuple[int, ...]  # the records of this person (more than one when merged)


@dataclass
class LinkedThreats:
    first: ThreatSummary
    second: ThreatSummary
    shared: list[SharedPerson]
    group: int = 0  # the number of the group of linked threats the pair belongs to


@dataclass
class AreaThreatLinks:
    pairs: list[LinkedThreats]
    threats_linked: int  # threats in at least one pair
    groups: int  # groups of threats linked to each other, directly or through others
    people: int  # people shared by at least two threats
    threats_seen: int  # threats looked at (those the user may see, of the chosen statuses)


def parse_area_filter(
    *,
    statuses: list[str] | None = None,
    min_shared: int | str | None = 1,
    include_past: bool | str | None = False,
    sort: str | None = "-shared",
) -> dict:
    """The filter of :func:`threat_links_in_area`, or :class:`InvalidInput` saying what is
    wrong. No status chosen: active threats."""
    from socmap.threats.models import Status

    errors: dict[str, list[str]] = {}
    chosen = [s for s in (statuses or []) if s] or [Status.ACTIVE]
    bad = [s for s in chosen if s not in Status.values]
    if bad:
        errors["status"] = [
            f"Unknown threat status '{s}': choose from {', '.join(Status.values)}." for s in bad
        ]
    try:
        least = int(min_shared if min_shared not in (None, "") else 1)
    except (TypeError, ValueError):
        errors["min_shared"] = [f"'{min_shared}' is not a number of people."]
        least = 1
    if not 1 <= least <= MAX_MIN_SHARED:
        errors["min_shared"] = [f"Choose from 1 to {MAX_MIN_SHARED} people in common."]
    order = sort or "-shared"
    if order.lstrip("-") not in THREAT_LINK_SORTS:
        errors["sort"] = [f"Sort by one of {', '.join(THREAT_LINK_SORTS)} (- for reverse)."]
    if errors:
        raise InvalidInput(errors)
    past = include_past if isinstance(include_past, bool) else include_past in ("1", "on", "true")
    return {"statuses": chosen, "min_shared": least, "include_past": past, "sort": order}


def threat_links_in_area(
    user,
    *,
    statuses: list[str],
    min_shared: int = 1,
    include_past: bool = False,
    sort: str = "-shared",
) -> AreaThreatLinks:
    """Every pair of threats ``user`` may see (of ``statuses``) that share at least
    ``min_shared`` people the user may also see: members (current ones only unless
    ``include_past``) and the subjects of priority-individual threats. Two records merged as
    one person count once when the user may see both. People and memberships the user may not
    see are left out before anything is counted. ``user=None``: everything."""
    from socmap.people.models import Nominal
    from socmap.threats.models import Membership, Threat

    def scoped(queryset):
        return queryset if user is None else visible_to(user, queryset)

    threats = scoped(Threat.objects.filter(status__in=statuses))
    people = scoped(Nominal.objects.all())
    memberships = scoped(Membership.objects.filter(threat__in=threats.values("pk"))).filter(
        nominal__in=people.values("pk")
    )
    if not include_past:
        memberships = memberships.filter(left_on__isnull=True)
    links = set(memberships.values_list("threat_id", "nominal_id"))
    links |= set(threats.filter(subject__in=people.values("pk")).values_list("pk", "subject_id"))
    person_ids = {person for _, person in links}
    root = _merge_roots(person_ids, people)
    by_person: dict[int, set[int]] = defaultdict(set)
    records: dict[int, set[int]] = defaultdict(set)
    for threat, person in links:
        by_person[root.get(person, person)].add(threat)
        records[root.get(person, person)].add(person)
    shared: dict[tuple[int, int], set[int]] = defaultdict(set)
    for person, linked in by_person.items():
        for a, b in combinations(sorted(linked), 2):
            shared[(a, b)].add(person)
    shared = {pair: who for pair, who in shared.items() if len(who) >= min_shared}
    threat_ids = {t for pair in shared for t in pair}
    summaries = {
        t.pk: ThreatSummary(
            t.pk,
            t.reference,
            t.name,
            t.get_status_display(),
            t.current_band or "",
            t.owner.name,
        )
        for t in Threat.objects.filter(pk__in=threat_ids).select_related("owner")
    }
    sharers = {p for who in shared.values() for p in who}
    names = {p.pk: p.full_name or p.surname for p in Nominal.objects.filter(pk__in=sharers)}
    groups = _groups(shared)
    pairs = [
        LinkedThreats(
            summaries[a],
            summaries[b],
            sorted(
                (SharedPerson(p, names[p], tuple(sorted(records[p]))) for p in who),
                key=lambda s: (s.label, s.pk),
            ),
            groups[a],
        )
        for (a, b), who in shared.items()
    ]
    descending = sort.startswith("-")
    if sort.lstrip("-") == "shared":
        pairs.sort(key=lambda p: (p.first.label, p.second.label))
        pairs.sort(key=lambda p: len(p.shared), reverse=descending)
    else:
        pairs.sort(key=lambda p: (p.first.label, p.second.label), reverse=descending)
    return AreaThreatLinks(
        pairs=pairs,
        threats_linked=len(threat_ids),
        groups=len(set(groups.values())),
        people=len(sharers),
        threats_seen=threats.count(),
    )


def _merge_roots(person_ids: set[int], people) -> dict[int, int]:
    """Each record -> the record it is merged into (followed to the end), where the user may
    see the records along the way."""
    from socmap.people.models import Nominal

    parent: dict[int, int] = {}
    frontier = set(person_ids)
    seen: set[int] = set()
    while frontier:
        seen |= frontier
        found = dict(
            Nominal.objects.filter(
                pk__in=frontier, merged_into__in=people.values("pk")
            ).values_list("pk", "merged_into_id")
        )
        parent.update(found)
        frontier = set(found.values()) - seen

    def root(person: int) -> int:
        visited = set()
        while person in parent and person not in visited:
            visited.add(person)
            person = parent[person]
        return person

    return {person: root(person) for person in person_ids}


def _groups(shared: dict[tuple[int, int], set[int]]) -> dict[int, int]:
    """Threat -> the number (1, 2...) of its group of linked threats, biggest group first."""
    graph = nx.Graph()
    graph.add_edges_from(shared)
    pieces = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    return {threat: number for number, piece in enumerate(pieces, 1) for threat in piece}
