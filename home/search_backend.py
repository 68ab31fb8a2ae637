"""Wagtail's database search backend, with French matching on SQLite and
search results ranked in one bounded pass on SQLite and PostgreSQL.

PostgreSQL gets French stemming and accent folding from the `french_unaccent`
configuration (migration home/0002). SQLite's FTS5 folds accents but neither
stems nor, in full-text search, matches prefixes, so « cooperative » would not
find « coopératives ». On SQLite this backend strips common French inflections
from each query term (plural -s/-x, final -e) and matches the rest as a
prefix: « cooperative » → `cooperativ*`, which finds « coopérative »,
« coopératives » and « coopérativement ». MySQL is unchanged.

It also ranks in one pass. modelsearch's SQLite compiler orders results by a
correlated subquery that re-runs the FTS MATCH for every candidate page, so a
common word got slower with the square of its hits (24 s for 8,821 hits, see
docs/performance.md). Here one query over the FTS table computes bm25, keeps
only the pages the queryset allows, orders and slices; the page objects of
that slice are fetched by primary key. Counts and facets need no ranking.

PostgreSQL keeps modelsearch's matching and its ranking formula
(`ts_rank(title) × title_norm + ts_rank(body)`, the best first, then the
highest primary key), but modelsearch computes it on a join of the searched
table with the index and ranks every match of the count, the facets and the
page of results: 197 ms for a word found in 10,000 pages. Here the page of
results is one query on the index table alone — `title || body @@ query`
(through the function and GIN index of migration home/0005), restricted to
the pages the queryset allows, ordered by rank, LIMIT/OFFSET — and counts and
facets are a semi-join on the matching entries without any ranking.

On PostgreSQL, English text gets English stemming (issue 14): a page of the
English tree that editors translated (not an alias, whose content is the
French page's) is indexed with PostgreSQL's `english` configuration, every
other page with the French one; a search made in English (the active
language) looks for the French and the English lexemes of its words, so
« economies » finds a translated page saying « economy » and an alias saying
« économie » alike. A search in French is unchanged.

Settings: WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "home.search_backend"}}
"""

from collections import defaultdict
from copy import copy
from functools import cache

from django.db import connection
from django.utils.translation import get_language
from modelsearch.backends.database import SearchBackend as database_backend
from modelsearch.query import PlainText

MIN_PREFIX_LENGTH = 4
# PostgreSQL: matches ranked beyond the requested page, in case some of the
# best are not allowed (see `_ranked`).
RANK_MARGIN = 20
MAX_PREFETCHED_RANK = 100
# PostgreSQL text search configuration of each language other than the
# source language's (the backend's SEARCH_CONFIG).
LANGUAGE_SEARCH_CONFIGS = {"en": "english"}


def language_search_config(language_code: str | None) -> str | None:
    """The PostgreSQL configuration for text written in `language_code`, or
    None for the source language (the backend's own configuration)."""
    return LANGUAGE_SEARCH_CONFIGS.get((language_code or "").split("-")[0])


def _object_language(obj, locale_codes: dict) -> str | None:
    """The language an indexed object's text is written in: its locale's,
    except for an alias, which shows its source page's text."""
    locale_id = getattr(obj, "locale_id", None)
    if locale_id is None:
        return None
    alias_of_id = getattr(obj, "alias_of_id", None)
    if alias_of_id is not None:
        return None  # the source language (the tree is synchronised from it)
    return locale_codes.get(locale_id)


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

        def ranked_ids(self, config, start, stop):
            """The primary keys `_ranked` would return the objects of, or
            None where this compiler does not rank that search itself."""
            query = normalize(self.query)
            if isinstance(query, MatchAll | Not) or not self.order_by_relevance:
                return None
            return self._ranked_ids(config, query, start or 0, stop)

        def _ranked(self, config, query, start, stop):
            ids = self._ranked_ids(config, query, start, stop)
            by_pk = self._by_pk(ids)
            return [by_pk[pk] for pk in ids if pk in by_pk]

        def _ranked_ids(self, config, query, start, stop):
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
            return [to_pk(object_id) for object_id in ranked]

        def _by_pk(self, ids):
            """The objects of `ids`, which the ranking query already took
            from the queryset: fetched by primary key alone (evaluating the
            queryset's filters again cost as much as the ranking), unless the
            queryset adds annotations the caller may read."""
            queryset = self.queryset
            if queryset.query.annotations or queryset.query.extra:
                return queryset.order_by().in_bulk(ids)
            by_pk = queryset.model._base_manager.using(queryset.db).filter(pk__in=ids)
            by_pk.query.deferred_loading = queryset.query.deferred_loading
            by_pk.query.select_related = queryset.query.select_related
            by_pk._prefetch_related_lookups = queryset._prefetch_related_lookups
            return {obj.pk: obj for obj in by_pk}

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


@cache
def postgres_classes():
    """Built on first use, like the SQLite classes (PostgreSQL-only imports)."""
    from django.contrib.postgres.search import SearchVectorField
    from django.db import models
    from django.db.models import F, Func, TextField
    from django.db.models.functions import Cast
    from modelsearch.backends.database.postgres.postgres import (
        IndexEntry,
        PostgresIndex,
        PostgresSearchQueryCompiler,
        PostgresSearchResults,
    )
    from modelsearch.query import Fuzzy, MatchAll, Not
    from modelsearch.utils import get_descendants_content_types_pks

    integer_pk_types = {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
    }

    class LanguagePostgresIndex(PostgresIndex):
        """Indexes each object with the configuration of the language its
        text is written in (`_object_language`)."""

        def add_items(self, model, objs):
            from wagtail.models import Locale

            objs = list(objs)
            if not any(getattr(obj, "locale_id", None) for obj in objs):
                return super().add_items(model, objs)
            locale_codes = dict(Locale.objects.values_list("pk", "language_code"))
            groups = defaultdict(list)
            for obj in objs:
                groups[language_search_config(_object_language(obj, locale_codes))].append(obj)
            backend = self.backend
            try:
                for config, items in groups.items():
                    if config is None or config == backend.config:
                        self.backend = backend
                    else:
                        self.backend = copy(backend)
                        self.backend.config = config
                    super().add_items(model, items)
            finally:
                self.backend = backend

    class RankedPostgresSearchQueryCompiler(PostgresSearchQueryCompiler):
        def build_tsquery(self, query, config=None):
            """In a language with its own configuration (English), the words
            as that language's lexemes or as the source language's: the
            translated pages are indexed in the first, the aliases and
            untranslated content in the second."""
            tsquery = super().build_tsquery(query, config=config)
            other = language_search_config(get_language())
            if tsquery is None or other is None or config in (None, other, "simple"):
                return tsquery
            translated = super().build_tsquery(query, config=other)
            return tsquery if translated is None else tsquery | translated

        def _bounded(self, score_field):
            """Whether this search can be answered from the index table alone:
            full-text (not fuzzy, not "match all") over the index's own
            vectors (no `fields=` restriction), no score to annotate."""
            query = self.query
            if isinstance(query, MatchAll | Fuzzy):
                return False
            if isinstance(query, Not) and isinstance(query.subquery, MatchAll):
                return False
            return self.fields is None and score_field is None

        def search(self, config, start, stop, score_field=None, backend=None):
            if not self._bounded(score_field):
                return super().search(config, start, stop, score_field=score_field, backend=backend)
            if start is None and stop is None:
                # Facets: the matching objects, in no particular order.
                return self._matching(config)
            if not self.order_by_relevance:
                return super().search(config, start, stop, backend=backend)
            return self._ranked(config, start or 0, stop)

        def _entries(self, config, search_query):
            """The index entries of this model (and its subclasses) that match.
            `home_search_vector(title, body)` is `title || body` costed as
            what it is (migration home/0005), so PostgreSQL reads the matches
            from its GIN index instead of testing every row."""
            vector = Func(
                F("title"),
                F("body"),
                function="home_search_vector",
                output_field=SearchVectorField(),
            )
            return (
                IndexEntry._default_manager.filter(
                    content_type_id__in=get_descendants_content_types_pks(self.queryset.model)
                )
                .alias(_vector_=vector)
                .filter(_vector_=search_query)
            )

        def _pk_order(self):
            """The index's object ids in primary key order, as modelsearch's
            tie-break ("-pk") orders them."""
            pk = self.queryset.model._meta.pk
            target = getattr(pk, "target_field", pk)
            if target.get_internal_type() in integer_pk_types:
                return Cast("object_id", output_field=models.BigIntegerField())
            return F("object_id")

        def _matching(self, config):
            search_query = self.build_tsquery(self.query, config=config)
            if search_query is None:
                return self.queryset.none()
            object_ids = self._entries(config, search_query).values("object_id")
            return (
                self.queryset.order_by()
                .alias(search_pk_text=Cast("pk", output_field=TextField()))
                .filter(search_pk_text__in=object_ids)
            )

        def ranked_ids(self, config, start, stop):
            """The primary keys `_ranked` would return the objects of, or
            None where this compiler does not rank that search itself."""
            if not self._bounded(None) or not self.order_by_relevance:
                return None
            return self._ranked(config, start or 0, stop, objects=False)

        def _ranked(self, config, start, stop, objects=True):
            """The objects (or their keys) ranked `start` to `stop` among the
            allowed matches.

            For the first pages, first without the queryset's filters: the
            best `stop` matches plus as many and a margin, ranked on the index
            table alone, of which the allowed ones are fetched in one query.
            If at least `stop` of them are allowed (or every match was
            ranked), they are exactly the first `stop` allowed matches.
            Otherwise (many matches the queryset excludes: drafts, another
            locale, private pages...), one query ranks the allowed matches
            only.
            """
            search_query = self.build_tsquery(self.query, config=config)
            if search_query is None:
                return []
            # modelsearch's formula: the title's rank weighted by the title's
            # length norm, plus the body's rank; then the highest key first.
            rank = self.build_tsrank(F("title"), self.query, config=config) * F(
                "title_norm"
            ) + self.build_tsrank(F("body"), self.query, config=config)
            ranked = (
                self._entries(config, search_query)
                .alias(search_score=rank, search_pk_order=self._pk_order())
                .order_by(F("search_score").desc(), F("search_pk_order").desc())
                .values_list("object_id", flat=True)
            )
            to_pk = self.queryset.model._meta.pk.to_python
            queryset = self.queryset.order_by()

            def fetch(ids):
                if objects:
                    return queryset.in_bulk(ids)
                return set(queryset.filter(pk__in=ids).values_list("pk", flat=True))

            if stop is not None and stop <= MAX_PREFETCHED_RANK:
                limit = 2 * stop + RANK_MARGIN
                candidates = [to_pk(object_id) for object_id in ranked[:limit]]
                found = fetch(candidates)
                allowed = [pk for pk in candidates if pk in found]
                if len(allowed) >= stop or len(candidates) < limit:
                    return [found[pk] if objects else pk for pk in allowed[start:stop]]
            allowed_ids = queryset.values(search_pk_text=Cast("pk", TextField()))
            ids = [
                to_pk(object_id)
                for object_id in ranked.filter(object_id__in=allowed_ids)[start:stop]
            ]
            if not objects:
                return ids
            by_pk = queryset.in_bulk(ids)
            return [by_pk[pk] for pk in ids if pk in by_pk]

    class RankedPostgresSearchResults(PostgresSearchResults):
        def _do_count(self):
            compiler = self.query_compiler
            # The autocomplete compiler (admin searches) keeps modelsearch's way.
            bounded = getattr(compiler, "_bounded", None)
            if bounded is None or not bounded(self._score_field):
                return super()._do_count()
            count = compiler._matching(compiler.get_config(self.backend)).count()
            # Apply the results' own slice, as BaseSearchResults expects.
            count = max(count - (self.start or 0), 0)
            return count if self.stop is None else min(count, self.stop - (self.start or 0))

    return RankedPostgresSearchQueryCompiler, RankedPostgresSearchResults, LanguagePostgresIndex


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    backend = database_backend(params)
    backend_class = type(backend).__name__
    if connection.vendor == "sqlite" and backend_class == "SQLiteSearchBackend":
        backend.query_compiler_class, backend.results_class = french_sqlite_classes()
    elif connection.vendor == "postgresql" and backend_class == "PostgresSearchBackend":
        compiler, results, index = postgres_classes()
        backend.query_compiler_class, backend.results_class, backend.index_class = (
            compiler,
            results,
            index,
        )
    return backend
