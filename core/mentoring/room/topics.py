"""The session's topics checklist: a tick saves, then appears on the other side."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.mentoring.models import MentoringSession, TopicCheck
from core.mentoring.room.access import RoomError
from core.mentoring.room.broadcast import room_broadcast
from core.users.models import User


def topic_set(*, session: MentoringSession, index, is_done, by: User, now: datetime | None = None) -> TopicCheck:
    """Tick (or untick) topic ``index`` of the session; raises ``RoomError("invalid")`` for an
    index the session does not have or a ``done`` that is not true/false."""
    now = now or timezone.now()
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(session.topics):
        raise RoomError("invalid", "There is no such topic in this session.")
    if not isinstance(is_done, bool):
        raise RoomError("invalid", "A topic is done or not done.")
    values = {"is_done": is_done, "checked_by": by, "updated_at": now}
    try:
        with transaction.atomic():
            check, _ = TopicCheck.objects.update_or_create(session=session, index=index, defaults=values)
    except IntegrityError:  # the other participant ticked it at the same moment
        TopicCheck.objects.filter(session=session, index=index).update(**values)
        check = TopicCheck.objects.get(session=session, index=index)
    room_broadcast(room_id=session.room_id, payload={"type": "topic", "index": index, "done": is_done, "by": by.pk})
    return check
