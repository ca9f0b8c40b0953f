"""The append-only triggers (first created by 0003), shared by the migrations that must lift
them for a moment (SQLite drops a table's triggers whenever Django rebuilds the table)."""

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent;",
    """CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();""",
]
DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_event_no_update;"],
    "postgresql": ["DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent;"],
}


def create(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)
