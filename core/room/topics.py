"""The session's topics checklist: a tick saves, then appears on the other side."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.mentoring.models import MentoringSession
from core.room.access import RoomError
from core.room.broadcast import room_broadcast
from core.room.chat import client_id_clean, saved_once
from core.room.models import TopicCheck, TopicTick
from core.room.selectors import tick_payload
from core.users.models import User


def topic_set(
    *, session: MentoringSession, index, is_done, by: User, client_id: str = "", now: datetime | None = None
) -> TopicTick:
    """Tick (or untick) topic ``index`` of the session; raises ``RoomError("invalid")`` for an
    index the session does not have or a ``done`` that is not true/false.

    Every tick is saved as a ``TopicTick`` (an increasing id), and ``TopicCheck`` is set to it.
    A ``client_id`` this person already used in this room returns that tick and changes
    nothing: a resent tick must not undo an untick made after it.
    """
    now = now or timezone.now()
    client_id = client_id_clean(client_id)
    lookup = {"session": session, "by": by, "client_id": client_id}
    if client_id and (saved := TopicTick.objects.filter(**lookup).first()):
        return saved
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(session.topics):
        raise RoomError("invalid", "There is no such topic in this session.")
    if not isinstance(is_done, bool):
        raise RoomError("invalid", "A topic is done or not done.")

    def tick() -> TopicTick:
        saved = TopicTick.objects.create(**lookup, index=index, is_done=is_done, created_at=now)
        _check_set(session=session, index=index, values={"is_done": is_done, "checked_by": by, "updated_at": now})
        return saved

    saved, is_new = saved_once(TopicTick, lookup=lookup, create=tick)
    if is_new:
        room_broadcast(room_id=session.room_id, payload={"type": "topic", **tick_payload(saved)})
    return saved


def _check_set(*, session: MentoringSession, index: int, values: dict) -> None:
    try:
        with transaction.atomic():
            TopicCheck.objects.update_or_create(session=session, index=index, defaults=values)
    except IntegrityError:  # the other participant ticked it at the same moment
        TopicCheck.objects.filter(session=session, index=index).update(**values)
