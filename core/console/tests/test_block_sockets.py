"""Blocking someone closes the sockets they have open: notifications and the live room."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from core.console.services import person_block
from core.realtime.consumers import NotificationConsumer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


async def test_a_blocked_persons_notification_socket_closes(learner, other_learner, staff):
    sockets = {}
    for person in (learner, other_learner):
        communicator = WebsocketCommunicator(NotificationConsumer.as_asgi(), "/ws/notifications/", headers=[ORIGIN])
        communicator.scope["user"] = person
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()  # hello
        sockets[person.pk] = communicator

    await database_sync_to_async(person_block)(person=learner, by=staff, reason="Spam in the room chat")

    closed = await sockets[learner.pk].receive_output(timeout=2)
    assert closed == {"type": "websocket.close", "code": 4403}
    await sockets[learner.pk].disconnect()  # as the browser answers a close: the consumer ends
    assert await sockets[other_learner.pk].receive_nothing(timeout=0.2)  # the others stay
    await sockets[other_learner.pk].disconnect()
