"""Chat in the room: plain text, 1..2000 characters, at most 10 messages in 10 seconds a person."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.utils import timezone

from core.mentoring.models import CHAT_MAX_LENGTH, ChatMessage, MentoringSession
from core.mentoring.room.access import RoomError
from core.mentoring.room.broadcast import room_broadcast
from core.mentoring.room.selectors import chat_payload, presence_is_live
from core.users.models import User

RATE_COUNT = 10
RATE_SECONDS = 10
CLIENT_ID_MAX = 64
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # control characters except tab and newline


def client_id_clean(value) -> str:
    """An optional tag the sender's browser attaches and gets back with the saved item."""
    return value if isinstance(value, str) and len(value) <= CLIENT_ID_MAX else ""


def chat_send(
    *, session: MentoringSession, sender: User, text, client_id: str = "", now: datetime | None = None
) -> ChatMessage:
    """Save a chat message, then broadcast it to the room (with ``client_id`` if given).

    Raises ``RoomError``: ``invalid`` (empty or not text), ``too_long``, ``rate_limited``. The
    rate is counted from the saved messages, so it holds across processes and reconnects.
    """
    now = now or timezone.now()
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
    message = ChatMessage.objects.create(session=session, sender=sender, text=text, created_at=now)
    payload = {"type": "chat", "message": chat_payload(message)}
    if client_id := client_id_clean(client_id):
        payload["client_id"] = client_id
    room_broadcast(room_id=session.room_id, payload=payload)
    _tell_the_absent_peer(message)
    return message


def _tell_the_absent_peer(message: ChatMessage) -> None:
    """A message written while the other participant is not in the room reaches them as a
    notification (in the app; their choices apply)."""
    from core.bookings.models import Booking, BookingStatus
    from core.realtime.services import chat_message_notify

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
