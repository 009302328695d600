"""Chat in the room: plain text, 1..2000 characters, at most 10 messages in 10 seconds a person."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.bookings.models import Booking, BookingStatus
from core.mentoring.models import MentoringSession
from core.realtime.services import chat_message_notify
from core.room.access import RoomError
from core.room.broadcast import room_broadcast
from core.room.models import CHAT_MAX_LENGTH, CLIENT_ID_MAX_LENGTH, ChatMessage
from core.room.selectors import chat_payload, presence_is_live
from core.users.models import User

RATE_COUNT = 10
RATE_SECONDS = 10
CLIENT_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{CLIENT_ID_MAX_LENGTH}}}")  # a UUID, or any short token
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # control characters except tab and newline


def client_id_clean(value) -> str:
    """The id the sender's browser gave a chat line, stroke or tick ("" when it gave none or one
    that is not a short token). Unique per room and author: the browser resends until the
    server acknowledges the id, and a repeat finds the row already saved."""
    return value if isinstance(value, str) and CLIENT_ID.fullmatch(value) else ""


def saved_once(model, *, lookup: dict, create):
    """``(create(), True)``, or, when two sockets of one person send the same client id at the
    same moment and meet at the unique constraint, ``(the first one's row, False)``. Callers look
    ``lookup`` (room, author, client id) up first, so a plain resend never gets here."""
    if not lookup["client_id"]:
        return create(), True
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        return model.objects.get(**lookup), False


def chat_send(
    *, session: MentoringSession, sender: User, text, client_id: str = "", now: datetime | None = None
) -> ChatMessage:
    """Save a chat message, then broadcast it to the room (with ``client_id`` if given).

    Raises ``RoomError``: ``invalid`` (empty or not text), ``too_long``, ``rate_limited``. The
    rate is counted from the saved messages, so it holds across processes and reconnects. A
    ``client_id`` this sender already used in this room returns that message: nothing is saved
    or broadcast again (a resend after a lost acknowledgement).
    """
    now = now or timezone.now()
    client_id = client_id_clean(client_id)
    lookup = {"session": session, "sender": sender, "client_id": client_id}
    if client_id and (saved := ChatMessage.objects.filter(**lookup).first()):
        return saved
    if not isinstance(text, str):
        raise RoomError("invalid", "A message is text.")
    text = _CONTROL.sub("", text.replace("\r\n", "\n")).strip()
    if not text:
        raise RoomError("invalid", "Type a message first.")
    if len(text) > CHAT_MAX_LENGTH:
        raise RoomError(
            "too_long", f"A message can be at most {CHAT_MAX_LENGTH:,} characters; this one has {len(text):,}."
        )
    recent = ChatMessage.objects.filter(sender=sender, created_at__gt=now - timedelta(seconds=RATE_SECONDS)).count()
    if recent >= RATE_COUNT:
        raise RoomError("rate_limited", "You are sending messages very fast. Wait a few seconds, then send again.")
    message, is_new = saved_once(
        ChatMessage, lookup=lookup, create=lambda: ChatMessage.objects.create(**lookup, text=text, created_at=now)
    )
    if not is_new:
        return message
    payload = {"type": "chat", "message": chat_payload(message)}
    if client_id:
        payload["client_id"] = client_id
    room_broadcast(room_id=session.room_id, payload=payload)
    _tell_the_absent_peer(message)
    return message


def _tell_the_absent_peer(message: ChatMessage) -> None:
    """A message written while the other participant is not in the room reaches them as a
    notification (in the app; their choices apply)."""
    session = message.session
    if message.sender_id == session.mentor_id:
        peer = (
            Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED)
            .select_related("learner")
            .values_list("learner", flat=True)
            .first()
        )
    else:
        peer = session.mentor_id
    if peer is None or presence_is_live(session=session, user_id=peer):
        return
    chat_message_notify(message=message, recipient=User.objects.get(pk=peer))


ERASED_MESSAGE = "(message erased at the writer's request)"


def chat_erase_for(*, user: User) -> int:
    """What ``user`` wrote in rooms' chats is erased (DPDP); the lines stay, so the other
    participant's conversation keeps its shape. Returns how many messages."""
    return ChatMessage.objects.filter(sender=user).exclude(text=ERASED_MESSAGE).update(text=ERASED_MESSAGE)
