"""The learner's cancel service, branch by branch, through the real booking flow and the
test-mode gateway (the learner's dashboard pages come with their own tests here)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.bookings.models import Booking, BookingStatus
from core.bookings.services import (
    BookingError,
    booking_accept,
    booking_cancel_by_learner,
    booking_checkout_start,
    booking_reject,
)
from core.bookings.tests.factories import book_and_pay
from core.mentoring.models import MentoringSession
from core.mentoring.tests.factories import approved_mentor, session_make
from core.payments import ledger
from core.payments.models import AccountKind, JournalEntry, Payment, PaymentStatus
from core.testmode.models import TestRefund

pytestmark = pytest.mark.django_db


@pytest.fixture
def guru():
    return approved_mentor()


def _confirmed(session, learner):
    booking = book_and_pay(session, learner)
    return booking_accept(booking=booking, mentor=session.mentor)


def _shift(session, *, starts_in: timedelta, minutes: int = 60) -> MentoringSession:
    """Move a booked session in time (services only create future sessions; the clock moves here)."""
    starts_at = timezone.now() + starts_in
    MentoringSession.objects.filter(pk=session.pk).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes)
    )
    session.refresh_from_db()
    return session


# --- The cancel service: every branch ----------------------------------------------------


def test_the_service_refunds_a_confirmed_booking_once_however_often_it_is_called(learner, guru):
    booking = _confirmed(session_make(mentor=guru, hours_from_now=48), learner)
    assert booking_cancel_by_learner(booking=booking, learner=learner) is True
    assert booking_cancel_by_learner(booking=booking, learner=learner) is False
    payment = Payment.objects.get(booking=booking)
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, 110_000)
    assert TestRefund.objects.filter(payment_id=payment.razorpay_payment_id).count() == 1
    assert JournalEntry.objects.filter(payment=payment, reference__startswith="refund").count() == 1
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 0
    booking.refresh_from_db()
    assert (booking.status, booking.status_reason) == (BookingStatus.CANCELLED, "Cancelled by the learner.")


def test_the_service_refuses_a_confirmed_booking_within_24_hours(learner, guru):
    session = session_make(mentor=guru, hours_from_now=30)
    booking = _confirmed(session, learner)
    _shift(session, starts_in=timedelta(hours=23, minutes=59))
    with pytest.raises(BookingError, match="can't be cancelled any more"):
        booking_cancel_by_learner(booking=booking, learner=learner)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Payment.objects.get(booking=booking).status == PaymentStatus.CAPTURED


def test_exactly_24_hours_before_is_still_allowed(learner, guru):
    session = session_make(mentor=guru, hours_from_now=30)
    booking = _confirmed(session, learner)
    _shift(session, starts_in=timedelta(hours=24, seconds=5))
    assert booking_cancel_by_learner(booking=booking, learner=learner) is True


def test_the_service_is_idempotent_and_refuses_what_the_policy_refuses(learner, other_learner, guru):
    pending = book_and_pay(session_make(mentor=guru, title="A"), learner)
    assert booking_cancel_by_learner(booking=pending, learner=learner) is True
    assert booking_cancel_by_learner(booking=pending, learner=learner) is False
    held, _payment, _order = booking_checkout_start(session=session_make(mentor=guru, title="B", hours_from_now=50),
                                                    learner=learner)  # fmt: skip
    assert booking_cancel_by_learner(booking=held, learner=learner) is True
    held.refresh_from_db()
    assert held.status == BookingStatus.CANCELLED
    rejected = book_and_pay(session_make(mentor=guru, title="C", hours_from_now=70), learner)
    booking_reject(booking=rejected, mentor=guru)
    with pytest.raises(BookingError, match="nothing to cancel"):
        booking_cancel_by_learner(booking=rejected, learner=learner)
    theirs = book_and_pay(session_make(mentor=guru, title="D", hours_from_now=90), other_learner)
    with pytest.raises(PermissionError):
        booking_cancel_by_learner(booking=theirs, learner=learner)
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.PENDING


def test_a_stale_booking_object_is_read_again_before_cancelling(learner, guru):
    """The learner's page said "waiting"; the mentor accepted meanwhile: cancel the confirmed booking."""
    booking = book_and_pay(session_make(mentor=guru, hours_from_now=48), learner)
    stale = Booking.objects.get(pk=booking.pk)
    booking_accept(booking=booking, mentor=guru)
    assert booking_cancel_by_learner(booking=stale, learner=learner) is True
    assert Payment.objects.get(booking=booking).status == PaymentStatus.REFUNDED
