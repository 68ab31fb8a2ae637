"""Wagtail's database search backend, with French matching on SQLite.

PostgreSQL gets French stemming and accent folding from the `french_unaccent`
configuration (migration home/0002). SQLite's FTS5 folds accents but neither
stems nor, in full-text search, matches prefixes, so « cooperative » would not
find « coopératives ». On SQLite this backend strips common French inflections
from each query term (plural -s/-x, final -e) and matches the rest as a
prefix: « cooperative » → `cooperativ*`, which finds « coopérative »,
« coopératives » and « coopérativement ». PostgreSQL and MySQL are unchanged.

It also ranks in one pass. modelsearch's SQLite compiler orders results by a
correlated subquery that re-runs the FTS MATCH for every candidate page, so a
common word got slower with the square of its hits (24 s for 8,821 hits, see
docs/performance.md). Here one query over the FTS table computes bm25, keeps
only the pages the queryset allows, orders and slices; the page objects of
that slice are fetched by primary key. Counts and facets need no ranking.

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
def french_sqlite_classes():
    """Built on first use: the SQLite modules declare models that only exist
    on SQLite, so they must not be imported on PostgreSQL."""
    from django.db.models import CharField
    from django.db.models.expressions import RawSQL
    from django.db.models.functions import Cast
    from modelsearch.backends.database.sqlite.query import (
        Lexeme,
        MatchExpression,
        SearchQueryExpression,
        normalize,
    )
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteFTSIndexEntry,
        SQLiteSearchQueryCompiler,
        SQLiteSearchResults,
    )
    from modelsearch.query import MatchAll, Not
    from modelsearch.utils import get_descendants_content_types_pks

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

        def search(self, config, start, stop, score_field=None):
            query = normalize(self.query)
            plain = not isinstance(query, MatchAll | Not)
            if not plain or score_field is not None:
                return super().search(config, start, stop, score_field=score_field)
            if start is None and stop is None:
                # Facets and counts: the matching pages, in no particular order.
                return self._matching(config, query)
            if not self.order_by_relevance:
                return super().search(config, start, stop)
            return self._ranked(config, query, start or 0, stop)

        def _fts_entries(self, config, query):
            match = MatchExpression(
                self.fields or self.FTS_TABLE_FIELDS,
                self.build_search_query(query, config=config),
            )
            return SQLiteFTSIndexEntry.objects.filter(match).filter(
                index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model)
            )

        def _matching(self, config, query):
            ids = self._fts_entries(config, query).values("index_entry__object_id")
            return self.queryset.filter(pk__in=ids).order_by()

        def _ranked(self, config, query, start, stop):
            allowed = self.queryset.order_by().annotate(
                _pk_text=Cast("pk", output_field=CharField())
            )
            # bm25 over the FTS columns (autocomplete, body, title), a title
            # match weighing twice a body match. modelsearch multiplies the
            # whole row's bm25 by a title-length factor instead, which let a
            # short title without the word outrank a page titled with it.
            table = SQLiteFTSIndexEntry._meta.db_table
            rank = RawSQL(f"bm25({table}, 0.0, 1.0, 2.0)", [])  # noqa: S611 - no user input
            ranked = (
                self._fts_entries(config, query)
                .filter(index_entry__object_id__in=allowed.values("_pk_text"))
                .annotate(score=rank)
                .order_by("score", "-index_entry__object_id")
                .values_list("index_entry__object_id", flat=True)
            )[start:stop]
            to_pk = self.queryset.model._meta.pk.to_python
            ids = [to_pk(object_id) for object_id in ranked]
            by_pk = self.queryset.order_by().in_bulk(ids)
            return [by_pk[pk] for pk in ids if pk in by_pk]

    class FrenchSQLiteSearchResults(SQLiteSearchResults):
        def _do_count(self):
            config = self.query_compiler.get_config(self.backend)
            matching = self.query_compiler.search(config, None, None)
            if isinstance(matching, list):  # pragma: no cover - defensive
                return len(matching)
            count = matching.count()
            # Apply the results' own slice, as BaseSearchResults expects.
            count = max(count - (self.start or 0), 0)
            return count if self.stop is None else min(count, self.stop - (self.start or 0))

    return FrenchSQLiteSearchQueryCompiler, FrenchSQLiteSearchResults


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    backend = database_backend(params)
    if connection.vendor == "sqlite" and type(backend).__name__ == "SQLiteSearchBackend":
        backend.query_compiler_class, backend.results_class = french_sqlite_classes()
    return backend
