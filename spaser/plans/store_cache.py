"""What pages read from the DECP store, cached by version of the data.

Keys hold the data version (`steering.data_version`: the store file and the catalogue version) and everything else
the value depends on, so a swapped store or a changed scheme gives new keys and nothing stale is served; old entries
just expire. Only data are cached, never a decision to show them: every request still checks who may read the
scheme (an unpublished scheme answers 404 at once). The backend is the `default` Django cache (see
docs/decisions.md).
"""

import hashlib
import threading
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache


T = TypeVar("T")
_LOCKS = tuple(threading.Lock() for _ in range(64))
TIMEOUT_S = 24 * 3600


def lock_for(key: str) -> threading.Lock:
    """One of a fixed set of locks: threads of a process computing the same key wait for the first one instead
    of all running the same queries (after a store swap, every client asks at once)."""
    digest = hashlib.sha256(key.encode()).digest()
    return _LOCKS[int.from_bytes(digest[:4], "big") % len(_LOCKS)]


def cache_key(*parts) -> str:
    return "store:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def computed_once(key: str, compute: Callable[[], T]) -> T:
    """`compute()` kept in the cache under `key` (never None)."""
    value = cache.get(key)
    if value is not None:
        return value
    with lock_for(key):
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, TIMEOUT_S)
    return value
