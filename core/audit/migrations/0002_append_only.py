"""The database itself keeps the trail append-only (docs/decisions/0021-audit-trail.md).

An UPDATE is refused unless it is the one redaction erasure makes: ``redacted_at`` goes from
empty to set, and the time, action, source, object and actor stay. On PostgreSQL a DELETE is
refused too. SQLite's test runner empties tables with DELETE, so there the ORM refuses deletes
(``AuditEvent.delete`` and its queryset) and the database refuses updates.
"""

from django.db import migrations

CHANGED_WHAT_HAPPENED = (
    "OLD.redacted_at IS NOT NULL OR NEW.redacted_at IS NULL OR NEW.at {ne} OLD.at OR NEW.action {ne} OLD.action "
    "OR NEW.source {ne} OLD.source OR NEW.object_type {ne} OLD.object_type OR NEW.object_id {ne} OLD.object_id "
    "OR NEW.actor_id {distinct} OLD.actor_id OR NEW.ip_address {distinct} OLD.ip_address"
)

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit trail is append-only: rows are never deleted';
    END IF;
    IF {CHANGED_WHAT_HAPPENED.format(ne="<>", distinct="IS DISTINCT FROM")} THEN
        RAISE EXCEPTION 'the audit trail is append-only: a row is only ever redacted, once';
    END IF;
    RETURN NEW;
END;
$$;
---
CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
---
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""
SQLITE_UP = f"""
CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE ON audit_auditevent
WHEN {CHANGED_WHAT_HAPPENED.format(ne="!=", distinct="IS NOT")}
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: a row is only ever redacted, once');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_auditevent_append_only;"


def _run(schema_editor, script: str) -> None:
    for statement in script.split("---"):  # one statement per call: the drivers run one at a time
        schema_editor.execute(statement.strip(), params=None)


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_UP)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_UP)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_DOWN)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(up, down, elidable=False)]
