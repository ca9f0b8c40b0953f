"""Pure rules for merging nominals: no database, tested directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping


def date_of_birth_difference(a: dt.date | None, b: dt.date | None) -> str:
    """How two dates of birth differ, in words; ``""`` if they agree or either is unknown.

    A difference always needs the analyst's explicit confirmation before a merge: the words
    only say whether it looks like a keying error."""
    if a is None or b is None or a == b:
        return ""
    shown = f"{a:%d/%m/%Y} and {b:%d/%m/%Y}"
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return f"The dates of birth differ ({shown}): day and month look swapped."
    if _one_keying_error(a.isoformat(), b.isoformat()):
        return f"The dates of birth differ ({shown}) by one digit or two swapped digits."
    return f"The dates of birth differ ({shown})."


def _one_keying_error(a: str, b: str) -> bool:
    """Equal-length strings that differ in one character or in two adjacent swapped ones."""
    if len(a) != len(b):
        return False
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diffs) == 1:
        return True
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and a[diffs[0]] == b[diffs[1]]
        and (a[diffs[1]] == b[diffs[0]])
    )


def merge_chain(merged_into: Mapping[int, int | None], start: int) -> list[int]:
    """The records ``start`` is merged into, nearest first, following ``merged_into``
    (record id -> the id it is merged into, or None)."""
    chain, seen = [], {start}
    current = merged_into.get(start)
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = merged_into.get(current)
    return chain


def merge_would_cycle(merged_into: Mapping[int, int | None], duplicate: int, survivor: int) -> bool:
    """True if merging ``duplicate`` into ``survivor`` would make a cycle: ``survivor`` is
    ``duplicate`` or is already merged, directly or through others, into ``duplicate``."""
    return survivor == duplicate or duplicate in merge_chain(merged_into, survivor)


def representative(merged_into: Mapping[int, int | None], record: int, visible) -> int:
    """The record ``record`` is shown as to a user who sees the records in ``visible``:
    follow its merges while the next record is visible."""
    current = record
    for nxt in merge_chain(merged_into, record):
        if nxt not in visible:
            break
        current = nxt
    return current
