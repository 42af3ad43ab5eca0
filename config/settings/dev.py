"""Local development and `make demo` (gunicorn on 127.0.0.1:8000, SQLite in var/, store in var/store)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env


# Tracebacks on 127.0.0.1 help a developer; DJANGO_DEBUG=false shows what production serves
# (static files then come from the manifest written by collectstatic, which `make demo` runs).
DEBUG = env.bool("DJANGO_DEBUG", default=True)
