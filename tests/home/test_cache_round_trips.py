"""A page reads its cached values in one round trip (issue 17, home/cache.py):
the values the last request for the same route read are fetched with one
`get_many`; what was not guessed is read alone; a guess never makes a page
stale. Counted by a Redis of the test's own (its command counter), and on the
default local-memory cache."""

import redis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.test import override_settings

from home import cache as versioned_cache
from home.cache import VersionedCache
from home.models import StandardPage
from tests.home.test_cache_faults import redis_caches, redis_server  # noqa: F401 (fixture)

ROUTES = ["/fr/", "/fr/annuaire/", "/fr/appels-a-projets/", "/fr/conventions/", "/en/directory/"]


def commands(url: str) -> int:
    """Commands the Redis at `url` has processed so far."""
    return redis.Redis.from_url(url).info("stats")["total_commands_processed"]


def round_trips(client, url: str, path: str) -> int:
    before = commands(url)
    assert client.get(path).status_code == 200, path
    return commands(url) - before - 1  # the INFO command of `before`


def test_a_page_reads_its_cached_values_in_a_few_round_trips(db, client, redis_server):  # noqa: F811
    process, url = redis_server
    with override_settings(CACHES=redis_caches(url)):
        for path in ROUTES:
            client.get(path)  # computes and stores the values
            client.get(path)  # learns what the route reads, reads them one by one
            learned = round_trips(client, path=path, url=url)
            # The versions (MGET), the values guessed (MGET), Wagtail's site
            # root paths, a template fragment, a listing's cards (MGET): the
            # same page read a dozen values one GET each before.
            assert learned <= 5, (path, learned)


def test_what_was_guessed_never_makes_a_page_stale(client, redis_server, home_fr):  # noqa: F811
    process, url = redis_server
    with override_settings(CACHES=redis_caches(url)):
        for _ in range(2):
            assert "Nouvelle rubrique du réseau" not in client.get("/fr/").content.decode()
        page = StandardPage(
            title="Nouvelle rubrique du réseau", slug="nouvelle", show_in_menus=True
        )
        home_fr.add_child(instance=page)
        page.save_revision().publish()
        # The route's guesses are keys of the old versions: the menu is
        # computed again and shows the new section at once.
        assert "Nouvelle rubrique du réseau" in client.get("/fr/").content.decode()


def test_pages_serve_fresh_on_the_local_cache_too(client, home_fr):
    client.get("/fr/")
    client.get("/fr/")
    page = StandardPage(title="Rubrique ajoutée", slug="ajoutee", show_in_menus=True)
    home_fr.add_child(instance=page)
    page.save_revision().publish()
    assert "Rubrique ajoutée" in client.get("/fr/").content.decode()


class Request:
    """Django's request signals around a block, as the handler sends them."""

    def __init__(self, path: str, query: str = ""):
        self.environ = {"HTTP_HOST": "testserver", "PATH_INFO": path, "QUERY_STRING": query}

    def __enter__(self):
        request_started.send(sender=None, environ=self.environ)

    def __exit__(self, *exc):
        request_finished.send(sender=None)


class CountingCache:
    """Counts the reads that reach the cache (one round trip each on Redis;
    the local-memory cache's get_many reads its keys with get)."""

    def __init__(self, monkeypatch):
        self.gets = self.get_many = 0
        self.inside_get_many = False
        get, get_many = cache.get, cache.get_many

        def counted_get(*args, **kwargs):
            self.gets += not self.inside_get_many
            return get(*args, **kwargs)

        def counted_get_many(*args, **kwargs):
            self.get_many += 1
            self.inside_get_many = True
            try:
                return get_many(*args, **kwargs)
            finally:
                self.inside_get_many = False

        monkeypatch.setattr(cache, "get", counted_get)
        monkeypatch.setattr(cache, "get_many", counted_get_many)


def test_values_are_fetched_together_and_each_is_right(db, monkeypatch):
    values = VersionedCache("test-round-trips", invalidated_by=["home.Theme"])
    try:
        computed = []

        def read_all():
            return (
                values.get_or_set("a", lambda: computed.append("a") or "A"),
                values.get_or_set("none", lambda: computed.append("none")),
                values.get_or_set("list", lambda: computed.append("list") or ["x"]),
                values.get_or_set("a", lambda: computed.append("a again") or "wrong"),
            )

        with Request("/fr/essai/"):
            assert read_all() == ("A", None, ["x"], "A")
        assert computed == ["a", "none", "list"]

        counting = CountingCache(monkeypatch)
        with Request("/fr/essai/"):
            first = values.get_or_set("list", lambda: ["recomputed"])
            assert read_all() == ("A", None, ["x"], "A")
            assert values.get_or_set("other", lambda: "O") == "O"
        assert computed == ["a", "none", "list"]  # nothing computed again, None included
        # One get_many for the versions, one for the three values guessed;
        # "list" read again (a copy of its own, a list can be changed by the
        # caller) and "other" (not guessed) are read alone; "a" read twice is
        # kept for the request (a str cannot change).
        assert (counting.get_many, counting.gets) == (2, 2)
        first.append("changed by a caller")
        with Request("/fr/essai/"):
            assert values.get_or_set("list", lambda: ["recomputed"]) == ["x"]
    finally:
        versioned_cache._registry.pop("test-round-trips")


def test_a_guess_missing_from_the_cache_is_computed_without_asking_again(db, monkeypatch):
    values = VersionedCache("test-round-trips-missing")
    try:
        with Request("/fr/manquant/"):
            values.get_or_set("a", lambda: 1)
            values.get_or_set("b", lambda: 2)
        cache.delete(values.key("a"))
        counting = CountingCache(monkeypatch)
        with Request("/fr/manquant/"):
            assert values.get_or_set("a", lambda: 10) == 10
            assert values.get_or_set("b", lambda: 20) == 2
        assert counting.gets == 0
    finally:
        versioned_cache._registry.pop("test-round-trips-missing")


def test_the_routes_kept_are_bounded(db, monkeypatch):
    monkeypatch.setattr(versioned_cache, "_routes", {})
    monkeypatch.setattr(versioned_cache, "ROUTES_KEPT", 50)
    for number in range(200):
        with Request("/fr/annuaire/", f"q={number}"):
            versioned_cache.PAGE_TREE.get_or_set("x", lambda: 1)
    assert len(versioned_cache._routes) == 50
    assert "testserver /fr/annuaire/?q=199" in versioned_cache._routes
    assert "testserver /fr/annuaire/?q=149" not in versioned_cache._routes


def test_outside_a_request_values_are_read_one_by_one(db, monkeypatch):
    monkeypatch.setattr(versioned_cache, "_routes", {})
    counting = CountingCache(monkeypatch)
    assert versioned_cache.PAGE_TREE.get_or_set("outside", lambda: 1) == 1
    assert versioned_cache.PAGE_TREE.get_or_set("outside", lambda: 2) == 1
    assert counting.gets == 2  # a command or a task: nothing guessed, nothing learned
    assert versioned_cache._routes == {}
