"""What pages read from the DECP store, cached by version of the data, and refreshed in the background after a swap.

Each value is kept with the data version it was computed from (`steering.data_version`: the store file and the
catalogue version). When a new store is swapped in, a value of the previous version is still served while one
background thread of the process computes the new one: requests never queue behind the queries of a whole new
store (all the worker's threads would otherwise wait on them, and every page with them). Only data are cached,
never a decision to show them: every request still checks who may read the scheme, so an unpublished scheme answers
404 at once. The backend is the `default` Django cache (see docs/decisions.md).
"""

import hashlib
import logging
import queue
import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections


T = TypeVar("T")
logger = logging.getLogger(__name__)
_LOCKS: "weakref.WeakValueDictionary[str, threading.Lock]" = weakref.WeakValueDictionary()
_LOCKS_GUARD = threading.Lock()
TIMEOUT_S = 7 * 24 * 3600  # a value stays until its store is replaced and the new one computed (or it expires)


def lock_for(key: str) -> threading.Lock:
    """The lock of `key`: threads of a process computing the same key wait for the first one instead of all running
    the same queries. One lock per key (kept while someone holds it): a computation that needs another key inside
    (the API's payload needs the scheme's snapshots) never waits on its own lock, as a fixed set of locks shared by
    hashing made it do when two keys fell on the same one."""
    with _LOCKS_GUARD:
        lock = _LOCKS.get(key)
        if lock is None:
            lock = _LOCKS[key] = threading.Lock()
        return lock


def cache_key(*parts) -> str:
    return "store:" + hashlib.sha256(repr(parts).encode()).hexdigest()


class Refresher:
    """One background thread per process computing values for a new store version, each key once."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, key: str, compute: Callable[[], object]) -> None:
        with self._lock:
            if key in self._pending:
                return
            self._pending.add(key)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="store-refresher", daemon=True)
                self._thread.start()
        self._queue.put((key, compute))

    def _run(self) -> None:
        while True:
            key, compute = self._queue.get()
            try:
                compute()
            except Exception:  # noqa: BLE001 - the next request asks again; the previous value is still served
                logger.exception("Background refresh of %s failed", key)
            finally:
                # Jobs are rare (a store swap): the thread keeps no database session open between them.
                connections.close_all()
                with self._lock:
                    self._pending.discard(key)


REFRESHER = Refresher()


def versioned(parts: tuple, version: str, compute: Callable[[], T]) -> tuple[str, T]:
    """`compute()` for the data `version`, cached under `parts`, with the version it was computed for: while it is
    not computed yet for a new version, the value of the previous one is served and the new one computed in the
    background."""
    key = cache_key(*parts)
    kept = cache.get(key)
    if kept is not None and kept[0] == version:
        return kept

    def refresh() -> tuple[str, T]:
        fresh = (version, compute())
        cache.set(key, fresh, TIMEOUT_S)
        return fresh

    if kept is not None and settings.SPASER_REFRESH_IN_BACKGROUND:
        REFRESHER.submit(f"{key}:{version}", refresh)
        return kept
    with lock_for(key):
        kept = cache.get(key)
        return kept if kept is not None and kept[0] == version else refresh()


def computed_once(key: str, compute: Callable[[], T]) -> T:
    """`compute()` kept under `key`, for values cheap enough to compute on a request (never stale: the key holds
    every version they depend on)."""
    value = cache.get(key)
    if value is None:
        with lock_for(key):
            value = cache.get(key)
            if value is None:
                value = compute()
                cache.set(key, value, TIMEOUT_S)
    return value
