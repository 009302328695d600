"""The live room's socket through the whole stack (core.asgi: origin check, login cookie, router).

Two participants connect with real login cookies; everything they send goes through the room's
services into the database before the other side hears of it. The in-memory channel layer by
default; the last test runs on channels-redis (``REDIS_URL``, as CI sets it).
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client, override_settings

from core.asgi import application
from core.bookings.models import Booking, BookingStatus
from core.mentoring.models import MentoringSession, SessionStatus
from core.mentoring.tests.factories import session_booked
from core.payments import ledger
from core.payments.models import AccountKind
from core.room.models import BoardStroke, ChatMessage, RoomPresence, TopicCheck

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
PEN = {"tool": "pen", "color": "#d9381a", "width": 4, "points": [[0.25, 0.25], [0.5, 0.75]]}


@database_sync_to_async
def _cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


@database_sync_to_async
def _booked(mentor, learner, **kwargs) -> MentoringSession:
    session, _booking = session_booked(mentor=mentor, learner=learner, **kwargs)
    return session


@database_sync_to_async
def _db(function, *args, **kwargs):
    return function(*args, **kwargs)


async def _communicator(user, room_id: str, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [origin]
    if user is not None:
        headers.append((b"cookie", await _cookie(user)))
    return WebsocketCommunicator(application, f"/ws/room/{room_id}/", headers=headers)


async def _open(user, room_id: str) -> tuple[WebsocketCommunicator, dict]:
    communicator = await _communicator(user, room_id)
    connected, _ = await communicator.connect()
    assert connected
    welcome = await communicator.receive_json_from()
    assert welcome["type"] == "welcome"
    return communicator, welcome


async def _signal_arrives_next(sender, receiver, sender_user) -> None:
    """A sentinel: ``sender``'s signal is the next message ``receiver`` gets.

    Sent after an action that must not reach ``receiver``: a message it wrongly caused would have
    been queued first, so it would come out here instead of the signal (no waiting for silence).
    """
    data = {"sentinel": uuid.uuid4().hex}
    await sender.send_json_to({"type": "signal", "data": data})
    assert await receiver.receive_json_from() == {"type": "signal", "from": sender_user.pk, "data": data}


async def _close_code(user, room_id: str) -> int:
    """The close code of a refused socket (accepted, then closed at once)."""
    communicator = await _communicator(user, room_id)
    connected, _ = await communicator.connect()
    assert connected
    message = await communicator.receive_output()
    assert message["type"] == "websocket.close"
    return message["code"]


@pytest.fixture
def room(mentor, learner):
    session, _booking = session_booked(mentor=mentor, learner=learner)
    return session


# --- Who gets in --------------------------------------------------------------------------------


async def test_anonymous_strangers_and_staff_are_refused(room, other_learner, other_mentor, staff):
    assert await _close_code(None, room.room_id) == 4401
    for person in (other_learner, other_mentor):
        assert await _close_code(person, room.room_id) == 4403
    # Staff who typed no code in this session never reach the consumer (core/realtime/middleware.py).
    connected, _ = await (await _communicator(staff, room.room_id)).connect()
    assert connected is False
    assert await _close_code(other_learner, "no-such-room") == 4403


async def test_a_learner_whose_booking_is_not_confirmed_is_refused(other_mentor, other_learner):
    @database_sync_to_async
    def pending():
        from core.bookings.tests.factories import book_and_pay
        from core.mentoring.tests.factories import session_make
        from core.users.services import mentor_approve

        mentor_approve(mentor=other_mentor)
        session = session_make(mentor=other_mentor)
        book_and_pay(session, other_learner)
        MentoringSession.objects.filter(pk=session.pk).update(
            starts_at=session.starts_at - timedelta(hours=23, minutes=58), ends_at=session.ends_at - timedelta(hours=23)
        )
        return session

    session = await pending()
    assert await _db(lambda: Booking.objects.get(session=session).status) == BookingStatus.PENDING
    assert await _close_code(other_learner, session.room_id) == 4403


async def test_a_foreign_origin_is_refused_even_with_a_login(room, learner):
    communicator = await _communicator(learner, room.room_id, origin=(b"origin", b"https://evil.example.com"))
    connected, _ = await communicator.connect()
    assert connected is False


async def test_too_early_is_refused(mentor, learner):
    session = await _booked(mentor, learner, starts_in=timedelta(hours=2))
    assert await _close_code(learner, session.room_id) == 4403


# --- Chat, presence, signalling ------------------------------------------------------------------


async def test_chat_goes_both_ways_saved_first_and_survives_a_reconnect(room, mentor, learner):
    mentor_socket, _ = await _open(mentor, room.room_id)
    learner_socket, welcome = await _open(learner, room.room_id)
    assert welcome["you"] == {"id": learner.pk, "role": "learner"}
    assert welcome["peer_present"] is True
    assert await mentor_socket.receive_json_from() == {
        "type": "presence",
        "user_id": learner.pk,
        "role": "learner",
        "state": "joined",
    }

    await learner_socket.send_json_to({"type": "chat", "text": "Hello <b>Meera</b>", "client_id": "c-1"})
    heard = await mentor_socket.receive_json_from()
    ack = await learner_socket.receive_json_from()  # straight from its own socket, first
    echo = await learner_socket.receive_json_from()
    assert ack == {"type": "ack", "client_id": "c-1", "chat": heard["message"]}
    assert heard["type"] == "chat" and heard["message"]["text"] == "Hello <b>Meera</b>"
    assert heard["message"]["sender_id"] == learner.pk and heard["message"]["sender_name"] == "Asha Learner"
    assert echo["message"] == heard["message"] and echo["client_id"] == "c-1"
    assert await _db(lambda: ChatMessage.objects.filter(pk=heard["message"]["id"]).exists())

    await mentor_socket.send_json_to({"type": "chat", "text": "Hi Asha"})
    reply = await learner_socket.receive_json_from()
    assert reply["message"]["text"] == "Hi Asha" and reply["message"]["id"] > heard["message"]["id"]
    await mentor_socket.receive_json_from()  # its own echo

    await learner_socket.disconnect()
    assert (await mentor_socket.receive_json_from())["state"] == "left"
    learner_socket, welcome = await _open(learner, room.room_id)
    assert [line["text"] for line in welcome["state"]["chat"]] == ["Hello <b>Meera</b>", "Hi Asha"]
    await learner_socket.disconnect()
    await mentor_socket.disconnect()


async def test_a_signal_reaches_only_the_other_participant(room, mentor, learner):
    mentor_socket, _ = await _open(mentor, room.room_id)
    learner_tab, _ = await _open(learner, room.room_id)
    learner_other_tab, _ = await _open(learner, room.room_id)
    await mentor_socket.receive_json_from()  # "joined" (once for both tabs)
    offer = {"description": {"type": "offer", "sdp": "v=0..."}}
    await mentor_socket.send_json_to({"type": "signal", "data": offer})
    for tab in (learner_tab, learner_other_tab):
        assert await tab.receive_json_from() == {"type": "signal", "from": mentor.pk, "data": offer}
    # The learner's answer is the mentor's next message: its own offer never came back to it.
    candidate = {"candidate": "candidate:1 1 udp ..."}
    await learner_tab.send_json_to({"type": "signal", "data": candidate})
    assert await mentor_socket.receive_json_from() == {"type": "signal", "from": learner.pk, "data": candidate}
    # ...and the learner's other tab never heard it: the mentor's next signal is all it gets.
    await _signal_arrives_next(mentor_socket, learner_other_tab, mentor)
    await learner_tab.receive_json_from()
    assert not await _db(lambda: ChatMessage.objects.exists())  # signals are never stored
    for socket in (learner_tab, learner_other_tab, mentor_socket):
        await socket.disconnect()


async def test_two_sockets_of_one_person_are_one_participant(room, mentor, learner):
    mentor_socket, welcome = await _open(mentor, room.room_id)
    assert welcome["peer_present"] is False
    first, _ = await _open(learner, room.room_id)
    assert (await mentor_socket.receive_json_from())["state"] == "joined"
    second, _ = await _open(learner, room.room_id)  # a second tab, or a reconnect before the close
    await _signal_arrives_next(second, mentor_socket, learner)  # no ghost "joined" before it
    await first.disconnect()
    await _signal_arrives_next(second, mentor_socket, learner)  # no "left": still there in the other tab
    await second.disconnect()
    assert await mentor_socket.receive_json_from() == {
        "type": "presence",
        "user_id": learner.pk,
        "role": "learner",
        "state": "left",
    }
    rows = await _db(lambda: list(RoomPresence.objects.filter(user=learner).values_list("left_at", flat=True)))
    assert len(rows) == 2 and all(rows)
    await mentor_socket.disconnect()


# --- Whiteboard and topics -----------------------------------------------------------------------


async def test_a_stroke_undo_and_clear_reach_both_and_are_saved(room, mentor, learner):
    mentor_socket, _ = await _open(mentor, room.room_id)
    learner_socket, _ = await _open(learner, room.room_id)
    await mentor_socket.receive_json_from()  # joined
    await learner_socket.send_json_to({"type": "stroke", "stroke": PEN, "client_id": "s-1"})
    heard = await mentor_socket.receive_json_from()
    assert (await learner_socket.receive_json_from())["type"] == "ack"
    echo = await learner_socket.receive_json_from()
    assert heard["type"] == "stroke" and echo["client_id"] == "s-1"
    stroke = heard["stroke"]
    assert stroke == {"id": stroke["id"], "sender_id": learner.pk, **PEN}
    assert await _db(lambda: BoardStroke.objects.filter(pk=stroke["id"]).exists())

    _, late = await _open(mentor, room.room_id)  # a late or rejoining participant sees the board
    assert [s["id"] for s in late["state"]["strokes"]] == [stroke["id"]]

    await learner_socket.send_json_to({"type": "undo"})
    assert await mentor_socket.receive_json_from() == {"type": "undo", "stroke_id": stroke["id"]}
    await learner_socket.receive_json_from()
    await learner_socket.send_json_to({"type": "stroke", "stroke": {**PEN, "tool": "eraser"}})
    await mentor_socket.receive_json_from()
    await learner_socket.receive_json_from()
    await mentor_socket.send_json_to({"type": "clear"})
    assert await learner_socket.receive_json_from() == {"type": "clear", "by": mentor.pk}
    await mentor_socket.receive_json_from()
    await mentor_socket.send_json_to({"type": "catch_up"})
    fresh = await mentor_socket.receive_json_from()
    assert fresh["type"] == "welcome" and fresh["state"]["strokes"] == []

    await learner_socket.send_json_to({"type": "stroke", "stroke": {**PEN, "color": "red"}})
    error = await learner_socket.receive_json_from()
    assert error["type"] == "error" and error["code"] == "invalid"
    await _signal_arrives_next(learner_socket, mentor_socket, learner)  # the refused stroke was not sent on
    await learner_socket.disconnect()
    await mentor_socket.disconnect()


async def test_a_topic_tick_saves_and_appears_on_the_other_side(room, mentor, learner):
    mentor_socket, welcome = await _open(mentor, room.room_id)
    assert [topic["title"] for topic in welcome["state"]["topics"]] == ["Forms", "Validation", "Formsets"]
    learner_socket, _ = await _open(learner, room.room_id)
    await mentor_socket.receive_json_from()
    await mentor_socket.send_json_to({"type": "topic", "index": 1, "done": True})
    heard = await learner_socket.receive_json_from()
    assert heard == {"type": "topic", "id": heard["id"], "index": 1, "done": True, "by": mentor.pk}
    assert await _db(lambda: TopicCheck.objects.get(session=room, index=1).is_done) is True
    await learner_socket.send_json_to({"type": "topic", "index": 9, "done": True})
    assert (await learner_socket.receive_json_from())["code"] == "invalid"
    await learner_socket.disconnect()
    await mentor_socket.disconnect()


# --- Client ids: acknowledged, and a repeat saved once ---------------------------------------------------

CHAT_ID = "8a1f6a52-3c1d-4b8e-9f0a-6d2e7b3c4a10"


async def test_a_repeated_chat_id_is_stored_once_and_acked_twice(room, mentor, learner):
    mentor_socket, _ = await _open(mentor, room.room_id)
    learner_socket, _ = await _open(learner, room.room_id)
    await mentor_socket.receive_json_from()  # joined
    await learner_socket.send_json_to({"type": "chat", "text": "Are you there?", "client_id": CHAT_ID})
    heard = await mentor_socket.receive_json_from()
    ack = await learner_socket.receive_json_from()
    assert ack == {"type": "ack", "client_id": CHAT_ID, "chat": heard["message"]}
    assert (await learner_socket.receive_json_from())["message"] == heard["message"]  # the broadcast

    # The ack was lost (say the socket dropped): the browser sends the line again.
    await learner_socket.send_json_to({"type": "chat", "text": "Are you there?", "client_id": CHAT_ID})
    assert await learner_socket.receive_json_from() == ack
    await _signal_arrives_next(learner_socket, mentor_socket, learner)  # not broadcast again
    assert await _db(lambda: list(ChatMessage.objects.values_list("text", "client_id"))) == [
        ("Are you there?", CHAT_ID)
    ]
    await learner_socket.disconnect()
    await mentor_socket.disconnect()


async def test_strokes_and_ticks_are_acked_and_a_repeat_changes_nothing(room, learner):
    socket, _ = await _open(learner, room.room_id)
    await socket.send_json_to({"type": "stroke", "stroke": PEN, "client_id": "stroke-1"})
    ack, broadcast = await socket.receive_json_from(), await socket.receive_json_from()
    assert broadcast["type"] == "stroke"
    assert ack == {"type": "ack", "client_id": "stroke-1", "stroke": broadcast["stroke"]}
    await socket.send_json_to({"type": "stroke", "stroke": PEN, "client_id": "stroke-1"})
    assert await socket.receive_json_from() == ack
    assert await _db(lambda: BoardStroke.objects.count()) == 1

    await socket.send_json_to({"type": "topic", "index": 0, "done": True, "client_id": "tick-1"})
    tick_ack, tick = await socket.receive_json_from(), await socket.receive_json_from()
    await socket.send_json_to({"type": "topic", "index": 0, "done": False, "client_id": "tick-2"})
    await socket.receive_json_from(), await socket.receive_json_from()
    await socket.send_json_to({"type": "topic", "index": 0, "done": True, "client_id": "tick-1"})  # late repeat
    assert await socket.receive_json_from() == tick_ack
    assert tick_ack["topic"] == {"id": tick["id"], "index": 0, "done": True, "by": learner.pk}
    assert await _db(lambda: TopicCheck.objects.get(session=room, index=0).is_done) is False
    await socket.disconnect()


async def test_a_refused_message_names_its_client_id(room, learner):
    socket, _ = await _open(learner, room.room_id)
    await socket.send_json_to({"type": "chat", "text": "  ", "client_id": "empty-1"})
    error = await socket.receive_json_from()
    assert error["type"] == "error" and error["code"] == "invalid" and error["client_id"] == "empty-1"
    await socket.disconnect()


# --- Catch-up after a reconnect, and after a broadcast that failed -------------------------------------


async def test_a_reconnect_gets_the_lines_after_the_last_id_it_saw(room, mentor, learner):
    learner_socket, _ = await _open(learner, room.room_id)
    await learner_socket.send_json_to({"type": "chat", "text": "seen", "client_id": "c-1"})
    seen = (await learner_socket.receive_json_from())["chat"]["id"]  # the ack
    await learner_socket.receive_json_from()  # the broadcast
    await learner_socket.disconnect()
    mentor_socket, _ = await _open(mentor, room.room_id)
    for text in ("missed 1", "missed 2"):
        await mentor_socket.send_json_to({"type": "chat", "text": text})
        await mentor_socket.receive_json_from()

    communicator = WebsocketCommunicator(
        application, f"/ws/room/{room.room_id}/?after={seen}", headers=[ORIGIN, (b"cookie", await _cookie(learner))]
    )
    assert (await communicator.connect())[0]
    welcome = await communicator.receive_json_from()
    assert [line["text"] for line in welcome["state"]["chat"]] == ["missed 1", "missed 2"]
    assert welcome["state"]["since"] == seen and welcome["state"]["chat_more"] is False
    await communicator.send_json_to({"type": "catch_up", "after": welcome["state"]["chat"][-1]["id"]})
    assert (await communicator.receive_json_from())["state"]["chat"] == []
    await communicator.send_json_to({"type": "catch_up", "after": "nonsense"})
    assert len((await communicator.receive_json_from())["state"]["chat"]) == 3  # the usual welcome
    await communicator.disconnect()
    await mentor_socket.disconnect()


class ChatDroppingLayer(InMemoryChannelLayer):
    """An in-memory channel layer whose chat broadcasts fail, as a Redis outage would."""

    async def group_send(self, group, message):
        if message.get("payload", {}).get("type") == "chat":
            raise ConnectionError("the channel layer is unreachable")
        return await super().group_send(group, message)


@override_settings(CHANNEL_LAYERS={"default": {"BACKEND": f"{__name__}.ChatDroppingLayer"}})
async def test_a_failed_broadcast_is_logged_and_the_peer_catches_up(room, mentor, learner, caplog):
    assert isinstance(get_channel_layer(), ChatDroppingLayer)
    mentor_socket, _ = await _open(mentor, room.room_id)
    learner_socket, _ = await _open(learner, room.room_id)
    await mentor_socket.receive_json_from()  # joined
    await mentor_socket.send_json_to({"type": "ping"})
    seen = (await mentor_socket.receive_json_from())["last"]["chat"]

    with caplog.at_level(logging.WARNING, logger="core.room.broadcast"):
        await learner_socket.send_json_to({"type": "chat", "text": "Can you hear me?", "client_id": "c-9"})
        ack = await learner_socket.receive_json_from()
    # Saved and acknowledged: the sender does not resend, and nothing is lost.
    assert ack["type"] == "ack" and ack["chat"]["text"] == "Can you hear me?"
    [record] = [r for r in caplog.records if r.name == "core.room.broadcast"]
    assert record.levelno == logging.WARNING and "chat" in record.getMessage() and record.exc_info
    await _signal_arrives_next(learner_socket, mentor_socket, learner)  # the broadcast never came

    # The mentor's next ping shows the room is ahead of what it saw; it catches up.
    await mentor_socket.send_json_to({"type": "ping"})
    marks = (await mentor_socket.receive_json_from())["last"]
    assert marks["chat"] == ack["chat"]["id"] > seen
    await mentor_socket.send_json_to({"type": "catch_up", "after": seen})
    caught_up = await mentor_socket.receive_json_from()
    assert caught_up["state"]["chat"] == [ack["chat"]]
    await learner_socket.disconnect()
    await mentor_socket.disconnect()


# --- Limits and refusals -------------------------------------------------------------------------


async def test_chat_length_and_rate_limits_answer_with_errors(room, learner):
    socket, _ = await _open(learner, room.room_id)
    await socket.send_json_to({"type": "chat", "text": "x" * 2001})
    assert (await socket.receive_json_from())["code"] == "too_long"
    await socket.send_json_to({"type": "chat", "text": "   "})
    assert (await socket.receive_json_from())["code"] == "invalid"
    for number in range(10):
        await socket.send_json_to({"type": "chat", "text": f"message {number}"})
        assert (await socket.receive_json_from())["type"] == "chat"
    await socket.send_json_to({"type": "chat", "text": "one too many"})
    limited = await socket.receive_json_from()
    assert limited["type"] == "error" and limited["code"] == "rate_limited" and "Wait" in limited["message"]
    await socket.send_to(text_data="not json")
    assert (await socket.receive_json_from())["code"] == "invalid"
    await socket.send_json_to({"type": "dance"})
    assert (await socket.receive_json_from())["code"] == "invalid"
    await socket.send_json_to({"type": "ping"})
    pong = await socket.receive_json_from()
    assert pong["type"] == "pong" and pong["last"]["chat"] == await _db(lambda: ChatMessage.objects.last().pk)
    assert await _db(lambda: ChatMessage.objects.count()) == 10
    await socket.disconnect()


async def test_every_change_checks_access_again(room, mentor, learner):
    socket, _ = await _open(learner, room.room_id)
    await _db(
        lambda: Booking.objects.filter(session=room).update(status=BookingStatus.CANCELLED, status_reason="Refunded.")
    )
    await socket.send_json_to({"type": "chat", "text": "still here?"})
    refused = await socket.receive_json_from()
    assert refused["type"] == "error" and refused["code"] == "forbidden"
    assert not await _db(lambda: ChatMessage.objects.exists())
    await socket.disconnect()


async def test_recording_consent_is_shared(room, mentor, learner):
    mentor_socket, welcome = await _open(mentor, room.room_id)
    assert welcome["state"]["recording"] == {"consent": {"mentor": False, "learner": False}, "active": False}
    learner_socket, _ = await _open(learner, room.room_id)
    await mentor_socket.receive_json_from()
    await learner_socket.send_json_to({"type": "recording_consent", "consent": True})
    expected = {"type": "recording", "consent": {"mentor": False, "learner": True}, "active": False}
    assert await mentor_socket.receive_json_from() == expected
    assert await learner_socket.receive_json_from() == expected
    await learner_socket.disconnect()
    await mentor_socket.disconnect()


# --- The end ------------------------------------------------------------------------------------------


async def test_the_mentor_cannot_end_before_the_start(room, mentor, learner):
    mentor_socket, _ = await _open(mentor, room.room_id)  # the room opens 10 minutes early
    learner_socket, _ = await _open(learner, room.room_id)
    await mentor_socket.receive_json_from()
    await mentor_socket.send_json_to({"type": "end"})
    refused = await mentor_socket.receive_json_from()
    assert refused["code"] == "forbidden" and "has not started yet" in refused["message"]
    assert await _db(lambda: MentoringSession.objects.get(pk=room.pk).status) == SessionStatus.ACTIVE
    await learner_socket.disconnect()
    await mentor_socket.disconnect()


@pytest.fixture
def started_room(mentor, learner):
    session, _booking = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=5))
    return session


async def test_the_mentor_ends_the_session_is_completed_and_the_earning_held(started_room, mentor, learner):
    room = started_room
    mentor_socket, _ = await _open(mentor, room.room_id)
    learner_socket, _ = await _open(learner, room.room_id)
    await mentor_socket.receive_json_from()
    await learner_socket.send_json_to({"type": "end"})
    assert (await learner_socket.receive_json_from())["code"] == "forbidden"  # the mentor's button
    await mentor_socket.send_json_to({"type": "end"})
    # Five minutes into an hour: ended early; the sockets opened just now, so both were present 0 minutes.
    ended = {"type": "ended", "by": mentor.pk, "status": "completed", "minutes_together": 0, "ended_early": True}
    assert await learner_socket.receive_json_from() == ended
    assert await mentor_socket.receive_json_from() == ended
    assert await _db(lambda: MentoringSession.objects.get(pk=room.pk).status) == SessionStatus.COMPLETED
    # 90 % of the ₹1,000 price, pending for the 48 hours in which the learner may report a problem
    pending = await _db(lambda: ledger.balance(kind=AccountKind.MENTOR_PENDING, user=mentor))
    assert pending == 90000
    assert await _db(lambda: ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=mentor)) == 0
    await learner_socket.send_json_to({"type": "chat", "text": "after the end"})
    assert (await learner_socket.receive_json_from())["code"] == "forbidden"
    await learner_socket.send_json_to({"type": "catch_up"})
    assert (await learner_socket.receive_json_from())["state"]["status"] == "completed"
    await learner_socket.disconnect()
    await mentor_socket.disconnect()
    assert await _close_code(learner, room.room_id) == 4403  # the room is closed now


# --- On Redis, as in production and CI ---------------------------------------------------------------


@pytest.mark.services
async def test_chat_and_signals_over_the_redis_channel_layer(redis_url, room, mentor, learner):
    layers = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": f"test-room-{uuid.uuid4().hex[:8]}"},
        }
    }
    with override_settings(CHANNEL_LAYERS=layers):
        assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
        mentor_socket, _ = await _open(mentor, room.room_id)
        learner_socket, _ = await _open(learner, room.room_id)
        assert (await mentor_socket.receive_json_from(timeout=5))["state"] == "joined"
        await learner_socket.send_json_to({"type": "chat", "text": "Over Redis"})
        assert (await mentor_socket.receive_json_from(timeout=5))["message"]["text"] == "Over Redis"
        await learner_socket.receive_json_from(timeout=5)
        await mentor_socket.send_json_to({"type": "signal", "data": {"sdp": "x"}})
        assert (await learner_socket.receive_json_from(timeout=5))["data"] == {"sdp": "x"}
        await learner_socket.disconnect()
        await mentor_socket.disconnect()
