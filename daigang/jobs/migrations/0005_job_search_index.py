"""The keyword index over jobs' tokens and places: FTS5 on SQLite, a GIN index on PostgreSQL.

The engine's own SQL (explained in daigang/jobs/search_index.py, whose constants a test holds
equal to these), guarded by the connection's vendor: other engines get nothing and search
with LIKE. On SQLite the jobs already saved are indexed here.
"""

from django.db import migrations

FTS_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS jobs_job_search USING fts5(tokens, places, "
    "tokenize = 'unicode61 remove_diacritics 0 tokenchars ''+#&._%-''', detail = column)"
)
FTS_PLACES_SQL = (
    "CASE WHEN coalesce(region_id, '') = '' THEN 'none' "
    "ELSE substr(region_id, 1, 2) || ' ' || substr(region_id, 1, 4) || ' ' || region_id END"
)
PG_CREATE = (
    "CREATE INDEX IF NOT EXISTS jobs_job_search_gin ON jobs_job USING gin ("
    "array_to_tsvector(array_remove(string_to_array(search_text, ' '), '') || ARRAY["
    "'§' || left(coalesce(region_id, ''), 2), "
    "'§' || left(coalesce(region_id, ''), 4), "
    "'§' || coalesce(region_id, '')]))"
)


def index_create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(FTS_CREATE, params=None)
        schema_editor.execute(
            "INSERT INTO jobs_job_search (rowid, tokens, places) "
            f"SELECT id, search_text, {FTS_PLACES_SQL} FROM jobs_job",
            params=None,
        )
    elif vendor == "postgresql":
        schema_editor.execute(PG_CREATE, params=None)


def index_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS jobs_job_search", params=None)
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS jobs_job_search_gin", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0004_job_taken_down_at"),
    ]

    operations = [migrations.RunPython(index_create, index_drop)]
