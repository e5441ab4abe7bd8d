"""Database triggers that refuse UPDATE and DELETE on audit events.

The application never changes an event; these make the database refuse too, so only someone
who can drop the trigger (the database owner) could tamper — and verification would still
catch it. PostgreSQL refuses UPDATE and DELETE of any row. SQLite (the embedded development
database) refuses UPDATE; it allows DELETE because the test suite empties every table between
transactional tests, and a deletion breaks the chain visibly anyway. TRUNCATE is left to the
database's privileges (see README): verification reports an emptied log, since the chain
head still remembers how long it was.
"""

from django.db import migrations

PG_CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS audit_event_no_update ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""
SQLITE_CREATE = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update;",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_log")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
