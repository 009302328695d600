"""The live room's socket, ``/ws/room/<room_id>/``: signalling, chat, whiteboard, topics, presence.

This docstring is the contract between the server and the browser (static/js/room/, its socket in channel.js).

Access
------
Wrapped, like every route, in ``AllowedHostsOriginValidator(AuthMiddlewareStack(...))``: a
foreign origin is refused at the handshake. An app opens it with its access token instead of a
cookie (the subprotocols ``["bearer", <token>]``: ``core/api/sockets.py``); it learns the path from
``GET /api/v1/bookings/{id}/room/``. Everything below holds for both. ``connect()`` then asks
``core.room.access.room_access_get``: only the session's mentor and the learner of
its confirmed booking, from ``ROOM_OPENS_BEFORE_MINUTES`` before the start until
``ROOM_GRACE_MINUTES`` after the end, while the session is active; whoever has not joined
``ROOM_NO_SHOW_MINUTES`` after the start cannot join any more (the no-show rule decided). A
refused socket is accepted and closed at once with code **4401** (not logged in) or **4403**
(anyone else, or outside the window), so the browser's ``onclose`` sees the code and does not
retry. Every message that changes shared state checks access again (still a participant, the
session still active, still inside the window); a refusal is an ``error`` with code
``forbidden``.

Server → client
---------------
- ``{"type": "welcome", "you": {"id", "role"}, "peer_present": bool, "state": {"chat": [Chat],
  "since": int|null, "chat_more": bool, "strokes": [Stroke] (since the last clear, not undone,
  oldest first), "topics": [{"index", "title", "done"}], "recording": {"consent": {"mentor":
  bool, "learner": bool}, "active": bool}, "status": "active"|"completed"|"cancelled", "last":
  Marks}}`` — right after the socket opens, and as the answer to ``catch_up``. ``chat`` is the
  last 200 lines, oldest first; or, when the socket was opened with ``?after=<id>`` or asked
  ``catch_up`` with ``after`` (``since`` repeats it), the lines after that id, oldest first, at
  most 500 (``chat_more``: ask again from the last one). The client replaces its board, topics
  and recording state, and replaces its chat (``since`` null) or adds to it (``since`` set).
- ``Marks`` are ``{"chat": <last chat id>, "stroke": <last stroke id on the board>, "board":
  <strokes on the board>, "topic": <last tick id>}`` (0 for none).
- ``{"type": "ack", "client_id", "chat": Chat | "stroke": Stroke | "topic": Tick}`` — sent
  straight to the socket that sent a ``chat``, ``stroke`` or ``topic`` with a ``client_id``, once
  it is saved; a repeat of that ``client_id`` (by the same person in the same room) saves nothing
  and gets the same ack again. Acks do not go through the channel layer, so a failed broadcast
  cannot cost one.
- ``{"type": "presence", "user_id", "role", "state": "joined"|"left"}`` — sent to the *other*
  participant only. A second socket of the same person (a reconnect, another tab) is the same
  participant: "joined" when their first socket opens, "left" when their last one closes. A
  socket that dies without closing (its server crashed) stops counting after 60 s without its
  heartbeat (the server refreshes it every 20 s while the socket is open).
- ``{"type": "signal", "from": <user_id>, "data": <anything>}`` — relayed as it is from the other
  participant (SDP and ICE candidates; never stored). ``data`` is at most 64 KB of JSON.
- ``{"type": "chat", "message": {"id", "sender_id", "sender_name", "text", "created_at"},
  "client_id"?}`` — saved before broadcast to every socket in the room, the sender's own
  included (that is the acknowledgement: ``client_id`` comes back if the client sent one). Ids
  increase. ``created_at`` is ISO 8601 UTC ("...Z"). Text is plain: render with textContent.
- ``{"type": "stroke", "stroke": {"id", "sender_id", "tool": "pen"|"eraser", "color": "#rrggbb",
  "width": 1..40, "points": [[x, y], ...]}, "client_id"?}`` — saved, then sent to every socket
  (the sender's too, with its ``client_id``). x, y are fractions 0..1 of a 4:3 board (rounded to
  4 decimals); ``width`` is in pixels of a board 1000 px wide; at most 2000 points a stroke.
- ``{"type": "undo", "stroke_id"}`` — that stroke is gone. ``{"type": "clear", "by"}`` — empty.
- ``{"type": "topic", "id", "index", "done": bool, "by"}`` (a Tick; ``id`` increases).
- ``{"type": "recording", "consent": {"mentor": bool, "learner": bool}, "active": bool}`` — on
  every consent switch, and when a recording starts or finishes (HTTP endpoints below).
- ``{"type": "ended", "by": <user_id>|null, "status": "completed"|"cancelled"}`` (a completed one
  also carries ``minutes_together`` and ``ended_early``) — the mentor
  ended (``by`` is the mentor), time ran out at the end of the grace period or the learner was
  a no-show (``by`` null, completed), or the mentor was a no-show (``by`` null, cancelled: the
  learner is refunded).
- ``{"type": "error", "code": "rate_limited"|"too_long"|"invalid"|"forbidden", "message",
  "client_id"?}`` — ``message`` is written for the person; ``client_id`` names the message that
  was refused (stop resending it). The socket stays open.
- ``{"type": "pong", "last": Marks}``: a socket whose own copy is behind has missed a broadcast
  (the channel layer delivers at most once) and sends ``catch_up`` with ``after``.

Client → server
---------------
- ``{"type": "signal", "data": {...}}`` — relayed to the other participant's sockets only.
- ``{"type": "chat", "text": "...", "client_id": str}`` — 1..2000 characters after trimming
  (``invalid`` when empty, ``too_long`` beyond); at most 10 messages in 10 s per person
  (``rate_limited``).
- ``{"type": "stroke", "stroke": {"tool", "color", "width", "points"}, "client_id": str}`` —
  ``invalid`` for a bad tool/colour/width/point, or when the board holds 200,000 points (clear
  it); at most 100 strokes in 10 s per person (long strokes may be sent in pieces).
- ``{"type": "undo"}`` — takes back the sender's own last stroke still on the board.
- ``{"type": "clear"}`` — either participant.
- ``{"type": "topic", "index": <int>, "done": bool, "client_id": str}``.
- ``{"type": "recording_consent", "consent": bool}`` — switching it off stops a recording in
  progress (what was uploaded stays, both can download it).
- ``{"type": "end"}`` — the mentor only; refused while the learner has not joined and the
  no-show deadline has not passed.
- ``{"type": "catch_up", "after"?: <last chat id seen>}`` → a fresh ``welcome``.
- ``{"type": "ping"}`` → ``pong``.
``client_id`` is 1..64 letters, digits, ``-`` or ``_`` (the browser uses ``crypto.randomUUID()``),
unique per room and sender. The browser keeps what it sent in an outbox until the ack (or an
error naming it) arrives, and sends the outbox again after every (re)connect: a line typed
while the socket is down is saved exactly once. Without a ``client_id`` (an older page) nothing
is acknowledged or deduplicated.

HTTP (``core/room/views.py``)
---------------------------------------
POSTs need the CSRF token (header ``X-CSRFToken``). Errors answer JSON ``{"error": "..."}``.
- ``POST /session/<room_id>/recordings/`` → 201 ``{"id", "upload_url", "finish_url"}``: the
  mentor only, while both consent (403 otherwise).
- ``POST <upload_url>?offset=<bytes already stored>``, raw body → 200 ``{"size"}``; a wrong
  offset → 409 ``{"size", "error"}`` (resume from ``size``); beyond ``RECORDING_MAX_BYTES`` or a
  chunk over ``RECORDING_CHUNK_MAX_BYTES`` (5 MB) → 413 ``{"size", "error"}``; consent withdrawn
  → 403; the recording is finished already → 410 (stop sending; start a new one).
- ``POST <finish_url>`` → 200 ``{"download_url"}`` (finishing twice is fine).
- ``GET /session/<room_id>/recordings/<id>/`` → the file as an attachment (streamed
  asynchronously, ``nosniff``, ``no-store``), for both participants and staff who passed their
  second factor (404 for others). Recordings are stored outside MEDIA_ROOT, never at a public URL.
- ``GET /session/<room_id>/board.png`` → the board as a 1600×1200 PNG (participants; 404 others).
- ``GET|POST /session/<room_id>/feedback/`` → the learner's form after a completed session.
"""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.utils import timezone

from core.mentoring.models import MentoringSession
from core.realtime.consumers import JsonObjectConsumer, user_group
from core.room import access as room_access
from core.room import attendance, board, chat, presence, recording, topics
from core.room.access import RoomError, room_access_get
from core.room.broadcast import room_group, room_user_group
from core.room.chat import client_id_clean
from core.room.selectors import (
    HEARTBEAT_SECONDS,
    chat_payload,
    presence_is_live,
    room_marks_get,
    room_state_get,
    stroke_payload,
    tick_payload,
)
from core.room.tasks import session_no_show_check_task

logger = logging.getLogger(__name__)

MESSAGE_MAX_CHARS = 256 * 1024  # the largest stroke is ~40 KB of JSON
SIGNAL_MAX_CHARS = 64 * 1024
ID_MAX = 2**63 - 1


def _chat_id(value) -> int | None:
    """A last-seen chat id from the browser (``None`` for anything that is not one)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= ID_MAX:
        return None
    return value


class RoomConsumer(JsonObjectConsumer):
    """One socket of one participant in one session's room (see the module docstring)."""

    presence_id: int | None = None
    heartbeat: asyncio.Task | None = None
    joined_groups: tuple[str, ...] = ()

    async def connect(self) -> None:
        user = self.scope.get("user")
        self.room_id = self.scope["url_route"]["kwargs"]["room_id"]
        if user is None or not user.is_authenticated:
            await self._refuse(4401)
            return
        access = await _access(user, self.room_id)
        if access.state == room_access.MISSED:
            await _no_show_check(access.session.pk)
        if not access.is_open:
            await self._refuse(4403)
            return
        self.user = user
        self.role = access.role
        self.session_id = access.session.pk
        self.peer_id = access.peer.pk
        self.learner_id = user.pk if self.role == room_access.LEARNER else self.peer_id
        # The person's own group too: staff blocking them closes this socket (account_closed).
        self.joined_groups = (room_group(self.room_id), room_user_group(self.room_id, user.pk), user_group(user.pk))
        for group in self.joined_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        self.presence_id, arrived = await _join(self.session_id, user, self.channel_name)
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        await self.send_json(await self._welcome(_chat_id((query.get("after") or [None])[0])))
        if arrived:
            await self._to_peer({"type": "presence", "user_id": user.pk, "role": self.role, "state": "joined"})
        self.heartbeat = asyncio.create_task(self._beat())

    async def _refuse(self, code: int) -> None:
        # Accept, then close: a browser only sees the close code of a socket that opened.
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code) -> None:
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        if self.presence_id is not None:
            left = await _leave(self.presence_id)
            self.presence_id = None
            if left:
                await self._to_peer({"type": "presence", "user_id": self.user.pk, "role": self.role, "state": "left"})
        for group in self.joined_groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                await _touch(self.presence_id)
            except Exception:
                logger.exception("Room heartbeat failed for presence %s", self.presence_id)

    async def _to_peer(self, payload: dict) -> None:
        await self.channel_layer.group_send(
            room_user_group(self.room_id, self.peer_id), {"type": "room.event", "payload": payload}
        )

    async def _welcome(self, chat_after: int | None = None) -> dict:
        return await _welcome(self.session_id, self.user.pk, self.role, self.peer_id, self.learner_id, chat_after)

    async def room_event(self, event) -> None:
        """A broadcast of the room (or to this participant): passed on as it is."""
        await self.send_json(event["payload"])

    async def notify(self, event) -> None:
        """The person's notifications reach their notification socket, not the room's."""

    async def account_closed(self, event) -> None:
        """Staff blocked this person (``core.realtime.services.sockets_close``): leave the room."""
        await self.close(code=4403)

    # --- Messages from the browser -----------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        if text_data is None or len(text_data) > MESSAGE_MAX_CHARS:
            await self._error("invalid", "That message is too large or not text.")
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)

    async def receive_json(self, content, **kwargs) -> None:
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong", "last": await _marks(self.session_id)})
        elif kind == "catch_up":
            await self.send_json(await self._welcome(_chat_id(content.get("after"))))
        elif kind == "signal":
            await self._signal(content.get("data"))
        elif kind in ACTIONS:
            await self._act(ACTIONS[kind], content)
        else:
            await self._error("invalid", "The room does not know that message.")

    async def _signal(self, data) -> None:
        if len(json.dumps(data)) > SIGNAL_MAX_CHARS:
            await self._error("invalid", "That signal is too large.")
            return
        await self._to_peer({"type": "signal", "from": self.user.pk, "data": data})

    async def _act(self, action, content: dict) -> None:
        try:
            ack = await _guarded(self.user, self.room_id, self.learner_id, action, content)
        except RoomError as error:
            await self._error(error.code, error.message, client_id_clean(content.get("client_id")))
            return
        if ack is not None:
            await self.send_json(ack)

    async def _error(self, code: str, message: str, client_id: str = "") -> None:
        error = {"type": "error", "code": code, "message": message}
        if client_id:
            error["client_id"] = client_id
        await self.send_json(error)


# --- State-changing actions: each runs after a fresh access check, in one thread hop ----------
# An action returns the ``ack`` for its sender (chat, stroke and topic, when a client id came
# with them), or None.


def _ack(content: dict, kind: str, item: dict) -> dict | None:
    client_id = client_id_clean(content.get("client_id"))
    return {"type": "ack", "client_id": client_id, kind: item} if client_id else None


def _chat(access, content, learner_id):
    message = chat.chat_send(
        session=access.session, sender=access.user, text=content.get("text"), client_id=content.get("client_id")
    )
    return _ack(content, "chat", chat_payload(message))


def _stroke(access, content, learner_id):
    stroke = board.stroke_add(
        session=access.session, sender=access.user, stroke=content.get("stroke"), client_id=content.get("client_id")
    )
    return _ack(content, "stroke", stroke_payload(stroke))


def _undo(access, content, learner_id):
    board.stroke_undo(session=access.session, sender=access.user)


def _clear(access, content, learner_id):
    board.board_clear(session=access.session, by=access.user)


def _topic(access, content, learner_id):
    tick = topics.topic_set(
        session=access.session,
        index=content.get("index"),
        is_done=content.get("done"),
        by=access.user,
        client_id=content.get("client_id"),
    )
    return _ack(content, "topic", tick_payload(tick))


def _consent(access, content, learner_id):
    recording.recording_consent_set(
        session=access.session, user=access.user, is_given=content.get("consent"), learner_id=learner_id
    )


def _end(access, content, learner_id):
    attendance.room_end(session=access.session, by=access.user)


ACTIONS = {
    "chat": _chat,
    "stroke": _stroke,
    "undo": _undo,
    "clear": _clear,
    "topic": _topic,
    "recording_consent": _consent,
    "end": _end,
}


@database_sync_to_async
def _guarded(user, room_id: str, learner_id: int, action, content: dict) -> dict | None:
    access = room_access_get(user=user, room_id=room_id)
    if not access.is_open:
        raise RoomError("forbidden", access.message or "The room is closed.")
    return action(access, content, learner_id)


@database_sync_to_async
def _access(user, room_id: str):
    return room_access_get(user=user, room_id=room_id)


@database_sync_to_async
def _no_show_check(session_id: int) -> None:
    """Someone arrived after the no-show deadline without having joined: decide now."""
    session_no_show_check_task.delay(session_id)


@database_sync_to_async
def _join(session_id: int, user, channel_name: str) -> tuple[int, bool]:
    session = MentoringSession.objects.get(pk=session_id)
    row, arrived = presence.presence_join(session=session, user=user, channel_name=channel_name)
    return row.pk, arrived


@database_sync_to_async
def _leave(presence_id: int) -> bool:
    return presence.presence_leave(presence_id=presence_id)


@database_sync_to_async
def _touch(presence_id: int) -> None:
    presence.presence_touch(presence_id=presence_id, now=timezone.now())


@database_sync_to_async
def _marks(session_id: int) -> dict:
    return room_marks_get(session=MentoringSession(pk=session_id))


@database_sync_to_async
def _welcome(session_id: int, user_id: int, role: str, peer_id: int, learner_id: int, chat_after: int | None) -> dict:
    session = MentoringSession.objects.get(pk=session_id)
    return {
        "type": "welcome",
        "you": {"id": user_id, "role": role},
        "peer_present": presence_is_live(session=session, user_id=peer_id),
        "state": room_state_get(session=session, learner_id=learner_id, chat_after=chat_after),
    }
