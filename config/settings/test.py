"""pytest settings: the same stack as dev, faster hashing, in-memory email."""

from .base import *  # noqa: F403
from .env import env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY") or "test-only-insecure-key-with-enough-length-for-django-ok"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Emails go straight to the test outbox; tests/home/test_mail_queue.py puts
# the queue back in between to test it.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
SITE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = "http://testserver"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A file (not in-memory) SQLite test database so `--reuse-db` keeps it between
# runs; TEST_DB_NAME lets parallel runs from one checkout use separate files.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / (env_str("TEST_DB_NAME") or "test_db.sqlite3"))  # noqa: F405
    }

# The full-page cache (home/page_cache.py) is off for the suite: many tests
# pin the queries of a page's first rendering and change rows with .update()
# before a GET; tests/home/test_page_cache.py turns it on (and the versions in
# the database, as in production without Redis). The versions stay in the
# (local-memory) cache here, as the query counts were pinned.
PAGE_CACHE_ENABLED = False
CACHE_VERSIONS = "cache"

# The PostgreSQL test databases are thrown away after the run: their commits
# (the seeded template, the transactional tests) need not wait for the disk.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
