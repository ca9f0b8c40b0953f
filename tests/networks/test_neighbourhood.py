"""The neighbourhood walk on small hand-made networks, with hand-made visibility."""

import datetime as dt

import pytest

from socmap.networks.graph import Edge, LinkKind, NetworkGraph, NodeKind
from socmap.networks.neighbourhood import (
    LinkFilter,
    NetworkTooLarge,
    SeeEverything,
    neighbourhood,
)

N, T = NodeKind.NOMINAL, NodeKind.THREAT


class Hiding:
    """Sees everything except the given nominals and association records."""

    def __init__(self, people=(), associations=()):
        self.people, self.associations = set(people), set(associations)

    def visible_nodes(self, kind, ids):
        return {i for i in ids if not (kind == N and i in self.people)}

    def visible_records(self, kind, ids):
        return {i for i in ids if not (kind == LinkKind.ASSOCIATION and i in self.associations)}


def association(a, b, record, start=None, end=None):
    return Edge(LinkKind.ASSOCIATION, (N, a), (N, b), record, start, end, "criminal_associate")


@pytest.fixture
def chain():
    """1 - 2 - 3 - 4 by associations 12, 23, 34; 3 is a member of group 1 (active), 4 of
    group 2 (archived); 5 is a second record of 2 (merged into it) linked to 6."""
    edges = [
        association(1, 2, 12, dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
        association(2, 3, 23),
        association(3, 4, 34),
        Edge(LinkKind.MEMBERSHIP, (N, 3), (T, 1), 31),
        Edge(LinkKind.MEMBERSHIP, (N, 4), (T, 2), 42),
        Edge(LinkKind.SAME_PERSON, (N, 5), (N, 2)),
        association(5, 6, 56),
    ]
    return NetworkGraph([1, 2, 3, 4, 5, 6], [(1, "active"), (2, "archived")], edges)


def keys(graph, found):
    return {graph.key(n): d for n, d in found.distance.items()}


def test_each_step_reaches_one_link_further(chain):
    one = neighbourhood(chain, chain.node(N, 1), 1, SeeEverything())
    assert keys(chain, one) == {(N, 1): 0, (N, 2): 1}
    two = neighbourhood(chain, chain.node(N, 1), 2, SeeEverything())
    assert keys(chain, two) == {(N, 1): 0, (N, 2): 1, (N, 3): 2, (N, 6): 2}


def test_merged_records_are_one_person_and_the_step_between_them_is_free(chain):
    found = neighbourhood(chain, chain.node(N, 1), 2, SeeEverything())
    person = chain.node(N, 2)
    assert sorted(chain.key(m)[1] for m in found.members[person]) == [2, 5]
    assert chain.node(N, 5) not in found.distance  # shown as record 2
    linked = {(chain.key(a)[1], chain.key(b)[1]) for _, a, b in found.edges}
    assert (2, 6) in linked or (6, 2) in linked


def test_a_person_out_of_sight_is_not_shown_nor_used_as_a_bridge(chain):
    found = neighbourhood(chain, chain.node(N, 1), 4, Hiding(people={3}))
    reached = keys(chain, found)
    assert (N, 3) not in reached
    assert (N, 4) not in reached and (T, 1) not in reached  # only reachable through 3
    assert (N, 6) in reached


def test_a_link_out_of_sight_is_not_walked(chain):
    found = neighbourhood(chain, chain.node(N, 1), 4, Hiding(associations={23}))
    assert (N, 3) not in keys(chain, found)


def test_links_can_be_limited_to_some_kinds_dates_and_threat_statuses(chain):
    members_only = neighbourhood(
        chain, chain.node(N, 3), 2, SeeEverything(), LinkFilter(kinds=frozenset({"membership"}))
    )
    assert keys(chain, members_only) == {(N, 3): 0, (T, 1): 1}
    later = neighbourhood(
        chain, chain.node(N, 1), 3, SeeEverything(), LinkFilter(since=dt.date(2021, 1, 1))
    )
    assert keys(chain, later) == {(N, 1): 0}  # the only link of 1 ended in 2020
    active = neighbourhood(
        chain,
        chain.node(N, 3),
        2,
        SeeEverything(),
        LinkFilter(threat_statuses=frozenset({"active"})),
    )
    assert (T, 1) in keys(chain, active) and (T, 2) not in keys(chain, active)


def test_links_between_people_at_the_last_step_are_kept():
    triangle = NetworkGraph(
        [1, 2, 3], [], [association(1, 2, 1), association(1, 3, 2), association(2, 3, 3)]
    )
    found = neighbourhood(triangle, triangle.node(N, 1), 1, SeeEverything())
    assert len(found.edges) == 3


def test_a_network_past_the_size_limit_is_refused_with_a_message():
    hub = NetworkGraph(list(range(30)), [], [association(0, i, i) for i in range(1, 30)])
    with pytest.raises(NetworkTooLarge, match="more than 10 people and threats"):
        neighbourhood(hub, hub.node(N, 0), 1, SeeEverything(), limit=10)
    # Out-of-sight people do not count towards the limit.
    found = neighbourhood(hub, hub.node(N, 0), 1, Hiding(people=set(range(5, 30))), limit=10)
    assert len(found.distance) == 5
