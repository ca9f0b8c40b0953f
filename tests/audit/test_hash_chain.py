"""The audit trail is tamper-evident: each entry is chained to the one before by a SHA-256
hash, and ``socmap verify-audit`` finds the first broken link.

Someone able to bypass the append-only triggers (a database administrator) can still change
rows; these tests do exactly that with raw SQL and check that the change is found, at the
right entry, whatever was done: an altered field, a removed entry, a forged insertion, a cut
tail, or a chain rebuilt from the altered entry on.
"""

from __future__ import annotations

import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections

from socmap.audit import chain
from socmap.audit.models import AppendOnlyError, AuditEvent
from socmap.audit.services import record_event
from tests.security.tamper import raw, triggers_bypassed

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_events(wiltshire_analyst):
    return [
        record_event(
            actor=wiltshire_analyst,
            action="threat.viewed",
            target_type="threats.threat",
            target_id=str(n),
            target_repr=f"OCG-00000{n}",
            changes={"n": n, "x": [1.5]},
            reason="Tasking meeting",
        )
        for n in range(1, 6)
    ]


def _verify(*args) -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("verify-audit", "--json", *args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


def _sequence(event) -> int:
    return AuditEvent.objects.get(pk=event.pk).sequence


def test_events_are_chained_in_order_and_the_chain_verifies(five_events):
    # Given five events written one after another
    events = list(AuditEvent.objects.order_by("sequence"))
    # Then each points at the hash of the one before, from the genesis hash on
    assert events[0].sequence >= 1
    for before, after in zip(events, events[1:], strict=False):
        assert after.sequence == before.sequence + 1
        assert after.previous_hash == before.entry_hash
    # And the whole chain verifies, with the head printed for noting down
    code, result = _verify()
    assert code == 0 and result["ok"] is True
    assert result["head_sequence"] == events[-1].sequence
    assert result["head_hash"] == events[-1].entry_hash


def test_the_command_prints_the_head_in_words(five_events):
    out = StringIO()
    call_command("verify-audit", stdout=out)
    head = AuditEvent.objects.order_by("-sequence").first()
    assert "intact" in out.getvalue()
    assert f"{head.sequence}:{head.entry_hash}" in out.getvalue()


def test_an_entry_read_back_from_the_database_hashes_the_same(five_events):
    # Given events whose changes hold numbers and lists, read back from the database
    for event in AuditEvent.objects.all():
        # Then the stored hash is the hash of what the database gives back
        assert chain.entry_hash(chain.fields_of(event), event.previous_hash) == event.entry_hash


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("reason", "Nothing to see"),
        ("actor_name", "someone.else"),
        ("action", "threat.changed"),
        ("target_id", "999"),
        ("changes", '{"n": 3, "x": [1.5], "extra": true}'),
    ],
)
def test_an_altered_entry_is_found_at_its_position(five_events, column, value):
    # Given the third event rewritten by raw SQL with the triggers bypassed
    victim = five_events[2]
    with triggers_bypassed():
        raw(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, victim.pk])  # noqa: S608
    # When the chain is verified
    code, result = _verify()
    # Then the first broken link is that event, and the command fails
    assert code == 1 and result["ok"] is False
    assert result["broken_at"] == _sequence(victim)
    assert result["broken_event_id"] == victim.pk
    assert "altered" in result["problem"]


def test_an_altered_time_is_found(five_events):
    victim = five_events[1]
    with triggers_bypassed():
        raw("UPDATE audit_auditevent SET at = %s WHERE id = %s", ["2020-01-01 00:00:00", victim.pk])
    code, result = _verify()
    assert code == 1 and result["broken_event_id"] == victim.pk


def test_a_removed_entry_is_found(five_events):
    # Given the second event deleted by raw SQL
    victim = five_events[1]
    position = _sequence(victim)
    with triggers_bypassed():
        raw("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    # Then verification stops where it was
    code, result = _verify()
    assert code == 1
    assert result["broken_at"] == position
    assert "missing" in result["problem"]


def test_a_removed_entry_renumbered_over_is_found(five_events):
    # Given the second event deleted and the later ones renumbered to close the gap
    victim = five_events[1]
    position = _sequence(victim)
    with triggers_bypassed():
        raw("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
        for event in five_events[2:]:
            raw("UPDATE audit_auditevent SET sequence = sequence - 1 WHERE id = %s", [event.pk])
    # Then the entry now in its place does not point at its new predecessor
    code, result = _verify()
    assert code == 1
    assert result["broken_at"] == position
    assert result["broken_event_id"] == five_events[2].pk


def test_a_forged_entry_inserted_at_the_end_is_found(five_events, wiltshire_analyst):
    # Given a row inserted by hand after the head, with a made-up hash
    head_sequence, head_hash = chain.head()
    with triggers_bypassed():
        raw(
            "INSERT INTO audit_auditevent (at, actor_name, action, target_type, target_id, "
            "target_repr, changes, reason, sequence, previous_hash, entry_hash) VALUES "
            "(%s, 'forger', 'threat.viewed', '', '', '', '{}', '', %s, %s, %s)",
            ["2026-01-01 00:00:00+00:00", head_sequence + 1, head_hash, "f" * 64],
        )
    # Then its hash does not match its content
    code, result = _verify()
    assert code == 1 and result["broken_at"] == head_sequence + 1


def test_a_cut_tail_is_found_with_the_head_noted_down(five_events):
    # Given the head noted down, then the last two events deleted
    _, noted = _verify()
    anchor = f"{noted['head_sequence']}:{noted['head_hash']}"
    with triggers_bypassed():
        for event in five_events[-2:]:
            raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    # Then the chain alone still looks whole, but not against the noted head
    assert _verify()[0] == 0
    code, result = _verify("--anchor", anchor)
    assert code == 1
    assert "removed from its end" in result["problem"]


def test_a_rebuilt_chain_is_found_with_the_head_noted_down(five_events):
    # Given the head noted down, then an entry altered and every later hash recomputed
    _, noted = _verify()
    anchor = f"{noted['head_sequence']}:{noted['head_hash']}"
    victim = five_events[2]
    with triggers_bypassed():
        raw("UPDATE audit_auditevent SET reason = 'rewritten' WHERE id = %s", [victim.pk])
        previous = AuditEvent.objects.get(pk=five_events[1].pk).entry_hash
        for event in AuditEvent.objects.filter(sequence__gte=_sequence(victim)).order_by(
            "sequence"
        ):
            digest = chain.entry_hash(chain.fields_of(event), previous)
            raw(
                "UPDATE audit_auditevent SET previous_hash = %s, entry_hash = %s WHERE id = %s",
                [previous, digest, event.pk],
            )
            previous = digest
    # Then the chain is self-consistent, but the noted head no longer matches
    assert _verify()[0] == 0
    code, result = _verify("--anchor", anchor)
    assert code == 1
    assert "rebuilt" in result["problem"]


def test_a_bad_anchor_is_a_clear_error(five_events):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        call_command("verify-audit", "--anchor", "nonsense")


def test_events_cannot_be_bulk_created_around_the_chain():
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(actor_name="x", action="forged")])


def test_an_empty_trail_verifies():
    AuditEvent.objects.all()  # the reference data may have written events; none is required
    result = chain.verify()
    assert result.ok


# --------------------------------------------------------------------------- concurrency


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(wiltshire_analyst):
    """Eight threads, each with its own database connection, append events at once."""
    if connection.vendor != "postgresql":
        print(
            "SKIPPED on SQLite: one in-memory test database cannot take concurrent writers; "
            "SQLite's BEGIN IMMEDIATE serialises writers (settings.py)"
        )
        pytest.skip("needs PostgreSQL for truly concurrent connections")
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def write(n: int):
        try:
            barrier.wait()
            for i in range(10):
                record_event(actor=None, action="concurrency.test", target_repr=f"{n}-{i}")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.filter(action="concurrency.test").count() == 80
    result = chain.verify()
    assert result.ok, result.broken
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))


# --------------------------------------------------------------------------- the search page


def test_the_audit_search_finds_entries_by_text_and_exports_them(
    client_for, nca_admin, wiltshire_analyst
):
    record_event(
        actor=wiltshire_analyst,
        action="threat.viewed",
        target_repr="Kestrel network",
        reason="Tasking meeting",
    )
    record_event(
        actor=wiltshire_analyst,
        action="threat.viewed",
        target_repr="Osprey crew",
        changes={"note": "needle in the changes"},
    )
    client = client_for(nca_admin)
    page = client.get("/audit/?q=kestrel")
    assert b"Kestrel network" in page.content and b"Osprey crew" not in page.content
    assert b"Osprey crew" in client.get("/audit/?q=needle").content
    xlsx = client.get("/audit/?q=needle&format=xlsx")
    assert xlsx.status_code == 200 and "nca-admin" in xlsx["Content-Disposition"]
    api = client.get("/api/audit?q=tasking").json()["items"]
    assert [e["target"] for e in api] == ["Kestrel network"]
