"""The site keeps serving when its Redis cache fails (issue 16): a Redis
started for the test is killed, then pages, the health check and the forms
are asked for."""

import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.test import override_settings

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_server():
    """A Redis of our own (never the machine's), nothing kept on disk."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],  # noqa: S607
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield process, f"redis://127.0.0.1:{port}/0"
    process.kill()
    process.wait()


def redis_caches(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "home.cache_backends.FaultTolerantRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "test-faults",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, "RETRY_AFTER": 30},
        }
    }


def test_pages_serve_when_redis_dies(client, redis_server, home_fr):
    process, url = redis_server
    with override_settings(CACHES=redis_caches(url)):
        assert client.get("/fr/").status_code == 200
        cache.set("alive", "oui")
        assert cache.get("alive") == "oui"
        assert client.get("/healthz").content.decode() == "database: ok\ncache: ok\n"

        process.kill()
        process.wait()
        started = time.monotonic()
        for path in ("/fr/", "/fr/annuaire/", "/fr/appels-a-projets/", "/fr/agenda/"):
            assert client.get(path).status_code == 200, path
        # One failed connection per outage, not one per cache operation.
        assert time.monotonic() - started < 10
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.content.decode() == "database: ok\ncache: unavailable\n"
        assert cache.get("alive", "absent") == "absent"


def test_public_forms_refuse_posts_they_cannot_count(client, redis_server, home_fr):
    # The rate limit counts in the cache: without it, it fails closed, and
    # says so (nothing is saved).
    from partners.models import Submission

    process, url = redis_server
    with override_settings(CACHES=redis_caches(url)):
        process.kill()
        process.wait()
        response = client.post("/fr/proposer/structure/", {"title": "Coopérative test"})
        assert response.status_code == 503
        assert "momentanément indisponible" in response.content.decode()
        assert not Submission.objects.exists()
