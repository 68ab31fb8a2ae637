"""WSGI entry point (gunicorn -c config/gunicorn.conf.py config.wsgi).

WARM_UP=1 warms the application up as soon as it is loaded (home/warmup.py),
for WSGI servers other than gunicorn with config/gunicorn.conf.py, which
warms up by itself. Never under `runserver` (which loads this module too) or
pytest.
"""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()


def _warm_up_requested() -> bool:
    from config.settings.env import env_bool

    return (
        env_bool("WARM_UP", False)
        and sys.argv[1:2] != ["runserver"]
        and "pytest" not in sys.modules
    )


if _warm_up_requested():
    from home.warmup import warm_up

    warm_up()
