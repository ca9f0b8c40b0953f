# ruff: noqa: S608  (every name in this SQL is a constant of this module; no input reaches it)
"""The SQL that keeps :class:`~socmap.performance.models.DisruptionDay` equal to a count of
the disruptions, for both databases socmap runs on.

PostgreSQL: statement-level triggers with transition tables, so an import of 100,000 rows
(one ``COPY``) adds one aggregated upsert, not 100,000. SQLite: row-level triggers (SQLite
has no statement-level ones). Both run inside the writing transaction: a rolled-back import
leaves the rollup as it was.
"""

from __future__ import annotations

from django.db import connection, transaction

TABLE = "performance_disruptionday"
SOURCE = "disruptions_disruption"
SUMS = (
    "arrests",
    "people_safeguarded",
    "drugs_kg",
    "firearms",
    "cash",
    "custodial_years",
    "lines_closed",
)
COLUMNS = ", ".join(("owner_id", "day", "status", "disruptions", *SUMS))
ADD = ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in ("disruptions", *SUMS))


def _aggregate(source: str, sign: str) -> str:
    sums = ", ".join(f"{sign}coalesce(sum({c}), 0)" for c in SUMS)
    return (
        f"SELECT owner_id, occurred_on, status, {sign}count(*), {sums} FROM {source} "
        "GROUP BY owner_id, occurred_on, status ORDER BY owner_id, occurred_on, status"
    )


def _upsert(select: str) -> str:
    # "WHERE true" tells SQLite's parser the ON CONFLICT belongs to the INSERT.
    return (
        f"INSERT INTO {TABLE} ({COLUMNS}) SELECT * FROM ({select}) AS delta WHERE true "
        f"ON CONFLICT (owner_id, day, status) DO UPDATE SET {ADD}"
    )


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION performance_rollup_apply() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {_upsert(_aggregate("old_rows", "-"))};
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {_upsert(_aggregate("new_rows", ""))};
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

POSTGRES_TRIGGERS = [
    POSTGRES_FUNCTION,
    f"CREATE TRIGGER performance_rollup_insert AFTER INSERT ON {SOURCE} "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION performance_rollup_apply()",
    f"CREATE TRIGGER performance_rollup_update AFTER UPDATE ON {SOURCE} "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION performance_rollup_apply()",
    f"CREATE TRIGGER performance_rollup_delete AFTER DELETE ON {SOURCE} "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION performance_rollup_apply()",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS performance_rollup_insert ON {SOURCE}",
    f"DROP TRIGGER IF EXISTS performance_rollup_update ON {SOURCE}",
    f"DROP TRIGGER IF EXISTS performance_rollup_delete ON {SOURCE}",
    "DROP FUNCTION IF EXISTS performance_rollup_apply()",
]


def _row_upsert(row: str, sign: str) -> str:
    sums = ", ".join(f"{sign}coalesce({row}.{c}, 0)" for c in SUMS)
    return (
        f"INSERT INTO {TABLE} ({COLUMNS}) VALUES ({row}.owner_id, {row}.occurred_on, "
        f"{row}.status, {sign}1, {sums}) ON CONFLICT (owner_id, day, status) DO UPDATE SET {ADD};"
    )


SQLITE_TRIGGERS = [
    f"CREATE TRIGGER performance_rollup_insert AFTER INSERT ON {SOURCE} "
    f"BEGIN {_row_upsert('NEW', '')} END",
    f"CREATE TRIGGER performance_rollup_update AFTER UPDATE ON {SOURCE} "
    f"BEGIN {_row_upsert('OLD', '-')} {_row_upsert('NEW', '')} END",
    f"CREATE TRIGGER performance_rollup_delete AFTER DELETE ON {SOURCE} "
    f"BEGIN {_row_upsert('OLD', '-')} END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS performance_rollup_insert",
    "DROP TRIGGER IF EXISTS performance_rollup_update",
    "DROP TRIGGER IF EXISTS performance_rollup_delete",
]


def install(conn) -> None:
    statements = POSTGRES_TRIGGERS if conn.vendor == "postgresql" else SQLITE_TRIGGERS
    with conn.cursor() as cursor:
        for statement in POSTGRES_DROP if conn.vendor == "postgresql" else SQLITE_DROP:
            cursor.execute(statement)
        for statement in statements:
            cursor.execute(statement)


def uninstall(conn) -> None:
    with conn.cursor() as cursor:
        for statement in POSTGRES_DROP if conn.vendor == "postgresql" else SQLITE_DROP:
            cursor.execute(statement)


def fill(cursor) -> None:
    cursor.execute(f"DELETE FROM {TABLE}")
    cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {_aggregate(SOURCE, '')}")


def rebuild() -> int:
    """Recompute the whole rollup from the disruptions, in one transaction; returns its rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        fill(cursor)
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def differences() -> list[tuple]:
    """Rows where the rollup and a fresh count of the disruptions disagree (empty when right):
    ``(owner_id, day, status, in the rollup, counted)``."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.owner_id, f.occurred_on, f.status, coalesce(r.disruptions, 0), f.n "
            f"FROM (SELECT owner_id, occurred_on, status, count(*) AS n FROM {SOURCE} "
            "GROUP BY owner_id, occurred_on, status) f "
            f"LEFT JOIN {TABLE} r ON r.owner_id = f.owner_id AND r.day = f.occurred_on "
            "AND r.status = f.status WHERE r.disruptions IS NULL OR r.disruptions <> f.n"
        )
        missing = list(cursor.fetchall())
        cursor.execute(
            f"SELECT r.owner_id, r.day, r.status, r.disruptions, 0 FROM {TABLE} r "
            f"WHERE r.disruptions <> 0 AND NOT EXISTS (SELECT 1 FROM {SOURCE} d "
            "WHERE d.owner_id = r.owner_id AND d.occurred_on = r.day AND d.status = r.status)"
        )
        extra = list(cursor.fetchall())
    return missing + extra
