"""Whole public pages kept for anonymous visitors, under a key that changes with everything they show.

The per-request work of a public page is mostly rendering the DSFR layout: under load (50 clients on two CPUs) it
decides the latency. A page is served again from the cache while its version is unchanged: the version function
reads what the page depends on (the scheme's tree and partners through `Scheme.updated_at`, its manual values, the
DECP data version), and raises 404 for what is not published, before the cache is read. Only anonymous GETs
without a session or pending messages are cached, and only 200 answers that set no cookie nor `no-store` (a
drill-down of the previous store's rows, while the new ones are computed): what is kept is the same for everyone.
Organisation names are not in the versions: a renamed organisation shows within TIMEOUT_S, as do the list's
headline figures once the values of a new store, computed in the background, replace the previous ones.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache

from spaser.plans.store_cache import cache_key


TIMEOUT_S = 300


def shareable(request) -> bool:
    cookies = request.COOKIES
    return request.method == "GET" and not (
        settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies
    )


def keepable(response) -> bool:
    """A 200 the same for everyone, that the view did not mark as not to be kept (data of a replaced store)."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and not response.streaming
        and "no-store" not in cache_control
        and "private" not in cache_control
    )


def cached_public_page(version: Callable[..., object]):
    """Serve the view's answer from the cache while `version(**kwargs)` is unchanged (see the module's docstring)."""

    def decorate(view):
        @wraps(view)
        def page(request, *args, **kwargs):
            if not shareable(request):
                return view(request, *args, **kwargs)
            key = cache_key("public-page", request.get_full_path(), version(**kwargs))
            response = cache.get(key)
            if response is None:
                response = view(request, *args, **kwargs)
                if keepable(response):
                    cache.set(key, response, TIMEOUT_S)
            return response

        return page

    return decorate
