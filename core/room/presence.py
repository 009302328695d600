"""Who is in the room: one row per open socket, closed on disconnect, kept fresh by a heartbeat.

A second socket of the same person (a reconnect, another tab) is the same participant: they
"join" when their first socket opens and "leave" when their last one closes. A socket whose
server died never says goodbye; its heartbeat goes stale and it stops counting, and the next
join of that person closes it for the record.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import hooks
from core.mentoring.models import MentoringSession
from core.room.models import RoomPresence, SessionAttendance
from core.room.selectors import PRESENCE_STALE_SECONDS, live_presences
from core.users.models import User


def presence_join(
    *, session: MentoringSession, user: User, channel_name: str = "", now: datetime | None = None
) -> tuple[RoomPresence, bool]:
    """Record a socket opening. Returns the row and whether this person just arrived (they had
    no other live socket in the room), i.e. whether the other participant should hear "joined".

    The first join of anyone in the session sends ``session_started`` (once).
    """
    now = now or timezone.now()
    with transaction.atomic():
        stale_before = now - timedelta(seconds=PRESENCE_STALE_SECONDS)
        RoomPresence.objects.filter(session=session, user=user, left_at__isnull=True, seen_at__lt=stale_before).update(
            left_at=F("seen_at")
        )
        was_here = live_presences(now=now).filter(session=session, user=user).exists()
        presence = RoomPresence.objects.create(
            session=session, user=user, channel_name=channel_name[:200], joined_at=now, seen_at=now
        )
        attendance, _ = SessionAttendance.objects.get_or_create(session=session)
        if SessionAttendance.objects.filter(pk=attendance.pk, started_at__isnull=True).update(started_at=now):
            transaction.on_commit(lambda: hooks.session_started.send_robust(sender=MentoringSession, session=session))
    return presence, not was_here


def presence_touch(*, presence_id: int, now: datetime | None = None) -> bool:
    """The heartbeat of an open socket. False if the row was closed meanwhile."""
    now = now or timezone.now()
    return bool(RoomPresence.objects.filter(pk=presence_id, left_at__isnull=True).update(seen_at=now))


def presence_leave(*, presence_id: int, now: datetime | None = None) -> bool:
    """Record a socket closing. Returns whether that was the person's last live socket in the
    room (the other participant should hear "left"). Closing twice changes nothing."""
    now = now or timezone.now()
    closed = RoomPresence.objects.filter(pk=presence_id, left_at__isnull=True).update(left_at=now, seen_at=now)
    presence = RoomPresence.objects.filter(pk=presence_id).only("session_id", "user_id").first()
    if not closed or presence is None:
        return False
    return not live_presences(now=now).filter(session_id=presence.session_id, user_id=presence.user_id).exists()
