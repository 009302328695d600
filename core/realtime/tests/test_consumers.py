"""The notifications socket: hello with the unread count, catch-up from an id, live delivery.

Most tests drive the consumer directly with ``scope["user"]`` set; the ``full stack`` ones go
through core.asgi's ``AllowedHostsOriginValidator(AuthMiddlewareStack(...))`` with a real
login cookie. The last test runs on channels-redis (``REDIS_URL``, as CI sets it).
"""

from __future__ import annotations

import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client, override_settings

from core.asgi import application
from core.realtime import services
from core.realtime.consumers import NotificationConsumer
from core.realtime.models import NotificationKind

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
KIND = NotificationKind.BOOKING_REQUESTED


@database_sync_to_async
def _send(user, title: str):
    return services.notification_send(user=user, kind=KIND, title=title, url="/bookings/1/")


@database_sync_to_async
def _mark_read(user, notification) -> None:
    services.notification_mark_read(user=user, ids=[notification.pk])


async def _open(user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(NotificationConsumer.as_asgi(), "/ws/notifications/", headers=[ORIGIN])
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_hello_tells_the_unread_count_and_the_last_id(learner, other_learner):
    first = await _send(learner, "One")
    second = await _send(learner, "Two")
    await _send(other_learner, "Not yours")
    await _mark_read(learner, first)
    communicator = await _open(learner)
    assert await communicator.receive_json_from() == {"type": "hello", "unread": 1, "last_id": second.pk}
    await communicator.disconnect()


async def test_catch_up_returns_only_ones_own_missed_ones_in_order(learner, other_learner):
    seen = await _send(learner, "Seen")
    missed = [await _send(learner, "Missed one"), await _send(other_learner, "Theirs"), await _send(learner, "Two")]
    communicator = await _open(learner)
    await communicator.receive_json_from()  # hello
    await communicator.send_json_to({"type": "catch_up", "after": seen.pk})
    answer = await communicator.receive_json_from()
    assert answer["type"] == "catch_up"
    assert [(n["id"], n["title"]) for n in answer["notifications"]] == [
        (missed[0].pk, "Missed one"),
        (missed[2].pk, "Two"),
    ]
    assert answer["last_id"] == missed[2].pk
    assert answer["more"] is False
    assert answer["unread"] == 3
    await communicator.disconnect()


@pytest.mark.parametrize("after", ["12", -1, 1.5, True, None, 2**63, [1]])
async def test_catch_up_refuses_bad_input_and_stays_open(learner, after):
    communicator = await _open(learner)
    await communicator.receive_json_from()
    await communicator.send_json_to({"type": "catch_up", "after": after})
    assert (await communicator.receive_json_from())["type"] == "error"
    await communicator.send_to(text_data="not json")
    await communicator.send_json_to(["a", "list"])
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_a_saved_notification_arrives_live_with_the_new_count(learner):
    communicator = await _open(learner)
    await communicator.receive_json_from()
    notification = await _send(learner, "Live")  # autocommit: broadcast at once after saving
    payload = await communicator.receive_json_from()
    assert payload["type"] == "notification"
    assert (payload["id"], payload["title"], payload["unread"]) == (notification.pk, "Live", 1)
    await _mark_read(learner, notification)
    assert await communicator.receive_json_from() == {"type": "unread", "unread": 0}
    await communicator.disconnect()


# --- Through core.asgi: origin check and session login -------------------------------------------


@database_sync_to_async
def _session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def test_full_stack_a_logged_in_same_origin_socket_is_accepted(learner):
    cookie = await _session_cookie(learner)
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    await communicator.disconnect()


async def test_full_stack_a_logged_in_socket_from_a_foreign_origin_is_refused(learner):
    cookie = await _session_cookie(learner)
    communicator = WebsocketCommunicator(
        application, "/ws/notifications/", headers=[(b"origin", b"https://evil.example.com"), (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected is False


async def test_full_stack_an_anonymous_socket_is_refused():
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=[ORIGIN])
    connected, code = await communicator.connect()
    assert (connected, code) == (False, 4401)


# --- On Redis, as in production and CI ------------------------------------------------------------


@pytest.mark.services
async def test_delivery_over_the_redis_channel_layer(redis_url, learner):
    layers = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # A prefix of its own: never sees (or sends to) another test's or worker's groups.
            "CONFIG": {"hosts": [redis_url], "prefix": f"test-notifications-{uuid.uuid4().hex[:8]}"},
        }
    }
    with override_settings(CHANNEL_LAYERS=layers):
        assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
        communicator = await _open(learner)
        await communicator.receive_json_from()
        notification = await _send(learner, "Over Redis")
        payload = await communicator.receive_json_from(timeout=5)
        assert (payload["id"], payload["title"]) == (notification.pk, "Over Redis")
        await communicator.disconnect()
