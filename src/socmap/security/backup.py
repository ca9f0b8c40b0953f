"""Backups that are known to restore: ``socmap backup`` and ``socmap verify-backup``.

A backup is the database file (SQLite, through SQLite's online backup API) or a
``pg_dump --format=custom`` archive (PostgreSQL), with a manifest beside it: for every table,
its number of rows and a SHA-256 over its rows in key order, and the head of the audit
trail's hash chain. On PostgreSQL the manifest and the dump read the same snapshot (the dump
is taken with ``--snapshot`` of the transaction that computes the manifest), so they agree
even while socmap is in use.

``verify-backup`` restores the backup into a scratch database (a temporary file, or a fresh
PostgreSQL database on the same server), recomputes every table's count and checksum there,
compares them with the manifest, verifies the audit chain of the restored copy, and drops the
scratch database. A backup that has not been restored is not known to be a backup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction

MANIFEST_SUFFIX = ".manifest.json"


class BackupError(RuntimeError):
    pass


# --------------------------------------------------------------------------- fingerprints


def _models():
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped:
            yield model


def fingerprints(using: str = "default") -> dict[str, dict]:
    """``{table: {"rows": n, "sha256": digest}}`` over every socmap and Django table."""
    found = {}
    for model in _models():
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = model._base_manager.using(using).order_by("pk").values_list(*fields)
        digest, count = hashlib.sha256(), 0
        for row in rows.iterator(chunk_size=2000):
            digest.update(json.dumps(row, default=str, sort_keys=True).encode())
            digest.update(b"\n")
            count += 1
        found[model._meta.db_table] = {"rows": count, "sha256": digest.hexdigest()}
    return dict(sorted(found.items()))


def _audit_head(using: str) -> dict:
    from socmap.audit.models import AuditEvent

    last = (
        AuditEvent.objects.using(using)
        .order_by("-sequence")
        .values_list("sequence", "entry_hash")
        .first()
    )
    return {"sequence": last[0], "hash": last[1]} if last else {"sequence": 0, "hash": ""}


# --------------------------------------------------------------------------- backup


@dataclass
class BackupResult:
    path: Path
    manifest_path: Path
    manifest: dict = field(default_factory=dict)


def default_path() -> Path:
    from django.conf import settings

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
    return Path(settings.VAR_DIR) / "backups" / f"socmap-{stamp}.{suffix}"


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _major(version: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version)
    return int(match.group(1)) if match else 0


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def check_client_version(tool: str = "pg_dump") -> tuple[str, str]:
    """pg_dump must be at least the server's major version (an older one refuses, or worse,
    misses what it does not know)."""
    client = subprocess.run(  # noqa: S603
        [_tool(tool), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    if _major(client.split("PostgreSQL)")[-1]) < _major(server):
        raise BackupError(f"{tool} is older than the server: {client} against {server}.")
    return client, server


def backup(path: Path | None = None) -> BackupResult:
    path = Path(path or default_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    manifest = {
        "format": "socmap-backup-1",
        "vendor": connection.vendor,
        "taken_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "file": path.name,
    }
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        copy = fingerprint_copy(database_url("sqlite", str(path.resolve())))
        manifest["tables"], manifest["audit_head"] = copy["tables"], copy["audit_head"]
    elif connection.vendor == "postgresql":
        client, server = check_client_version("pg_dump")
        manifest["pg_dump"], manifest["server"] = client, server
        db = connection.settings_dict
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            result = subprocess.run(  # noqa: S603
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    f"--file={path}",
                    db["NAME"],
                ],
                capture_output=True,
                text=True,
                env=_pg_env(db),
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
            manifest["tables"] = fingerprints("default")
            manifest["audit_head"] = _audit_head("default")
    else:
        raise BackupError(f"No backup procedure for {connection.vendor}.")
    manifest_path = path.with_name(path.name + MANIFEST_SUFFIX)
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return BackupResult(path, manifest_path, manifest)


# --------------------------------------------------------------------------- restore, verify


def database_url(vendor: str, name: str) -> str:
    """A DATABASE_URL for database ``name`` on the same server as socmap's own."""
    if vendor == "sqlite":
        return f"sqlite:///{name}"
    db = connection.settings_dict
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        from urllib.parse import quote

        auth += ":" + quote(str(db["PASSWORD"]), safe="")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{name}"


def fingerprint_copy(url: str) -> dict:
    """Fingerprints and the audit chain of another database, read by a separate socmap
    process pointed at it (its own settings and connection: the live one is not touched)."""
    import sys

    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": os.getcwd()}
    env.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "socmap", "backup-fingerprint"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=3600,
    )
    if result.returncode != 0:
        raise BackupError(f"Could not read the restored copy: {result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout)


def describe_database() -> dict:
    """What ``backup-fingerprint`` prints: every table, the audit head, the chain's state."""
    from socmap.audit.chain import verify

    chain = verify()
    return {
        "tables": fingerprints(),
        "audit_head": _audit_head("default"),
        "chain": {
            "ok": chain.ok,
            "checked": chain.checked,
            "head_sequence": chain.head_sequence,
            "broken": str(chain.broken) if chain.broken else "",
        },
    }


@dataclass
class Verification:
    ok: bool
    tables: int
    rows: int
    problems: list[str]
    audit: str


def restore_postgresql(path: Path, database: str) -> None:
    """Restore a dump into ``database``, which is created afresh (it must not exist)."""
    check_client_version("pg_restore")
    db = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cursor.fetchone():
            raise BackupError(f"The database {database} exists: restore into a new one.")
    _admin_sql(f'CREATE DATABASE "{database}"')
    result = subprocess.run(  # noqa: S603
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={database}",
            str(path),
        ],
        capture_output=True,
        text=True,
        env=_pg_env(db),
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _admin_sql(statement: str) -> None:
    """CREATE/DROP DATABASE cannot run inside a transaction: a separate autocommit session."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    ) as admin:
        admin.execute(statement)


def verify_backup(path: Path, *, scratch_database: str | None = None) -> Verification:
    path = Path(path)
    manifest_path = path.with_name(path.name + MANIFEST_SUFFIX)
    if not manifest_path.exists():
        raise BackupError(f"No manifest beside the backup ({manifest_path.name}).")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("vendor") != connection.vendor:
        raise BackupError(
            f"A {manifest.get('vendor')} backup cannot be checked from {connection.vendor}."
        )
    workdir = Path(tempfile.mkdtemp(prefix="socmap-verify-"))
    try:
        if connection.vendor == "sqlite":
            copy = workdir / "restored.sqlite3"
            shutil.copyfile(path, copy)
            restored = fingerprint_copy(database_url("sqlite", str(copy)))
        else:
            database = scratch_database or f"{connection.settings_dict['NAME']}_verify"
            restore_postgresql(path, database)
            try:
                restored = fingerprint_copy(database_url("postgresql", database))
            finally:
                _admin_sql(f'DROP DATABASE IF EXISTS "{database}"')
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    problems = []
    expected, tables = manifest["tables"], restored["tables"]
    for table in sorted(set(expected) | set(tables)):
        want, got = expected.get(table), tables.get(table)
        if want is None or got is None:
            problems.append(f"{table}: in the {'copy' if want is None else 'manifest'} only")
        elif want["rows"] != got["rows"]:
            problems.append(f"{table}: {got['rows']} rows restored, {want['rows']} backed up")
        elif want["sha256"] != got["sha256"]:
            problems.append(f"{table}: the rows restored differ from those backed up")
    chain = restored["chain"]
    if not chain["ok"]:
        problems.append(f"audit trail of the copy: broken at {chain['broken']}")
    elif chain["head_sequence"] != manifest.get("audit_head", {}).get("sequence"):
        problems.append("audit trail of the copy does not end where the backup's did")
    audit = (
        f"audit trail intact, {chain['checked']:,} entries, head {chain['head_sequence']}"
        if chain["ok"]
        else f"audit trail broken at {chain['broken']}"
    )
    return Verification(
        ok=not problems,
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        problems=problems,
        audit=audit,
    )
