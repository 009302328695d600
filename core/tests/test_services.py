"""The real services behind the settings: SQLite's embedded mode, PostgreSQL and Redis.

Under REQUIRE_SERVICES=1 (CI) the PostgreSQL and Redis tests fail instead of skipping
when those services are not reachable.
"""

import asyncio
import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from core.celery import app as celery_app
from tests import migrated_template
from tests.isolated_cache import RunScopedRedisCache

ROOT = Path(__file__).resolve().parents[2]


EMBEDDED_PROBE = """
import json
import django

django.setup()
from django.conf import settings
from django.db import connection

with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal_mode = cursor.fetchone()[0]
    cursor.execute("PRAGMA foreign_keys")
    foreign_keys = cursor.fetchone()[0]
print(json.dumps({
    "vendor": connection.vendor,
    "name": str(settings.DATABASES["default"]["NAME"]),
    "options": settings.DATABASES["default"]["OPTIONS"],
    "journal_mode": journal_mode,
    "foreign_keys": foreign_keys,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
}))
"""


@pytest.fixture(scope="module")
def embedded_settings(tmp_path_factory) -> dict:
    """The settings and database of a fresh terminal with nothing set (``make run``'s embedded
    default), read in a process of its own, so that this runs in CI too, where the suite itself
    has DATABASE_URL and REDIS_URL."""
    path = tmp_path_factory.mktemp("embedded") / "db.sqlite3"
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env |= {"DEBUG": "1", "SQLITE_PATH": str(path), "DJANGO_SETTINGS_MODULE": "core.settings"}
    result = subprocess.run(
        [sys.executable, "-c", EMBEDDED_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]) | {"path": str(path)}


def test_embedded_sqlite_runs_in_wal_mode_with_immediate_transactions(embedded_settings):
    assert embedded_settings["vendor"] == "sqlite"
    assert embedded_settings["name"] == embedded_settings["path"]
    assert embedded_settings["options"]["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in embedded_settings["options"]["init_command"]
    assert embedded_settings["journal_mode"] == "wal"
    assert embedded_settings["foreign_keys"] == 1


def test_tasks_run_eagerly_without_redis(embedded_settings):
    assert embedded_settings["eager"] is True
    assert embedded_settings["broker"] == "memory://"
    assert embedded_settings["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert embedded_settings["layer"] == "channels.layers.InMemoryChannelLayer"


@pytest.mark.services
def test_the_suite_runs_on_postgresql(postgres_database):
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.mark.services
@pytest.mark.django_db
def test_postgresql_answers(postgres_database):
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


@pytest.mark.services
@pytest.mark.django_db
def test_the_test_database_is_a_copy_of_the_migrated_template(postgres_database):
    import psycopg

    template = postgres_database["TEST"]["TEMPLATE"]
    assert migrated_template.ensure(postgres_database) == template  # found, not built again
    server = migrated_template._server(postgres_database) | {"dbname": template}
    with psycopg.connect(**server) as copied_from:
        template_migrations = set(copied_from.execute("SELECT app, name FROM django_migrations").fetchall())
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        assert set(cursor.fetchall()) == template_migrations
    assert len(template_migrations) > 200


@pytest.mark.services
def test_redis_cache_round_trip(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("greeting", {"text": "namaste"}, 30)
    assert cache.get("greeting") == {"text": "namaste"}
    cache.delete("greeting")


@pytest.mark.services
def test_the_suites_cache_clears_its_own_keys_only(redis_url):
    """Two suites on one Redis (CI and a developer's run) must not empty each other's cache."""
    ours = RunScopedRedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    theirs = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    ours.set_many({f"key-{index}": index for index in range(1200)}, 60)  # more than one batch
    theirs.set("key-1", "theirs", 60)
    assert ours.clear() is True
    assert ours.get_many([f"key-{index}" for index in range(1200)]) == {}
    assert theirs.get("key-1") == "theirs"
    assert ours.clear() is False  # nothing left to delete
    theirs.delete("key-1")
    with pytest.raises(ValueError, match="KEY_PREFIX"):
        RunScopedRedisCache(redis_url, {}).clear()


@pytest.mark.services
def test_the_suites_cache_clear_deletes_what_any_thread_wrote_without_scanning(redis_url):
    """The live server's threads write through instances of their own; a clear finds those keys
    too, and never walks the database with SCAN (a Redis holding a million keys of something
    else made every test's clear cost most of a second)."""
    prefix = f"test-{uuid.uuid4().hex}"
    ours = RunScopedRedisCache(redis_url, {"KEY_PREFIX": prefix})
    client = ours._cache.get_client(None, write=True)
    writer = threading.Thread(target=lambda: RunScopedRedisCache(redis_url, {"KEY_PREFIX": prefix}).set("k", 1, 60))
    writer.start()
    writer.join()
    ours.add("added", 2, 60)
    scans = client.info("commandstats").get("cmdstat_scan", {}).get("calls", 0)
    assert ours.clear() is True
    assert client.info("commandstats").get("cmdstat_scan", {}).get("calls", 0) == scans
    assert ours.get_many(["k", "added"]) == {}


@pytest.mark.services
def test_redis_channel_layer_delivers_to_a_group(redis_url):
    async def scenario():
        layer = RedisChannelLayer(hosts=[redis_url], prefix=f"test-{uuid.uuid4().hex}")
        channel = await layer.new_channel()
        await layer.group_add("people", channel)
        await layer.group_send("people", {"type": "hello", "text": "hi"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=5)
        await layer.flush()
        return message

    assert asyncio.run(scenario()) == {"type": "hello", "text": "hi"}


@pytest.mark.services
def test_settings_use_redis_when_redis_url_is_set(redis_url):
    if settings.REDIS_URL != redis_url:
        pytest.fail("REDIS_URL is set in the environment but not in the settings")
    assert isinstance(caches["default"], RedisCache)  # the tests' own subclass (tests/isolated_cache.py)
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert settings.CELERY_BROKER_URL == redis_url


@pytest.mark.services
def test_celery_reaches_its_redis_broker(redis_url):
    with celery_app.connection_for_write(redis_url) as conn:
        conn.ensure_connection(max_retries=1)
        assert conn.connected
