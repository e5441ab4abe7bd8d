"""Database triggers that refuse changes to issued documents (see audit 0002 for the pattern)."""

from django.db import migrations

PG_CREATE = """
CREATE OR REPLACE FUNCTION issued_document_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'issued documents are frozen: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER issued_document_frozen BEFORE UPDATE OR DELETE ON documents_issueddocument
    FOR EACH ROW EXECUTE FUNCTION issued_document_frozen();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS issued_document_frozen ON documents_issueddocument;
DROP FUNCTION IF EXISTS issued_document_frozen();
"""
SQLITE_CREATE = """CREATE TRIGGER issued_document_frozen BEFORE UPDATE ON documents_issueddocument
BEGIN SELECT RAISE(ABORT, 'issued documents are frozen: UPDATE refused'); END;"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS issued_document_frozen;"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_official_documents")]

    operations = [migrations.RunPython(create, drop)]
