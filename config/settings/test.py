import os


os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-test-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from config.settings.base import *  # noqa: E402, F403


# The test client and the live server speak plain HTTP.
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Rendered dashboards are cached by version; tests that check the cache switch to LocMemCache themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
SPASER_REFRESH_IN_BACKGROUND = False
# Tests serve static files through the finders; STATIC_ROOT only exists after collectstatic.
WHITENOISE_AUTOREFRESH = True
