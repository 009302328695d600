"""What a plugin may call in core: the one facade of core's services and selectors.

A plugin imports ``core.hooks`` (markers, signals, hook specifications, contribution types)
and this module, and nothing else of core (the import-linter contract "Plugins use core only
through core.hooks and core.plugin_api" in ``setup.cfg`` holds that line). Every function here
is a plain function with keyword arguments that hands back the same read-only shapes core's
own pages use (``SessionCard``, ``SessionAttendance``, ``BookingRow``): no model, no queryset.
Users come to a plugin through its hooks (``request.user``, ``booking.learner``...) and are
passed back here as they came.

Functions:

- ``sessions_bookable``: public sessions still open for booking, optionally on a topic.
- ``sessions_public_upcoming``: public sessions that are live or coming up, booked or not.
- ``sessions_attended``: a person's completed sessions, as learner or mentor, with their
  topics and the time each participant was really in the room.
- ``bookings_of_learner``: a learner's own bookings, newest first.
- ``learner_interests``: the topics a learner said they want to learn.

``docs/plugins.md`` is the guide; ``core/tests/test_plugin_api.py`` checks that it names each
function here.
"""

from __future__ import annotations

from core.bookings.selectors import BookingRow, booking_list_for_learner
from core.mentoring.selectors import (
    SessionAttendance,
    SessionCard,
    session_attendance_for_user,
    session_list_public_upcoming,
    session_search_public,
)
from core.users.selectors import role_profile_get

__all__ = [
    "BookingRow",
    "SessionAttendance",
    "SessionCard",
    "bookings_of_learner",
    "learner_interests",
    "sessions_attended",
    "sessions_bookable",
    "sessions_public_upcoming",
]

MAX_LIMIT = 200


def _bounded(limit: int) -> int:
    return max(0, min(int(limit), MAX_LIMIT))


def sessions_bookable(*, topic: str = "", text: str = "", limit: int = 20) -> list[SessionCard]:
    """Public sessions a learner can book right now, best match first (soonest first without
    ``text``): of approved, active mentors, not started, with no confirmed learner.

    ``topic`` keeps those whose topics or mentor's domains include it (any case); ``text`` is
    the typo-tolerant search of the learner's Browse page. At most ``limit`` (up to 200).
    """
    if _bounded(limit) == 0:
        return []
    found = session_search_public(topic=topic, text=text, per_page=_bounded(limit))
    return list(found.page.object_list)


def sessions_public_upcoming(*, limit: int = 10) -> list[SessionCard]:
    """Sessions of approved mentors that are live now or coming up, soonest first, booked or
    not (what the landing page shows). At most ``limit`` (up to 200)."""
    return session_list_public_upcoming(limit=_bounded(limit)) if _bounded(limit) else []


def sessions_attended(*, user, limit: int | None = None) -> list[SessionAttendance]:
    """Completed sessions ``user`` attended, newest first: as their mentor, or as the learner
    of the confirmed booking, and only when ``user`` came into the room.

    Each carries the session's ``topics`` and ``topics_covered`` (ticked in the room), the
    ``scheduled_minutes``, and the presence: ``present_minutes`` (the person's own time in
    the room) and ``together_minutes`` (both participants at once; a session "counts" for
    badges when this is at least half of ``scheduled_minutes``).
    """
    return session_attendance_for_user(user=user, limit=limit)


def bookings_of_learner(*, learner, limit: int | None = None) -> list[BookingRow]:
    """``learner``'s own bookings in any state, newest first (``session_id``, ``status``,
    ``starts_at``, ``amount_paise``...). Never anyone else's."""
    return booking_list_for_learner(learner=learner, limit=limit)


def learner_interests(*, user) -> list[str]:
    """The topics ``user`` said they want to learn (their learner profile), as they wrote
    them; [] for someone who is not a learner."""
    interests = getattr(role_profile_get(user=user), "interests", None)  # a mentor's profile has none
    return [str(topic) for topic in interests or []]
