# ruff: noqa: S608  (table and column names come from the models; values are bound parameters)
"""The association network read from the database as rustworkx graphs.

``graph_around`` reads the part of the network one walk can use (indexed queries, always
current): the network pages and API use it. ``current_graph`` builds the whole network,
column by column, into one in-process graph kept until something it is built from changes,
for analyses of the entire network.

Invalidation: the graph is rebuilt when its *fingerprint* changes: a counter bumped by
Django signals on every save or delete of what it is built from (in this process, rollbacks
included), the newest audit event (every service writes one, in any process) and the newest
id of each table it reads (bulk inserts, such as the demo data, send no signals). Reading the
fingerprint is a handful of indexed ``max`` queries. See docs/methodology.md, "Networks".
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations

import numpy as np
from django.db.models import Max, Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from socmap.networks.graph import (
    KIND_CODES,
    NO_DATE,
    Edge,
    EdgeColumns,
    LinkKind,
    NetworkGraph,
    NodeKind,
)

_lock = threading.Lock()
_generation = 0
_cached: tuple[tuple, NetworkGraph] | None = None
last_build_seconds: float | None = None


def _bump(**_kwargs) -> None:
    global _generation
    _generation += 1


def connect_signals() -> None:
    from socmap.disruptions.models import Disruption
    from socmap.people.models import Association, Nominal, NominalMerge
    from socmap.threats.models import Membership, Threat

    for model in (Association, Nominal, NominalMerge, Membership, Threat, Disruption):
        post_save.connect(_bump, sender=model, dispatch_uid=f"networks-save-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"networks-delete-{model.__name__}")
    m2m_changed.connect(
        _bump, sender=Disruption.nominals.through, dispatch_uid="networks-disruption-nominals"
    )


def fingerprint() -> tuple:
    from socmap.audit.models import AuditEvent
    from socmap.disruptions.models import Disruption
    from socmap.people.models import Association, Nominal, NominalMerge
    from socmap.threats.models import Membership, Threat

    newest = [
        model.objects.aggregate(m=Max("pk"))["m"]
        for model in (AuditEvent, Association, Nominal, NominalMerge, Membership, Threat)
    ]
    newest.append(Disruption.nominals.through.objects.aggregate(m=Max("pk"))["m"])
    return (_generation, *newest)


def _ordinal(column: str) -> str:
    """SQL for a date column as its proleptic ordinal (``date.toordinal``), 0 when empty."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"COALESCE(({column} - DATE '0001-01-01') + 1, {NO_DATE})"
    return f"COALESCE(CAST(julianday({column}) - 1721424.5 AS INTEGER), {NO_DATE})"


def _codes(column: str, names: list[str]) -> tuple[str, list[str]]:
    """SQL giving each of ``names`` its position (1...), 0 for any other value."""
    cases = " ".join("WHEN %s THEN " + str(code) for code in range(1, len(names) + 1))
    return (f"CASE {column} {cases} ELSE 0 END" if names else "0"), list(names)


def _columns(sql: str, params: list, count: int) -> list[np.ndarray]:
    """The ``count`` integer columns of a query (none NULL) as arrays, in the order of the
    columns' values. On PostgreSQL the server packs every row into one binary string (eight
    bytes a value) read straight into numpy: no Python object per row."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(
                f"{sql} ORDER BY {', '.join(str(i) for i in range(1, count + 1))}", params
            )
            rows = np.array(cursor.fetchall(), np.int64).reshape(-1, count)
            return [rows[:, i] for i in range(count)]
        import psycopg

        names = [f"c{i}" for i in range(count)]
        packed = " || ".join(f"int8send({name}::bigint)" for name in names)
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as binary:  # Django's cursors bind client-side
            binary.execute(
                f"SELECT string_agg({packed}, ''::bytea ORDER BY {', '.join(names)}) "
                f"FROM ({sql}) AS q ({', '.join(names)})",
                params or None,
                binary=True,
            )
            data = binary.fetchone()[0] or b""
    rows = np.frombuffer(data, ">i8").reshape(-1, count)
    return [rows[:, i].astype(np.int64) for i in range(count)]


def _part(kind: LinkKind, source_kind, source_id, target_kind, target_id, record=None, start=None,
          end=None, detail=None) -> EdgeColumns:  # fmt: skip
    n = len(source_id)

    def fill(value, default=0):
        if value is None:
            return np.full(n, default, np.int64)
        return np.broadcast_to(np.asarray(value, np.int64), (n,))

    return EdgeColumns(
        source_kind=fill(source_kind),
        source_id=np.asarray(source_id, np.int64),
        target_kind=fill(target_kind),
        target_id=np.asarray(target_id, np.int64),
        kind=fill(KIND_CODES[kind]),
        record=fill(record),
        start=fill(start, NO_DATE),
        end=fill(end, NO_DATE),
        detail=fill(detail),
    )


def build_from_database() -> NetworkGraph:
    """Every nominal and threat, and every link between them, as one graph, read column by
    column (nodes in order of id; links: merges, subjects, associations, memberships,
    co-offending)."""
    from socmap.disruptions.models import Disruption
    from socmap.people.models import Association, AssociationKind, Nominal
    from socmap.threats.models import MemberRole, Membership, Threat

    nominal_table = Nominal._meta.db_table
    nominal_ids, merged_into = _columns(
        f"SELECT id, COALESCE(merged_into_id, 0) FROM {nominal_table}", [], 2
    )
    threats = list(Threat.objects.order_by("pk").values_list("pk", "status", "subject_id"))
    threat_ids = np.array([t[0] for t in threats], np.int64)
    merged = merged_into != 0
    parts = [
        _part(LinkKind.SAME_PERSON, NodeKind.NOMINAL, nominal_ids[merged], NodeKind.NOMINAL,
              merged_into[merged]),
        _part(LinkKind.SUBJECT, NodeKind.THREAT, [t[0] for t in threats if t[2]],
              NodeKind.NOMINAL, [t[2] for t in threats if t[2]],
              record=[t[0] for t in threats if t[2]]),
    ]  # fmt: skip
    association_kinds = sorted(
        set(AssociationKind.values)
        | set(Association.objects.order_by().values_list("kind", flat=True).distinct())
    )
    roles = sorted(
        set(MemberRole.values)
        | set(Membership.objects.order_by().values_list("role", flat=True).distinct())
    )
    details = {0: "", **dict(enumerate(association_kinds, 1))}
    details.update({len(association_kinds) + i: name for i, name in enumerate(roles, 1)})
    code, params = _codes("kind", association_kinds)
    pk, source, target, detail, start, end = _columns(
        f"SELECT id, source_id, target_id, {code}, {_ordinal('from_date')}, {_ordinal('to_date')} "
        f"FROM {Association._meta.db_table}",
        params,
        6,
    )
    parts.append(_part(LinkKind.ASSOCIATION, NodeKind.NOMINAL, source, NodeKind.NOMINAL, target,
                       pk, start, end, detail))  # fmt: skip
    code, params = _codes("role", roles)
    pk, threat, nominal, detail, start, end = _columns(
        f"SELECT id, threat_id, nominal_id, {code}, {_ordinal('joined_on')}, "
        f"{_ordinal('left_on')} FROM {Membership._meta.db_table}",
        params,
        6,
    )
    detail = np.where(detail > 0, detail + len(association_kinds), 0)
    parts.append(_part(LinkKind.MEMBERSHIP, NodeKind.NOMINAL, nominal, NodeKind.THREAT, threat,
                       pk, start, end, detail))  # fmt: skip
    named = Disruption.nominals.through._meta.db_table
    disruption, first, second, day = _columns(
        f"SELECT a.disruption_id, a.nominal_id, b.nominal_id, {_ordinal('d.occurred_on')} "
        f"FROM {named} a JOIN {named} b ON b.disruption_id = a.disruption_id "
        f"AND b.nominal_id > a.nominal_id JOIN {Disruption._meta.db_table} d "
        "ON d.id = a.disruption_id",
        [],
        4,
    )
    parts.append(_part(LinkKind.CO_OFFENDING, NodeKind.NOMINAL, first, NodeKind.NOMINAL, second,
                       disruption, day, day))  # fmt: skip
    return NetworkGraph.from_columns(
        nominal_ids, threat_ids, [t[1] for t in threats], parts, details
    )


def current_graph() -> NetworkGraph:
    """The graph of the database as it is now (built at most once per change)."""
    global _cached, last_build_seconds
    key = fingerprint()
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        if _cached is not None and _cached[0] == key:
            return _cached[1]
        started = time.perf_counter()
        graph = build_from_database()
        last_build_seconds = time.perf_counter() - started
        _cached = (key, graph)
        return graph


def forget() -> None:
    """Drop the cached graph (tests, and after restoring a database)."""
    global _cached
    with _lock:
        _cached = None


# --------------------------------------------------------------------------- one neighbourhood

CHUNK = 5_000  # ids per IN list (SQLite allows 32,766 parameters a statement)


def _chunks(ids) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def _subject_edges(threats) -> Iterator[Edge]:
    for pk, subject in threats.order_by().values_list("pk", "subject_id"):
        yield Edge(LinkKind.SUBJECT, (NodeKind.THREAT, pk), (NodeKind.NOMINAL, subject), pk)


def _membership_edges(memberships) -> Iterator[Edge]:
    for pk, threat, nominal, role, joined, left in memberships.order_by().values_list(
        "pk", "threat_id", "nominal_id", "role", "joined_on", "left_on"
    ):
        yield Edge(
            LinkKind.MEMBERSHIP,
            (NodeKind.NOMINAL, nominal),
            (NodeKind.THREAT, threat),
            pk,
            joined,
            left,
            role,
        )


def _links_of(nominals: set[int], threats: set[int]) -> list[Edge]:
    """Every link with an end among ``nominals`` or ``threats``, as the whole graph has it."""
    from socmap.disruptions.models import Disruption
    from socmap.people.models import Association, Nominal
    from socmap.threats.models import Membership, Threat

    found: list[Edge] = []
    for part in _chunks(nominals):
        merges = Nominal.objects.order_by().filter(
            Q(pk__in=part, merged_into__isnull=False) | Q(merged_into__in=part)
        )
        found.extend(
            Edge(LinkKind.SAME_PERSON, (NodeKind.NOMINAL, pk), (NodeKind.NOMINAL, survivor))
            for pk, survivor in merges.values_list("pk", "merged_into_id")
        )
        found.extend(_subject_edges(Threat.objects.filter(subject__in=part)))
        found.extend(
            Edge(
                LinkKind.ASSOCIATION,
                (NodeKind.NOMINAL, source),
                (NodeKind.NOMINAL, target),
                pk,
                start,
                end,
                kind,
            )  # fmt: skip
            for pk, source, target, kind, start, end in Association.objects.order_by()
            .filter(Q(source__in=part) | Q(target__in=part))
            .values_list("pk", "source_id", "target_id", "kind", "from_date", "to_date")
        )
        found.extend(_membership_edges(Membership.objects.filter(nominal__in=part)))
        named = Disruption.nominals.through.objects.order_by()
        disruptions = named.filter(nominal__in=part).values("disruption_id")
        people: dict[int, list[int]] = defaultdict(list)
        for disruption, nominal in named.filter(disruption_id__in=disruptions).values_list(
            "disruption_id", "nominal_id"
        ):
            people[disruption].append(nominal)
        shared = [d for d, who in people.items() if len(who) > 1]
        days = dict(
            Disruption.objects.order_by().filter(pk__in=shared).values_list("pk", "occurred_on")
        )
        for disruption in shared:
            day = days.get(disruption)
            found.extend(
                Edge(
                    LinkKind.CO_OFFENDING,
                    (NodeKind.NOMINAL, a),
                    (NodeKind.NOMINAL, b),
                    disruption,
                    day,
                    day,
                )  # fmt: skip
                for a, b in combinations(sorted(set(people[disruption])), 2)
            )
    for part in _chunks(threats):
        found.extend(_subject_edges(Threat.objects.filter(pk__in=part, subject__isnull=False)))
        found.extend(_membership_edges(Membership.objects.filter(threat__in=part)))
    return found


LINK_ORDER = {kind: n for n, kind in enumerate(
    (LinkKind.SAME_PERSON, LinkKind.SUBJECT, LinkKind.ASSOCIATION, LinkKind.MEMBERSHIP,
     LinkKind.CO_OFFENDING)
)}  # fmt: skip


def graph_around(kind: NodeKind, pk: int, steps: int) -> NetworkGraph:
    """The part of the network a walk of ``steps`` from one person or threat can use, read
    from the database with indexed queries: every link of every node up to ``steps`` links
    away (merged records cost no step, as in the walk), and the nodes at their ends. Walking
    it gives what walking the whole graph gives, and it is always current."""
    from socmap.threats.models import Threat

    edges: dict[tuple, Edge] = {}
    known: set[tuple[int, int]] = {(int(kind), pk)}
    frontier = set(known)
    for _ in range(steps + 1):
        fetched: set[tuple[int, int]] = set()
        reached: set[tuple[int, int]] = set()
        while frontier - fetched:
            todo = frontier - fetched
            fetched |= todo
            nominals = {i for k, i in todo if k == NodeKind.NOMINAL}
            threats = {i for k, i in todo if k == NodeKind.THREAT}
            for edge in _links_of(nominals, threats):
                key = (edge.kind, edge.record_id, edge.source, edge.target)
                edges.setdefault(key, edge)
                for end in (edge.source, edge.target):
                    end = (int(end[0]), int(end[1]))
                    if end in known:
                        continue
                    known.add(end)
                    if edge.kind == LinkKind.SAME_PERSON:
                        frontier.add(end)  # the same person: no step
                    else:
                        reached.add(end)
        frontier = reached
    threat_ids = sorted(i for k, i in known if k == NodeKind.THREAT)
    statuses: dict[int, str] = {}
    for part in _chunks(threat_ids):
        statuses.update(Threat.objects.order_by().filter(pk__in=part).values_list("pk", "status"))
    ordered = sorted(
        edges.values(),
        key=lambda e: (LINK_ORDER[e.kind], e.record_id, e.source[1], e.target[1]),
    )
    return NetworkGraph(
        sorted(i for k, i in known if k == NodeKind.NOMINAL),
        [(t, statuses[t]) for t in threat_ids if t in statuses],
        ordered,
    )
