"""Local development and `make demo` (gunicorn on http://127.0.0.1:8000, SQLite in var/, store in var/store)."""

import os


# A fixed key and the loopback hosts, unless the environment gives others; set before base.py requires them.
os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-development-key-never-in-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import env  # noqa: E402


# Tracebacks on 127.0.0.1 help a developer; DJANGO_DEBUG=false shows what production serves
# (static files then come from the manifest written by collectstatic, which `make demo` runs).
DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The demo is plain HTTP on the loopback: no redirect to HTTPS, no HSTS, cookies sent over HTTP.
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
