"""The association network of every record, built from the database into one in-process
rustworkx graph and kept until something it is built from changes.

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
from itertools import combinations

from django.db.models import Max
from django.db.models.signals import m2m_changed, post_delete, post_save

from socmap.networks.graph import Edge, LinkKind, NetworkGraph, NodeKind

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


def build_from_database() -> NetworkGraph:
    """Every nominal and threat, and every link between them, as one graph."""
    from socmap.disruptions.models import Disruption
    from socmap.people.models import Association, Nominal
    from socmap.threats.models import Membership, Threat

    nominals, merges = [], []
    for pk, merged_into in Nominal.objects.values_list("pk", "merged_into_id").iterator(
        chunk_size=20000
    ):
        nominals.append(pk)
        if merged_into:
            merges.append(
                Edge(LinkKind.SAME_PERSON, (NodeKind.NOMINAL, pk), (NodeKind.NOMINAL, merged_into))
            )
    threats, subjects = [], []
    for pk, status, subject in Threat.objects.values_list("pk", "status", "subject_id"):
        threats.append((pk, status))
        if subject:
            subjects.append(
                Edge(LinkKind.SUBJECT, (NodeKind.THREAT, pk), (NodeKind.NOMINAL, subject), pk)
            )
    edges: list[Edge] = merges + subjects
    edges.extend(
        Edge(
            LinkKind.ASSOCIATION,
            (NodeKind.NOMINAL, source),
            (NodeKind.NOMINAL, target),
            pk,
            start,
            end,
            kind,
        )
        for pk, source, target, kind, start, end in Association.objects.values_list(
            "pk", "source_id", "target_id", "kind", "from_date", "to_date"
        ).iterator(chunk_size=20000)
    )
    edges.extend(
        Edge(
            LinkKind.MEMBERSHIP,
            (NodeKind.NOMINAL, nominal),
            (NodeKind.THREAT, threat),
            pk,
            joined,
            left,
            role,
        )
        for pk, threat, nominal, role, joined, left in Membership.objects.values_list(
            "pk", "threat_id", "nominal_id", "role", "joined_on", "left_on"
        ).iterator(chunk_size=20000)
    )
    named: dict[int, list[int]] = defaultdict(list)
    for disruption, nominal in Disruption.nominals.through.objects.values_list(
        "disruption_id", "nominal_id"
    ).iterator(chunk_size=20000):
        named[disruption].append(nominal)
    dates = (
        dict(
            Disruption.objects.filter(
                pk__in=[d for d, people in named.items() if len(people) > 1]
            ).values_list("pk", "occurred_on")
        )
        if named
        else {}
    )
    for disruption, people in named.items():
        for a, b in combinations(sorted(set(people)), 2):
            day = dates.get(disruption)
            edges.append(
                Edge(
                    LinkKind.CO_OFFENDING,
                    (NodeKind.NOMINAL, a),
                    (NodeKind.NOMINAL, b),
                    disruption,
                    day,
                    day,
                )
            )
    return NetworkGraph(nominals, threats, edges)


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
