"""Pure rules of search: what a query may be, trigram similarity exactly as PostgreSQL's
pg_trgm computes it (so SQLite, which has no pg_trgm, tolerates the same typos), the words a
fallback search looks for, and the excerpt shown under a hit. No database here."""

from __future__ import annotations

import re

MAX_QUERY_LENGTH = 200
MIN_QUERY_LENGTH = 2
# pg_trgm's default similarity threshold (pg_trgm.similarity_threshold): a name matches a
# word of the query when they share at least this share of their trigrams.
NAME_SIMILARITY = 0.3
MAX_WORDS = 12

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def query_problem(text: str) -> str:
    """Why ``text`` cannot be searched for, or ``""``."""
    stripped = " ".join((text or "").split())
    if not stripped:
        return "Type something to search for."
    if len(stripped) > MAX_QUERY_LENGTH:
        return f"Keep the search to {MAX_QUERY_LENGTH} characters (it has {len(stripped)})."
    if not words(stripped):
        return "Search for words or numbers: punctuation alone finds nothing."
    if len("".join(words(stripped))) < MIN_QUERY_LENGTH:
        return f"Type at least {MIN_QUERY_LENGTH} letters or digits."
    if len(words(stripped)) > MAX_WORDS:
        return f"Use at most {MAX_WORDS} words."
    return ""


def words(text: str) -> list[str]:
    """The words of a query, lower case, each once, in order (operators and quotes dropped)."""
    out: list[str] = []
    for word in _WORD.findall((text or "").lower()):
        if word in ("or",) or word in out:
            continue
        out.append(word)
    return out


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of ``text``: each word (a run of letters and digits), lower case,
    padded with two spaces before and one after, cut into overlapping triples."""
    out: set[str] = set()
    for word in _WORD.findall((text or "").lower()):
        padded = f"  {word} "
        out.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return out


def similarity(a: str | None, b: str | None) -> float:
    """pg_trgm's ``similarity(a, b)``: shared trigrams over all distinct trigrams (0 to 1)."""
    ta, tb = trigrams(a or ""), trigrams(b or "")
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def best_word_similarity(name: str, query_words: list[str]) -> float:
    """The best similarity between any word of the query and ``name`` (as search ranks it)."""
    return max((similarity(name, w) for w in query_words), default=0.0)


def excerpt(text: str, query_words: list[str], width: int = 90) -> tuple[str, str, str]:
    """(before, match, after) around the first query word found in ``text``, or the start of
    the text if none is; the caller escapes and marks the match."""
    text = " ".join((text or "").split())
    if not text:
        return "", "", ""
    lower = text.lower()
    best = None
    for w in query_words:
        at = lower.find(w)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, len(w))
    if best is None:
        return (text[: 2 * width] + ("…" if len(text) > 2 * width else "")), "", ""
    at, length = best
    start = max(0, at - width)
    end = min(len(text), at + length + width)
    before = ("…" if start else "") + text[start:at]
    after = text[at + length : end] + ("…" if end < len(text) else "")
    return before, text[at : at + length], after
