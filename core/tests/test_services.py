"""The real services behind the settings: SQLite's embedded mode, PostgreSQL and Redis.

Under REQUIRE_SERVICES=1 (CI) the PostgreSQL and Redis tests fail instead of skipping
when those services are not reachable.
"""

import asyncio
import uuid

import pytest
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from core.celery import app as celery_app


@pytest.mark.django_db
def test_embedded_sqlite_runs_in_wal_mode_with_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("the suite runs on another database")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


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
def test_redis_cache_round_trip(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("greeting", {"text": "namaste"}, 30)
    assert cache.get("greeting") == {"text": "namaste"}
    cache.delete("greeting")


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
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert settings.CELERY_BROKER_URL == redis_url


@pytest.mark.services
def test_celery_reaches_its_redis_broker(redis_url):
    with celery_app.connection_for_write(redis_url) as conn:
        conn.ensure_connection(max_retries=1)
        assert conn.connected


def test_tasks_run_eagerly_without_redis():
    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set: tasks go to the broker")
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
