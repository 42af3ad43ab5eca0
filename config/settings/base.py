"""The production settings, read from the environment; dev.py and test.py relax them.

Every variable read here is listed in the README (« Mise en production »). The data core (spaser.decp,
spaser.analytics) never reads settings.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured


BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()


def required(name: str, meaning: str) -> str:
    """An environment variable production cannot guess: its absence stops the start with what to set."""
    value = env.str(name, default="")
    if not value.strip():
        raise ImproperlyConfigured(
            f"{name} is required by the production settings (config.settings.base): {meaning}. "
            "config.settings.dev and config.settings.test provide their own."
        )
    return value


SECRET_KEY = required(
    "DJANGO_SECRET_KEY",
    "a long random secret, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'",
)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = [
    host.strip()
    for host in required("DJANGO_ALLOWED_HOSTS", "the host names the site answers to, comma-separated").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "widget_tweaks",
    "dsfr",
    "axes",
    "csp",
    "simple_history",
    "spaser.organisations",
    "spaser.plans",
    "spaser.directory",
    "spaser.governance",
    "spaser.publications",
    "spaser.www",
]

MIDDLEWARE = [
    "spaser.www.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "spaser.www.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a login unless marked @login_not_required (public pages, API, invitations).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "spaser" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dsfr.context_processors.site_config",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'app.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "spaser" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "spaser.www.static_storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): an account is locked after N failures whatever the address, and an address
# after N failures whatever the accounts; a success resets the counters; the lock lifts by itself.
AXES_FAILURE_LIMIT = env.int("SPASER_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SPASER_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "spaser.www.accounts_views.throttling.locked_out"
AXES_CLIENT_IP_CALLABLE = "spaser.www.accounts_views.throttling.client_ip"
# Behind a reverse proxy, the request header that carries the client's address (e.g. "X-Forwarded-For" or
# "X-Real-IP"); the proxy must overwrite or append it. Empty: the connection's address (REMOTE_ADDR).
SPASER_CLIENT_IP_HEADER = env("SPASER_CLIENT_IP_HEADER", default="")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "organisations:home"
LOGOUT_REDIRECT_URL = "public:home"
# Mail (invitations, password resets) goes out through SMTP, never to the logs: EMAIL_URL such as
# smtp+tls://user:password@smtp.example.fr:587; by default the machine's own MTA.
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Spaser <ne-pas-repondre@spaser.example>")
# Links in mail sent outside a request (the action digests of `send_action_digests`).
SPASER_SITE_URL = env("SPASER_SITE_URL", default="http://localhost:8000")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Who runs this instance, named by the legal notice, the accessibility statement and the personal data page.
SPASER_OPERATOR = env("SPASER_OPERATOR", default="l'organisme qui exploite cette instance de Spaser")
SPASER_HOSTING = env("SPASER_HOSTING", default="l'hébergeur choisi par l'exploitant de cette instance")
SPASER_CONTACT_EMAIL = env("SPASER_CONTACT_EMAIL", default="contact@spaser.example")

# The analytics store built by `spaser decp import` (DuckDB), opened read-only by the platform.
SPASER_STORE_DIR = Path(env("SPASER_STORE_DIR", default=str(BASE_DIR / "var" / "store")))
# After a store swap, pages show the previous store's values while one background thread per process computes the
# new ones (spaser/plans/store_cache.py); tests compute them at once.
SPASER_REFRESH_IN_BACKGROUND = True
# Per process (each gunicorn worker its own), keyed by data version: see docs/decisions.md.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "spaser",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }
}
# An invitation link works this many days after it was (re)sent.
SPASER_INVITATION_DAYS = env.int("SPASER_INVITATION_DAYS", default=7)
# The largest deliberation document (PDF) a scheme accepts, in bytes.
SPASER_MAX_DOCUMENT_BYTES = env.int("SPASER_MAX_DOCUMENT_BYTES", default=20 * 1024 * 1024)


# ---------------------------------------------------------------------------------------------------------------
# HTTPS and security headers (Django's deployment checklist, OWASP ASVS L2 chapter 14)

# DJANGO_HTTPS=false only for a plain-HTTP loopback server (the benchmark): no redirect, cookies sent over HTTP.
HTTPS = env.bool("DJANGO_HTTPS", default=True)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# `preload` only consents to a submission to the browsers' list, made by hand for a registrable domain.
SECURE_HSTS_PRELOAD = True
# Behind a TLS reverse proxy, the header it sets (and strips from clients) that says the request came over HTTPS,
# as Django names it: HTTP_X_FORWARDED_PROTO for X-Forwarded-Proto. Unset: the request's own scheme decides.
_proxy_ssl_header = env.str("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "spaser.www.errors.csrf_failure"

# No inline script or style attribute anywhere: pages load their JavaScript from spaser/static.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Features no page uses, refused to any script (spaser.www.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

# ---------------------------------------------------------------------------------------------------------------
# Logging: one JSON object per line on stderr (stdout stays the commands' output), each with the request id
# (spaser.www.middleware.RequestIdMiddleware)

LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "spaser.www.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "spaser.www.logs.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_id"],
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers (console when DEBUG, mail to ADMINS) give way to the root's JSON lines.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # WeasyPrint tells every step of every PDF at INFO; its warnings and errors are kept.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Errors go to a Sentry-compatible service only when SENTRY_DSN is set; no personal data leaves the site.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(dsn=SENTRY_DSN, integrations=[DjangoIntegration()], send_default_pii=False)
