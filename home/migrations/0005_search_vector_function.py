"""PostgreSQL: tell the planner that matching a search entry row by row is
costly, so it answers a search from the GIN index.

The search backend (home/search_backend.py) matches `title || body` against
the query on Wagtail's index table. Evaluated on a row, that reads both
vectors out of their TOAST storage and concatenates them, but PostgreSQL
costs the expression like an integer comparison: for a word found in half of
20,000 entries it preferred reading the whole table (or the content-type
index) and testing each row to the GIN index of migration 0004, 56 + 46 ms
for the count and the ranked page against 19 + 18 ms from the index
(docs/performance.md).

`home_search_vector(title, body)` is that concatenation in a PL/pgSQL
function (so the planner does not inline it away) declared with the cost of
what it really does, and gets its own GIN index. It is declared PARALLEL
UNSAFE on purpose: with that cost PostgreSQL otherwise plans parallel workers
for small searches, whose start-up cost more than they save (the directory's
text query: 40 ms in parallel, 24 ms without), and on a two-core web server
the other requests need the cores. 0004's expression index stays for
modelsearch's own queries (fuzzy, match all, restricted fields).
"""

from django.db import migrations

FUNCTION = "home_search_vector"
INDEX = "home_search_vector_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {FUNCTION}(title tsvector, body tsvector) "
        "RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL UNSAFE COST 1000 "
        "AS $$ BEGIN RETURN title || body; END $$"
    )
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {INDEX} ON "{table}" USING gin ({FUNCTION}(title, body))'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(tsvector, tsvector)")


class Migration(migrations.Migration):
    dependencies = [("home", "0004_search_title_body_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
