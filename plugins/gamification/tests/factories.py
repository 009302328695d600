"""Sessions that really took place, for the plugin's tests: booked, paid, accepted, attended."""

from __future__ import annotations

from datetime import timedelta

from core.mentoring.services import session_complete
from core.mentoring.tests.factories import session_booked
from core.room.presence import presence_join, presence_leave


def in_room(session, user, minutes: int) -> None:
    presence, _ = presence_join(session=session, user=user, now=session.starts_at)
    presence_leave(presence_id=presence.pk, now=session.starts_at + timedelta(minutes=minutes))


def attended(mentor, learner, *, days_ago: float, topics=("Python",), learner_minutes: int = 60, complete=True):
    """A 60-minute session of ``mentor`` that ``learner`` booked, paid and attended for
    ``learner_minutes`` (the mentor all of it), completed (``days_ago`` days ago it started)."""
    session, booking = session_booked(
        mentor=mentor, learner=learner, starts_in=-timedelta(days=days_ago, minutes=61), topics=list(topics)
    )
    in_room(session, mentor, 60)
    in_room(session, learner, learner_minutes)
    if complete:
        session_complete(session=session)
    return session, booking
