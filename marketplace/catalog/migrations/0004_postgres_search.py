"""PostgreSQL only: unaccent + pg_trgm, an IMMUTABLE f_unaccent wrapper, a GIN trigram index on the search text.

`search_document` is already folded in Python (case, diacritics, đ→d), so the trigram index goes straight on it;
f_unaccent is there for ad-hoc SQL and indexes on raw Vietnamese columns. On SQLite this migration does nothing.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE OR REPLACE FUNCTION public.f_unaccent(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    "CREATE INDEX IF NOT EXISTS catalog_product_search_trgm ON catalog_product USING gin (search_document gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS catalog_product_search_trgm", "DROP FUNCTION IF EXISTS public.f_unaccent(text)"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_registry_absence")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
