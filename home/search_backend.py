"""Wagtail's database search backend, with French matching on SQLite.

PostgreSQL gets French stemming and accent folding from the `french_unaccent`
configuration (migration home/0002). SQLite's FTS5 folds accents but neither
stems nor, in full-text search, matches prefixes, so « cooperative » would not
find « coopératives ». On SQLite this backend strips common French inflections
from each query term (plural -s/-x, final -e) and matches the rest as a
prefix: « cooperative » → `cooperativ*`, which finds « coopérative »,
« coopératives » and « coopérativement ». PostgreSQL and MySQL are unchanged.

Settings: WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "home.search_backend"}}
"""

from functools import cache

from django.db import connection
from modelsearch.backends.database import SearchBackend as database_backend
from modelsearch.query import PlainText

MIN_PREFIX_LENGTH = 4


def french_prefix(term: str) -> tuple[str, bool]:
    """The part of `term` to match as a prefix, and whether to use a prefix."""
    word = term.lower()
    if len(word) < MIN_PREFIX_LENGTH:
        return word, False
    for suffix in ("es", "s", "x", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_PREFIX_LENGTH:
            word = word[: -len(suffix)]
            break
    return word, True


@cache
def french_sqlite_compiler():
    """Built on first use: the SQLite modules declare models that only exist
    on SQLite, so they must not be imported on PostgreSQL."""
    from modelsearch.backends.database.sqlite.query import Lexeme, SearchQueryExpression
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchQueryCompiler

    class FrenchSQLiteSearchQueryCompiler(SQLiteSearchQueryCompiler):
        def build_search_query_content(self, query, config=None):
            if not isinstance(query, PlainText):
                return super().build_search_query_content(query, config=config)
            terms = query.query_string.split()
            if not terms:
                return None
            lexemes = None
            for term in terms:
                stem, prefix = french_prefix(term)
                lexeme = Lexeme(stem, prefix=prefix)
                if lexemes is None:
                    lexemes = lexeme
                elif query.operator.upper() == "AND":
                    lexemes &= lexeme
                else:
                    lexemes |= lexeme
            return SearchQueryExpression(lexemes, config=config)

    return FrenchSQLiteSearchQueryCompiler


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    backend = database_backend(params)
    if connection.vendor == "sqlite" and type(backend).__name__ == "SQLiteSearchBackend":
        backend.query_compiler_class = french_sqlite_compiler()
    return backend
