"""Search rules: query checks, pg_trgm's similarity (the same on SQLite), excerpts."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from socmap.search import rules


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "Type something to search for."),
        ("   ", "Type something to search for."),
        ("!!!", "Search for words or numbers: punctuation alone finds nothing."),
        ("a", "Type at least 2 letters or digits."),
        ("x" * 201, "Keep the search to 200 characters (it has 201)."),
        (" ".join(["w1"] * 1 + [f"w{i}" for i in range(13)]), "Use at most 12 words."),
        ("kettering road", ""),
    ],
)
def test_a_query_is_checked_before_anything_is_searched(text, problem):
    assert rules.query_problem(text) == problem


def test_similarity_is_pg_trgm_s():
    # values as PostgreSQL 15's pg_trgm gives them
    assert rules.similarity("Smith", "smith") == 1.0
    assert rules.similarity("Smudger", "smugder") == pytest.approx(4 / 12)
    assert rules.similarity("word", "two words") == pytest.approx(4 / 11)
    assert rules.similarity("", "x") == 0.0


@given(st.text(max_size=20), st.text(max_size=20))
def test_similarity_is_symmetric_and_between_0_and_1(a, b):
    s = rules.similarity(a, b)
    assert 0.0 <= s <= 1.0 and s == rules.similarity(b, a)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("a", "b"),
    [("Smudger", "smugder"), ("Kettering", "ketering"), ("Jason", "jayson"), ("O'Neil", "oneil")],
)
def test_the_database_computes_the_same_similarity_as_the_rule(a, b):
    # PostgreSQL: pg_trgm's own function; SQLite: the rule, registered on the connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(%s, %s)", [a, b])
        (value,) = cursor.fetchone()
    assert value == pytest.approx(rules.similarity(a, b), abs=1e-6)


def test_an_excerpt_centres_on_the_first_word_found():
    before, match, after = rules.excerpt("x " * 100 + "the Kettering Road address", ["kettering"])
    assert match == "Kettering" and before.startswith("…") and after == " Road address"
    assert rules.excerpt("", ["a"]) == ("", "", "")
    assert rules.excerpt("no match here", ["zz"]) == ("no match here", "", "")
