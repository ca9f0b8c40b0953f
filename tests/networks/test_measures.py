"""Graph measures on small networks whose answers can be checked by hand."""

import networkx as nx
import pytest

from socmap.networks import measures


def star():
    return nx.star_graph(4)  # centre 0, leaves 1-4


def path():
    return nx.path_graph(["a", "b", "c", "d", "e"])


def barbell():
    graph = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    return graph


def test_the_centre_of_a_star_is_the_most_central_on_every_measure():
    scores = measures.centrality(star())
    assert scores[0].degree == 4
    assert scores[0].degree_centrality == 1.0
    assert scores[0].betweenness == 1.0
    assert all(scores[leaf].betweenness == 0 for leaf in range(1, 5))
    assert scores[0].eigenvector == 1.0
    assert all(scores[leaf].eigenvector < 1 for leaf in range(1, 5))


def test_betweenness_on_a_path_counts_the_pairs_each_node_lies_between():
    scores = measures.centrality(path())
    # c lies between {a, b} and {d, e}: 4 of the 6 pairs of other nodes.
    assert scores["c"].betweenness == pytest.approx(4 / 6, abs=1e-6)
    # b lies between a and each of c, d, e: 3 of 6.
    assert scores["b"].betweenness == pytest.approx(3 / 6, abs=1e-6)
    assert scores["a"].betweenness == 0


def test_fragmentation_is_the_share_of_pairs_that_cannot_reach_each_other():
    graph = path()
    assert measures.fragmentation(graph) == 0
    graph.remove_node("c")  # {a, b} and {d, e}: 4 of 12 ordered pairs reachable
    assert measures.fragmentation(graph) == pytest.approx(1 - 4 / 12)
    assert measures.fragmentation(nx.empty_graph(3)) == 1


def test_distance_fragmentation_rises_when_paths_get_longer():
    triangle = nx.complete_graph(3)
    assert measures.distance_fragmentation(triangle) == 0
    line = nx.path_graph(3)  # pairs at distance 1, 1, 2: mean of 1/d over ordered pairs
    assert measures.distance_fragmentation(line) == pytest.approx(1 - (4 * 1 + 2 * 0.5) / 6)


def test_removing_the_centre_of_a_star_leaves_nobody_linked():
    players = measures.key_players(star(), count=1)
    assert players[0].node == 0
    assert players[0].fragmentation == 1.0
    assert players[0].components == 4


def test_the_key_player_of_a_path_is_its_middle():
    players = measures.key_players(path(), count=2)
    assert players[0].node == "c"
    assert players[0].fragmentation == pytest.approx(1 - 4 / 12, abs=1e-6)
    assert players[0].components == 2


def test_a_bridge_between_two_groups_is_found_as_key_player_and_the_groups_as_communities():
    graph = barbell()
    players = measures.key_players(graph, count=1)
    assert players[0].node == 3  # 3 and 4 tie; the smaller name is taken
    assert players[0].fragmentation == pytest.approx(1 - 8 / 20, abs=1e-6)
    found = measures.communities(graph)
    assert sorted(map(sorted, found)) == [[1, 2, 3], [4, 5, 6]]
    impact = measures.removal_impact(graph)
    assert impact[3] == impact[4] > impact[1] == 0


def test_communities_are_the_same_every_time():
    graph = nx.karate_club_graph()
    assert measures.communities(graph) == measures.communities(graph)


def test_a_large_network_tries_only_cut_points_and_brokers_as_key_players():
    graph = nx.barbell_graph(50, 3)  # two cliques of 50 joined by a path of 3
    candidates = measures.key_player_candidates(graph)
    assert len(candidates) <= measures.KEY_PLAYER_CANDIDATES
    bridge = {50, 51, 52}
    assert bridge <= set(candidates)
    players = measures.key_players(graph, count=1, candidates=candidates)
    assert players[0].node in bridge
    assert players[0].components == 2


def test_empty_and_single_node_networks_have_no_measures_to_speak_of():
    assert measures.centrality(nx.Graph()) == {}
    single = nx.Graph()
    single.add_node("x")
    assert measures.centrality(single)["x"].degree == 0
    assert measures.key_players(single) == []
    assert measures.fragmentation(single) == 0
