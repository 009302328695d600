"""Queue a room's clock: the no-show check and the time-out of a booked session, as Celery tasks.

Kept apart from ``attendance`` (which the tasks call) so that services and tasks import one way:
schedule -> tasks -> attendance.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from core.mentoring.models import MentoringSession
from core.room.access import no_show_deadline, room_closes_at
from core.room.tasks import session_no_show_check_task, session_time_up_task

# Celery's Redis transport hands an unacknowledged task to another worker after an hour (its
# visibility timeout), so a task due days ahead would run many times. Only work due within
# this horizon gets a task with an ETA; the sweep, every minute, catches everything else.
ETA_HORIZON = timedelta(minutes=55)


def session_room_schedule(*, session: MentoringSession, now: datetime | None = None) -> list[str]:
    """Queue the no-show check and the time-out of a session with a confirmed booking, for
    work due within ``ETA_HORIZON`` (the sweep covers the rest). Returns what was queued."""
    now = now or timezone.now()
    queued = []
    for task, due in (
        (session_no_show_check_task, no_show_deadline(session)),
        (session_time_up_task, room_closes_at(session)),
    ):
        if due - now <= ETA_HORIZON:
            task.apply_async(args=[session.pk], eta=max(due, now))
            queued.append(task.name)
    return queued
