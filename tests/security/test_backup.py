"""Backup and restore: ``socmap backup`` writes a consistent copy with a manifest (rows and a
checksum per table, the audit trail's head); ``socmap verify-backup`` restores it into a
fresh database, compares every table and verifies the audit chain there. On PostgreSQL this
runs pg_dump and pg_restore (the client must be at least the server's version); on SQLite the
online backup API. A damaged backup is found."""

from __future__ import annotations

import json
import sqlite3
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from socmap.audit.services import record_event
from socmap.security import backup as backups

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def some_records(make_threat, wiltshire_analyst):
    make_threat(wiltshire_analyst, "Northgate firm")
    make_threat(wiltshire_analyst, "Southgate crew")
    record_event(actor=wiltshire_analyst, action="backup.test", target_repr="before the backup")


def _verify(path) -> tuple[int, str]:
    out = StringIO()
    try:
        scratch = ["--scratch-database", "socmap_security_restore"]  # a name of our own
        extra = scratch if connection.vendor == "postgresql" else []
        call_command("verify-backup", str(path), *extra, stdout=out)
        return 0, out.getvalue()
    except SystemExit as exit_:
        return exit_.code, out.getvalue()


def test_a_backup_restores_to_a_fresh_database_with_the_same_content(some_records, tmp_path):
    # Given a backup of the database
    out = StringIO()
    target = tmp_path / ("socmap.sqlite3" if connection.vendor == "sqlite" else "socmap.dump")
    call_command("backup", "--output", str(target), stdout=out)
    assert target.exists()
    manifest = json.loads(target.with_name(target.name + ".manifest.json").read_text())
    assert manifest["tables"]["threats_threat"]["rows"] == 2
    assert manifest["audit_head"]["sequence"] > 0
    # When it is restored into a fresh database and compared
    code, said = _verify(target)
    # Then every table holds what was backed up, and the audit chain verifies there
    assert code == 0, said
    assert "audit trail intact" in said
    # And the live database is untouched by the check
    assert backups.fingerprints()["threats_threat"] == manifest["tables"]["threats_threat"]


def test_a_damaged_backup_is_found(some_records, tmp_path):
    target = tmp_path / ("socmap.sqlite3" if connection.vendor == "sqlite" else "socmap.dump")
    call_command("backup", "--output", str(target), stdout=StringIO())
    if connection.vendor == "sqlite":
        # Given a row changed in the backup file itself, bypassing the triggers
        copy = sqlite3.connect(target)
        copy.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        copy.execute(
            "UPDATE audit_auditevent SET reason = 'rewritten' WHERE action = 'backup.test'"
        )
        copy.execute("UPDATE threats_threat SET name = 'Renamed' WHERE name = 'Southgate crew'")
        copy.commit()
        copy.close()
    else:
        # Given a manifest that no longer matches the dump (the dump's bytes are compressed)
        manifest_path = target.with_name(target.name + ".manifest.json")
        manifest = json.loads(manifest_path.read_text())
        manifest["tables"]["threats_threat"]["sha256"] = "0" * 64
        manifest_path.write_text(json.dumps(manifest))
    code, said = _verify(target)
    assert code == 1
    assert "threats_threat" in said
    if connection.vendor == "sqlite":
        assert "audit_auditevent" in said and "audit trail of the copy: broken" in said


def test_a_backup_without_its_manifest_is_refused(tmp_path):
    from django.core.management.base import CommandError

    lone = tmp_path / "lone.dump"
    lone.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="No manifest"):
        call_command("verify-backup", str(lone))


def test_pg_dump_must_not_be_older_than_the_server():
    if connection.vendor != "postgresql":
        print("SKIPPED on SQLite: there is no pg_dump to compare")
        pytest.skip("PostgreSQL only")
    client, server = backups.check_client_version("pg_dump")
    assert backups._major(client.split("PostgreSQL)")[-1]) >= backups._major(server)
    assert backups._major("15.20 (Debian 15.20-0+deb12u1)") == 15
