"""The test suite's Redis cache: Django's own, except that ``clear()`` deletes only the keys this
run's worker wrote instead of emptying the whole Redis database.

Every test starts with ``cache.clear()``. With Django's backend that is FLUSHDB, so two suites on
one Redis (CI and a developer's run on the same machine, each with a worker "gw0") emptied each
other's cache in the middle of a test: a page's cached parts vanished between two visits and a
query-count test saw one query more. conftest.py gives each run and worker a prefix of its own.

``clear()`` does not look for that prefix with SCAN either: SCAN walks every key of the database,
so a Redis holding a million keys of something else (a benchmark's cache left behind by a
developer, say) made every test's clear cost most of a second, and a CI run that normally takes
twenty minutes did not finish in ninety. The process remembers the keys it writes (in every thread:
the live server's and the sockets' threads use other instances of this backend) and deletes those.
"""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

BATCH = 500

_written: set[str] = set()
_written_lock = threading.Lock()


def _remember(*keys: str) -> None:
    with _written_lock:
        _written.update(keys)


class _RememberingClient(RedisCacheClient):
    """Django's Redis client, noting each key it writes (``incr`` and ``touch`` need a key that
    one of these wrote first)."""

    def add(self, key, value, timeout):
        _remember(key)
        return super().add(key, value, timeout)

    def set(self, key, value, timeout):
        _remember(key)
        return super().set(key, value, timeout)

    def set_many(self, data, timeout):
        _remember(*data)
        return super().set_many(data, timeout)


class RunScopedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _RememberingClient

    def clear(self) -> bool:
        if not self.key_prefix:
            raise ValueError("RunScopedRedisCache needs a KEY_PREFIX: without one, clear() would empty everything")
        ours = f"{self.key_prefix}:"
        with _written_lock:
            keys = [key for key in _written if key.startswith(ours)]
            _written.difference_update(keys)
        client = self._cache.get_client(None, write=True)
        deleted = 0
        for start in range(0, len(keys), BATCH):
            deleted += client.delete(*keys[start : start + BATCH])
        return deleted > 0
