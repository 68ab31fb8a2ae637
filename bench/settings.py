"""Benchmark settings: the production stack (base settings, DEBUG off) on a
dedicated database.

The database comes from BENCH_DATABASE_URL (set by `bench.run` from --db),
else DATABASE_URL, else a SQLite file under var/bench/. It is exported as
DATABASE_URL *before* the base settings are read, so everything derived from
it there (SQLite options, the PostgreSQL search configuration) follows.
"""

import os
from pathlib import Path

_BASE_DIR = Path(__file__).resolve().parent.parent
os.environ["DATABASE_URL"] = (
    os.environ.get("BENCH_DATABASE_URL")
    or os.environ.get("DATABASE_URL")
    or f"sqlite:///{_BASE_DIR / 'var' / 'bench' / 'bench.sqlite3'}"
)

from config.settings.base import *  # noqa: E402, F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
SECRET_KEY = "bench-only-insecure-key-never-used-anywhere-else-4f0c9a7e2d1b"  # noqa: S105
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Local files whatever the environment says (S3...), the private storage
# of proposals' uploads included.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(_BASE_DIR / "var" / "bench" / "private")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
