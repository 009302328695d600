"""/healthz reports each part, and names the one that failed."""

import pytest
from django.test import override_settings

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failed": [],
        "database": "ok",
        "cache": "ok",
        "channel_layer": "ok",
    }
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_failed_cache_is_named(client):
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": UNREACHABLE_REDIS}}
    with override_settings(CACHES=caches):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert body["cache"].startswith("error: ")
    assert body["database"] == "ok"


@pytest.mark.django_db
def test_a_failed_channel_layer_is_named(client):
    layers = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [UNREACHABLE_REDIS]}}}
    with override_settings(CHANNEL_LAYERS=layers):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["channel_layer"]


def test_a_failed_database_is_named(client):
    # No django_db mark: the test database is out of reach, as when PostgreSQL is down.
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
