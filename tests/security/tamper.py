"""How an attacker with database access rewrites the audit trail: raw SQL with the
append-only triggers out of the way (dropped on SQLite; on PostgreSQL a superuser's
``session_replication_role = replica`` skips them)."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

from socmap.audit.migrations import _triggers


@contextmanager
def triggers_bypassed():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        else:
            for statement in _triggers.DROP["sqlite"]:
                cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = origin")
            else:
                for statement in _triggers.SQLITE:
                    cursor.execute(statement)


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
