"""Every `PARTNERS_*` setting of docs/partners.md is read from the environment
(issue 18), with partners/conf.py's defaults. Each case imports the settings
in a subprocess with a controlled environment, as a server starting would."""

import json
import os
import subprocess
import sys
from pathlib import Path

from partners import conf

BASE_DIR = Path(__file__).resolve().parents[2]
NAMES = [
    "RATE_LIMIT",
    "RATE_WINDOW",
    "TRUSTED_PROXY_COUNT",
    "LOGO_MAX_SIZE",
    "LOGO_CONTENT_TYPES",
    "DOCUMENT_MAX_SIZE",
    "DOCUMENT_CONTENT_TYPES",
    "OVERDUE_DAYS",
    "LOGIN_LINK_MAX_AGE",
    "TEXT_MAX_LENGTH",
]


def partner_settings(**env) -> dict:
    """Every `settings.PARTNERS_<name>` (« unset » when settings lack it), in a
    fresh process whose environment holds only `env` as PARTNERS_* variables;
    checks that `partners.conf.get(name)`, what the app reads, agrees."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PARTNERS_"))}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings.dev", **env)
    code = (
        "import json; from django.conf import settings; from partners import conf; "
        f"names = {NAMES!r}; "
        "print(json.dumps([{n: getattr(settings, 'PARTNERS_' + n, 'unset') for n in names}, "
        "{n: conf.get(n) for n in names}]))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    from_settings, from_conf = json.loads(result.stdout)
    assert from_conf == {k: v for k, v in from_settings.items() if v != "unset"} | {
        k: conf._DEFAULTS[k] for k, v in from_settings.items() if v == "unset"
    }
    return from_settings


def test_every_documented_variable_is_read_from_the_environment():
    values = partner_settings(
        PARTNERS_RATE_LIMIT="3",
        PARTNERS_RATE_WINDOW="60",
        PARTNERS_TRUSTED_PROXY_COUNT="1",
        PARTNERS_LOGO_MAX_SIZE="1000",
        PARTNERS_LOGO_CONTENT_TYPES="image/png, image/webp",
        PARTNERS_DOCUMENT_MAX_SIZE="2000",
        PARTNERS_DOCUMENT_CONTENT_TYPES="application/pdf,image/png",
        PARTNERS_OVERDUE_DAYS="7",
        PARTNERS_LOGIN_LINK_MAX_AGE="600",
        PARTNERS_TEXT_MAX_LENGTH="1200",
    )
    assert values == {
        "RATE_LIMIT": 3,
        "RATE_WINDOW": 60,
        "TRUSTED_PROXY_COUNT": 1,
        "LOGO_MAX_SIZE": 1000,
        "LOGO_CONTENT_TYPES": ["image/png", "image/webp"],
        "DOCUMENT_MAX_SIZE": 2000,
        "DOCUMENT_CONTENT_TYPES": ["application/pdf", "image/png"],
        "OVERDUE_DAYS": 7,
        "LOGIN_LINK_MAX_AGE": 600,
        "TEXT_MAX_LENGTH": 1200,
    }


def test_unset_variables_keep_the_apps_defaults():
    assert partner_settings() == {name: conf._DEFAULTS[name] for name in NAMES}


def test_empty_upload_types_keep_the_defaults():
    values = partner_settings(PARTNERS_LOGO_CONTENT_TYPES="", PARTNERS_DOCUMENT_CONTENT_TYPES=" ")
    assert values["LOGO_CONTENT_TYPES"] == ["image/png", "image/jpeg", "image/webp"]
    assert values["DOCUMENT_CONTENT_TYPES"] == ["application/pdf"]


def test_every_variable_is_in_env_example_and_the_docs():
    env_example = (BASE_DIR / ".env.example").read_text()
    docs = (BASE_DIR / "docs" / "partners.md").read_text()
    for name in NAMES:
        assert f"# PARTNERS_{name}=" in env_example
        assert f"| `PARTNERS_{name}` |" in docs
