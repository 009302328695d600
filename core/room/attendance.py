"""What the clock and the mentor decide: the no-show rule, time running out, the mentor ending.

- Ten minutes after the start (``ROOM_NO_SHOW_MINUTES``) the no-show rule decides once, from
  the presence rows, and the decision is stored (``SessionAttendance.outcome``): the mentor
  never joined → the session is cancelled and the learner refunded in full; the learner never
  joined but the mentor did → the session is completed and the mentor keeps the earning; both
  joined → nothing yet. The refund or completion that follows is idempotent and retried by the
  sweep until done, so running the check twice refunds once and completes once.
- Time running out: a session still active at the end of the grace period
  (``ROOM_GRACE_MINUTES`` after ``ends_at``) in which both joined is completed.
- The mentor ends: never before the start; completed at once, provided the learner joined (or
  the no-show deadline passed without them, when the no-show rule completes it). Before half
  the scheduled length it is stored as "ended early".

Completion goes through ``session_complete`` here (the minutes both were present) and
``core.mentoring.services.session_complete``, which stores the end
and the minutes both were present; the mentor's share becomes available 48 hours later
(``core.bookings.services.earnings_release_due``). Every socket in the room hears ``ended``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.bookings.models import Booking, BookingStatus
from core.bookings.services import booking_cancel_no_show
from core.mentoring import services as mentoring_services
from core.mentoring.models import MentoringSession, SessionStatus
from core.room.access import RoomError, has_joined, no_show_deadline, room_closes_at
from core.room.broadcast import room_broadcast
from core.room.models import AttendanceOutcome, SessionAttendance
from core.room.recording import recordings_finish_stale
from core.room.selectors import presence_minutes_together
from core.users.models import User

logger = logging.getLogger(__name__)


def session_complete(*, session: MentoringSession, ended_early: bool = False, now: datetime | None = None) -> bool:
    """Complete a session that took place, with the minutes its mentor and its confirmed learner
    were in the room together (from the presence rows); the session's state is written by
    ``core.mentoring.services.session_complete``. False when it was not active (idempotent)."""
    now = now or timezone.now()
    confirmed = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED)
    learner_id = confirmed.values_list("learner_id", flat=True).first()
    minutes = presence_minutes_together(session=session, learner_id=learner_id, until=now) if learner_id else 0
    return mentoring_services.session_complete(
        session=session, ended_early=ended_early, minutes_together=minutes, now=now
    )


def _ended(session: MentoringSession, *, by: int | None, status: str) -> None:
    payload = {"type": "ended", "by": by, "status": status}
    if status == SessionStatus.COMPLETED:  # the end screen states them (never the scheduled length)
        payload.update(minutes_together=session.minutes_together or 0, ended_early=session.ended_early)
    room_broadcast(room_id=session.room_id, payload=payload)


def _confirmed_booking(session: MentoringSession) -> Booking | None:
    return Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).first()


def _carry_out(session: MentoringSession, outcome: str) -> None:
    """The action a no-show decision calls for; safe to repeat until it is done."""
    if outcome == AttendanceOutcome.MENTOR_ABSENT:
        for booking in Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED):
            booking_cancel_no_show(booking=booking)
    elif outcome == AttendanceOutcome.LEARNER_ABSENT and session_complete(session=session):
        _ended(session, by=None, status=SessionStatus.COMPLETED)


def session_no_show_check(*, session: MentoringSession, now: datetime | None = None) -> str:
    """Apply the no-show rule once the deadline has passed; returns the outcome ("" when there
    is nothing to decide: too early, no confirmed booking, or the session is over already)."""
    now = now or timezone.now()
    session.refresh_from_db()
    decided = SessionAttendance.objects.filter(session=session).values_list("outcome", flat=True).first()
    if decided:
        _carry_out(session, decided)  # finish what an interrupted run started
        return decided
    deadline = no_show_deadline(session)
    booking = _confirmed_booking(session)
    if now < deadline or session.status != SessionStatus.ACTIVE or booking is None:
        return ""
    mentor_came = has_joined(session=session, user_id=session.mentor_id, by=deadline)
    learner_came = has_joined(session=session, user_id=booking.learner_id, by=deadline)
    if not mentor_came:
        outcome = AttendanceOutcome.MENTOR_ABSENT
    elif not learner_came:
        outcome = AttendanceOutcome.LEARNER_ABSENT
    else:
        outcome = AttendanceOutcome.ATTENDED
    with transaction.atomic():
        attendance, _ = SessionAttendance.objects.get_or_create(session=session)
        won = SessionAttendance.objects.filter(pk=attendance.pk, outcome="").update(outcome=outcome, checked_at=now)
        # A mentor no-show cancels the session first, so they can no longer come in; the refund follows.
        if (
            won
            and outcome == AttendanceOutcome.MENTOR_ABSENT
            and mentoring_services.session_cancel_for_no_show(session=session, now=now)
        ):
            _ended(session, by=None, status=SessionStatus.CANCELLED)
    if not won:
        outcome = SessionAttendance.objects.get(session=session).outcome
    logger.info("No-show check of session %s: %s", session.pk, outcome)
    _carry_out(session, outcome)
    return outcome


def session_time_up(*, session: MentoringSession, now: datetime | None = None) -> bool:
    """Complete a session still active once its grace period is over, if both joined. Runs
    the no-show check first (in case its own task was missed). True if this call completed it."""
    now = now or timezone.now()
    outcome = session_no_show_check(session=session, now=now)
    session.refresh_from_db()
    if session.status != SessionStatus.ACTIVE or now < room_closes_at(session):
        return False
    if outcome != AttendanceOutcome.ATTENDED:
        return False
    if session_complete(session=session):
        _ended(session, by=None, status=SessionStatus.COMPLETED)
        return True
    return False


def room_end(*, session: MentoringSession, by: User, now: datetime | None = None) -> bool:
    """The mentor ends the session for both: it is completed (the earnings stay pending for
    ``EARNINGS_HOLD_HOURS``).

    Refused before the start (nothing has taken place yet), and while the learner has not
    joined and the no-show deadline has not passed (ending then would pay for a session that
    did not happen); after the deadline the no-show rule decides instead. Ending before half
    the scheduled length marks the session "ended early": the learner is then asked whether
    it went as booked. True if this call completed the session.
    """
    now = now or timezone.now()
    if by.pk != session.mentor_id:
        raise RoomError("forbidden", "Only the mentor can end the session.")
    booking = _confirmed_booking(session)
    if booking is None:
        raise RoomError("forbidden", "This session has no confirmed learner.")
    if now < session.starts_at:
        raise RoomError(
            "forbidden",
            "The session has not started yet, so it cannot end. You can end it once it has started.",
        )
    if not has_joined(session=session, user_id=booking.learner_id):
        if now < no_show_deadline(session):
            raise RoomError(
                "forbidden",
                "Your learner has not joined yet, so the session cannot end. If they have not joined "
                f"{settings.ROOM_NO_SHOW_MINUTES} minutes after the start, it counts as held and you keep your "
                "earning.",
            )
        return session_no_show_check(session=session, now=now) == AttendanceOutcome.LEARNER_ABSENT
    if session_complete(session=session, ended_early=session_ends_early(session=session, at=now), now=now):
        _ended(session, by=by.pk, status=SessionStatus.COMPLETED)
        return True
    return False


def session_ends_early(*, session: MentoringSession, at: datetime) -> bool:
    """Whether ending at ``at`` is before half the scheduled length (docs/decisions/0001-early-end-and-disputes.md)."""
    return at < session.starts_at + (session.ends_at - session.starts_at) / 2


def rooms_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic safety net: no-show checks and time-outs whose task was missed, refunds a
    failed gateway call left unfinished, and uploads that went silent. Idempotent."""
    now = now or timezone.now()
    checked = completed = refunded = 0
    due = MentoringSession.objects.filter(
        status=SessionStatus.ACTIVE,
        starts_at__lte=now - timedelta(minutes=settings.ROOM_NO_SHOW_MINUTES),
        bookings__status=BookingStatus.CONFIRMED,
    ).distinct()
    for session in due:
        checked += 1
        completed += session_time_up(session=session, now=now)
    unfinished = MentoringSession.objects.filter(
        status=SessionStatus.CANCELLED,
        attendance__outcome=AttendanceOutcome.MENTOR_ABSENT,
        bookings__status=BookingStatus.CONFIRMED,
    ).distinct()
    for session in unfinished:
        _carry_out(session, AttendanceOutcome.MENTOR_ABSENT)
        refunded += 1
    stale = recordings_finish_stale(now=now)
    return {"checked": checked, "completed": completed, "refunds_retried": refunded, "recordings_finished": stale}
