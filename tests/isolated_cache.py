"""The test suite's Redis cache: Django's own, except that ``clear()`` deletes only the keys of
this run's worker (its ``KEY_PREFIX``) instead of emptying the whole Redis database.

Every test starts with ``cache.clear()``. With Django's backend that is FLUSHDB, so two suites on
one Redis (CI and a developer's run on the same machine, each with a worker "gw0") emptied each
other's cache in the middle of a test: a page's cached parts vanished between two visits and a
query-count test saw one query more. conftest.py gives each run and worker a prefix of its own.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache

BATCH = 500


class RunScopedRedisCache(RedisCache):
    def clear(self) -> bool:
        if not self.key_prefix:
            raise ValueError("RunScopedRedisCache needs a KEY_PREFIX: without one, clear() would empty everything")
        client = self._cache.get_client(None, write=True)
        deleted, batch = 0, []
        for key in client.scan_iter(match=f"{self.key_prefix}:*", count=BATCH):
            batch.append(key)
            if len(batch) == BATCH:
                deleted += client.delete(*batch)
                batch.clear()
        if batch:
            deleted += client.delete(*batch)
        return deleted > 0
