"""The no-show rule, time running out and the mentor ending: who is paid, who is refunded.

Real services and the offline test-mode gateway; the money is read back from the ledger.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.signals import task_prerun
from django.conf import settings
from django.utils import timezone

from core.bookings.models import Booking, BookingStatus
from core.mentoring.models import MentoringSession, SessionStatus
from core.mentoring.tests.factories import session_booked
from core.payments import ledger
from core.payments.models import AccountKind, JournalEntry, Payment, PaymentStatus
from core.room.access import RoomError
from core.room.attendance import (
    room_end,
    rooms_sweep,
    session_no_show_check,
    session_time_up,
)
from core.room.models import AttendanceOutcome, RoomPresence, SessionAttendance
from core.room.schedule import session_room_schedule
from core.room.tasks import session_no_show_check_task
from core.testmode.models import TestRefund

pytestmark = pytest.mark.django_db

MENTOR_SHARE = 90000  # of a ₹1,000 session


def _joined(session, user, *, minutes_after_start: float) -> None:
    moment = session.starts_at + timedelta(minutes=minutes_after_start)
    RoomPresence.objects.create(session=session, user=user, joined_at=moment, seen_at=moment, left_at=moment)


def _available(mentor) -> int:
    """The mentor's available balance once every hold has run out (earnings wait 48 hours)."""
    from core.bookings.services import earnings_release_due

    earnings_release_due(now=timezone.now() + timedelta(hours=settings.EARNINGS_HOLD_HOURS, minutes=1))
    return ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=mentor)


@pytest.fixture
def started(mentor, learner):
    """A ₹1,000 session that started 11 minutes ago (past the no-show deadline)."""
    return session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=11))


def test_mentor_never_joined_cancels_and_refunds_the_learner_once(
    started, mentor, learner, django_capture_on_commit_callbacks
):
    session, booking = started
    _joined(session, learner, minutes_after_start=-2)
    with django_capture_on_commit_callbacks(execute=True):
        assert session_no_show_check(session=session) == AttendanceOutcome.MENTOR_ABSENT
    with django_capture_on_commit_callbacks(execute=True):
        assert session_no_show_check_task.delay(session.pk).get() == AttendanceOutcome.MENTOR_ABSENT  # again
        rooms_sweep()
    session.refresh_from_db()
    booking.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert booking.status == BookingStatus.CANCELLED
    assert "did not join within 10 minutes" in booking.status_reason
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.REFUNDED and payment.refunded_paise == payment.amount_paise == 110000
    assert TestRefund.objects.count() == 1
    assert JournalEntry.objects.filter(reference=f"refund:{payment.pk}").count() == 1
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=mentor) == 0
    assert _available(mentor) == 0
    assert ledger.entries_balanced()


def test_learner_never_joined_completes_and_the_mentor_keeps_the_earning_once(
    started, mentor, learner, django_capture_on_commit_callbacks
):
    session, booking = started
    _joined(session, mentor, minutes_after_start=0)
    with django_capture_on_commit_callbacks(execute=True):
        assert session_no_show_check(session=session) == AttendanceOutcome.LEARNER_ABSENT
    with django_capture_on_commit_callbacks(execute=True):
        assert session_no_show_check(session=session) == AttendanceOutcome.LEARNER_ABSENT
        rooms_sweep()
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Payment.objects.get(booking=booking).status == PaymentStatus.CAPTURED
    assert _available(mentor) == MENTOR_SHARE
    assert JournalEntry.objects.filter(reference__startswith="release:").count() == 1
    assert not TestRefund.objects.exists()


def test_both_joined_the_session_goes_on(started, mentor, learner):
    session, _ = started
    _joined(session, mentor, minutes_after_start=-5)
    _joined(session, learner, minutes_after_start=9)
    assert session_no_show_check(session=session) == AttendanceOutcome.ATTENDED
    session.refresh_from_db()
    assert session.status == SessionStatus.ACTIVE


def test_joining_after_the_deadline_does_not_count(started, mentor, learner):
    session, _ = started
    _joined(session, mentor, minutes_after_start=10.5)
    _joined(session, learner, minutes_after_start=0)
    assert session_no_show_check(session=session) == AttendanceOutcome.MENTOR_ABSENT


def test_nothing_is_decided_before_the_deadline(mentor, learner):
    session, _ = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=9))
    assert session_no_show_check(session=session) == ""
    assert not SessionAttendance.objects.filter(session=session).exclude(outcome="").exists()


def test_time_up_completes_a_session_both_attended_after_the_grace(mentor, learner, django_capture_on_commit_callbacks):
    session, _ = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=60), minutes=30)
    _joined(session, mentor, minutes_after_start=0)
    _joined(session, learner, minutes_after_start=1)
    during_grace = session.ends_at + timedelta(minutes=5)
    assert session_time_up(session=session, now=during_grace) is False
    with django_capture_on_commit_callbacks(execute=True):
        assert session_time_up(session=session) is True  # 15 minutes after the end
        assert session_time_up(session=session) is False  # once
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED
    assert _available(mentor) == MENTOR_SHARE


def test_the_sweep_catches_missed_checks_and_time_outs(mentor, learner, other_learner, other_mentor):
    over, _ = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=120), minutes=60)
    _joined(over, mentor, minutes_after_start=0)
    _joined(over, learner, minutes_after_start=0)
    nobody, nobody_booking = session_booked(
        mentor=other_mentor, learner=other_learner, starts_in=-timedelta(minutes=30)
    )
    result = rooms_sweep()
    assert result["checked"] == 2 and result["completed"] == 1
    over.refresh_from_db()
    nobody.refresh_from_db()
    nobody_booking.refresh_from_db()
    assert over.status == SessionStatus.COMPLETED
    assert nobody.status == SessionStatus.CANCELLED and nobody_booking.status == BookingStatus.CANCELLED
    assert rooms_sweep()["checked"] == 0  # nothing left to do


def test_the_mentor_ends_and_the_earning_is_released(mentor, learner, django_capture_on_commit_callbacks):
    session, _ = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=3))
    _joined(session, mentor, minutes_after_start=-1)
    with pytest.raises(RoomError, match="has not joined yet"):
        room_end(session=session, by=mentor)
    with pytest.raises(RoomError, match="Only the mentor"):
        room_end(session=session, by=learner)
    _joined(session, learner, minutes_after_start=0)
    with django_capture_on_commit_callbacks(execute=True):
        assert room_end(session=session, by=mentor) is True
        assert room_end(session=session, by=mentor) is False
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED
    assert ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=mentor) == 0  # held for 48 hours first
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=mentor) == MENTOR_SHARE
    assert _available(mentor) == MENTOR_SHARE


def test_the_mentor_cannot_end_a_session_before_its_start(mentor, learner):
    session, _ = session_booked(mentor=mentor, learner=learner, starts_in=timedelta(minutes=7))
    _joined(session, mentor, minutes_after_start=-2)
    _joined(session, learner, minutes_after_start=-1)
    with pytest.raises(RoomError, match="has not started yet"):
        room_end(session=session, by=mentor)
    session.refresh_from_db()
    assert session.status == SessionStatus.ACTIVE and session.completed_at is None
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=mentor) == MENTOR_SHARE


def _in_room(session, user, *, from_minute: float, to_minute: float | None) -> None:
    """A socket of ``user`` open from ``from_minute`` after the start to ``to_minute`` (None: still open)."""
    joined = session.starts_at + timedelta(minutes=from_minute)
    left = None if to_minute is None else session.starts_at + timedelta(minutes=to_minute)
    RoomPresence.objects.create(
        session=session, user=user, joined_at=joined, seen_at=left or timezone.now(), left_at=left
    )


def test_ending_before_half_the_length_is_stored_as_ended_early_with_the_minutes_together(mentor, learner):
    session, _ = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=20))
    assert session.duration_minutes == 60
    _in_room(session, mentor, from_minute=-5, to_minute=None)
    _in_room(session, learner, from_minute=2, to_minute=6)  # dropped out...
    _in_room(session, learner, from_minute=9, to_minute=None)  # ...and came back
    ended = timezone.now()
    assert room_end(session=session, by=mentor, now=ended) is True
    session.refresh_from_db()
    assert session.ended_early is True
    assert session.completed_at == ended
    assert session.minutes_together == 4 + 11  # minutes 2-6 and 9-20, never the scheduled 60


def test_ending_after_half_the_length_is_not_early(mentor, learner):
    session, _ = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=31))
    _in_room(session, mentor, from_minute=0, to_minute=None)
    _in_room(session, learner, from_minute=1, to_minute=None)
    assert room_end(session=session, by=mentor) is True
    session.refresh_from_db()
    assert session.ended_early is False
    assert session.minutes_together == 30


def test_ending_after_the_deadline_without_the_learner_applies_the_no_show_rule(
    started, mentor, django_capture_on_commit_callbacks
):
    session, _ = started
    _joined(session, mentor, minutes_after_start=0)
    with django_capture_on_commit_callbacks(execute=True):
        assert room_end(session=session, by=mentor) is True
    assert SessionAttendance.objects.get(session=session).outcome == AttendanceOutcome.LEARNER_ABSENT
    assert _available(mentor) == MENTOR_SHARE


def test_checks_due_soon_are_queued_with_an_eta_and_later_ones_left_to_the_sweep(mentor, learner):
    soon, _ = session_booked(mentor=mentor, learner=learner, starts_in=timedelta(minutes=30), minutes=60)
    assert session_room_schedule(session=soon) == ["core.mentoring.tasks.session_no_show_check_task"]
    later = MentoringSession.objects.get(pk=soon.pk)
    later.starts_at = timezone.now() + timedelta(days=2)
    later.ends_at = later.starts_at + timedelta(hours=1)
    assert session_room_schedule(session=later) == []


def test_confirming_a_booking_schedules_the_room(mentor, learner, django_capture_on_commit_callbacks):
    """The core hook on booking_confirmed queues the checks; in tests Celery runs them at once,
    and before the deadline they decide nothing."""
    from core.bookings.services import booking_accept
    from core.bookings.tests.factories import book_and_pay
    from core.mentoring.tests.factories import session_make
    from core.users.services import mentor_approve

    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor, hours_from_now=0.5)
    booking = book_and_pay(session, learner)
    ran = []

    def record(sender=None, args=None, **kwargs):
        ran.append((sender.name, tuple(args or ())))

    task_prerun.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            booking_accept(booking=booking, mentor=mentor)
    finally:
        task_prerun.disconnect(record)
    assert ("core.mentoring.tasks.session_no_show_check_task", (session.pk,)) in ran
    session.refresh_from_db()
    assert session.status == SessionStatus.ACTIVE
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_a_socket_whose_server_died_counts_until_its_last_heartbeat(mentor, learner):
    from core.room.selectors import presence_minutes_together

    session, booking = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=40))
    _in_room(session, mentor, from_minute=0, to_minute=None)  # alive: counts until now
    stale = RoomPresence.objects.create(
        session=session,
        user=learner,
        joined_at=session.starts_at + timedelta(minutes=5),
        seen_at=session.starts_at + timedelta(minutes=17),  # never heard from again
    )
    assert stale.left_at is None
    now = session.starts_at + timedelta(minutes=40)
    assert presence_minutes_together(session=session, learner_id=booking.learner_id, until=now) == 12
    # Two sockets of the same person (two tabs) are counted once.
    _in_room(session, learner, from_minute=10, to_minute=15)
    assert presence_minutes_together(session=session, learner_id=booking.learner_id, until=now) == 12
