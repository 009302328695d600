"""The notifications socket: authenticated people only, same origin only, a group per person."""

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from core.asgi import application
from core.realtime.consumers import NotificationConsumer, user_group

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def _connect(scope_user, origin=b"http://127.0.0.1:8000"):
    communicator = WebsocketCommunicator(
        NotificationConsumer.as_asgi(), "/ws/notifications/", headers=[(b"origin", origin)]
    )
    communicator.scope["user"] = scope_user
    return communicator


async def test_anonymous_sockets_are_refused():
    communicator = await _connect(AnonymousUser())
    connected, code = await communicator.connect()
    assert connected is False
    assert code == 4401


async def test_a_person_receives_what_is_sent_to_their_group(learner):
    communicator = await _connect(learner)
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from() == {"type": "hello", "unread": 0, "last_id": 0}
    await get_channel_layer().group_send(
        user_group(learner.pk), {"type": "notify", "payload": {"type": "toast", "text": "Hello"}}
    )
    assert await communicator.receive_json_from() == {"type": "toast", "text": "Hello"}
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_other_peoples_messages_do_not_arrive(learner, other_learner):
    communicator = await _connect(learner)
    await communicator.connect()
    await communicator.receive_json_from()
    layer = get_channel_layer()
    await layer.group_send(user_group(other_learner.pk), {"type": "notify", "payload": {"x": 1}})
    # A positive sentinel, not a quiet window: the person's own later message is the next to arrive.
    await layer.group_send(user_group(learner.pk), {"type": "notify", "payload": {"sentinel": True}})
    assert await communicator.receive_json_from() == {"sentinel": True}
    await communicator.disconnect()


async def test_a_foreign_origin_is_refused_by_the_full_stack():
    communicator = WebsocketCommunicator(
        application, "/ws/notifications/", headers=[(b"origin", b"https://evil.example.com")]
    )
    connected, _ = await communicator.connect()
    assert connected is False


async def test_the_full_stack_refuses_a_socket_without_a_login():
    communicator = WebsocketCommunicator(
        application, "/ws/notifications/", headers=[(b"origin", b"http://127.0.0.1:8000")]
    )
    connected, code = await communicator.connect()
    assert connected is False
    assert code == 4401


async def test_the_landing_socket_is_public_and_pushes_sections():
    from core.mentoring import live

    communicator = WebsocketCommunicator(application, "/ws/landing/", headers=[(b"origin", b"http://127.0.0.1:8000")])
    connected, _ = await communicator.connect()
    assert connected
    payload = {"type": "sections", "sessions_html": "<p>x</p>", "mentors_html": "", "counts": {"live": 1}}
    await get_channel_layer().group_send(live.GROUP, {"type": "landing.sections", "payload": payload})
    assert await communicator.receive_json_from() == payload
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_the_landing_socket_refuses_a_foreign_origin():
    communicator = WebsocketCommunicator(application, "/ws/landing/", headers=[(b"origin", b"https://evil.example")])
    connected, _ = await communicator.connect()
    assert connected is False
