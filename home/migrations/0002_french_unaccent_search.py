"""PostgreSQL: a French text search configuration that ignores accents.

`french_unaccent` copies PostgreSQL's `french` configuration (French stop
words and Snowball stemming) and runs `unaccent` before stemming, so
"economie" finds "économie" and "cooperative" finds "coopératives".
Settings point Wagtail's database search backend at it (SEARCH_CONFIG).
Nothing to do on SQLite, whose FTS5 tokenizer already folds diacritics.
"""

from django.db import migrations

CREATE_SQL = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word, asciihword, asciiword, hword_asciipart
            WITH unaccent, french_stem;
    END IF;
END
$$;
"""

DROP_SQL = "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("home", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
