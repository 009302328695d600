"""Many bookings at once, for query-count tests (bulk rows; the real flow is tested elsewhere)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from core.bookings.models import Booking, BookingStatus
from core.mentoring.models import MentoringSession, SessionStatus
from core.money import split
from core.payments.models import Payment, PaymentStatus
from core.users.models import Role, User


def bookings_bulk(
    *,
    mentor: User,
    count: int,
    learner: User | None = None,
    status: str = BookingStatus.CONFIRMED,
    days_from_now: float = 1,
    session_status: str = SessionStatus.ACTIVE,
):
    """``count`` sessions of ``mentor``, each booked (and paid) by a learner of its own, or by ``learner``.

    The sessions start ``days_from_now`` days from now (negative: in the past), two hours apart,
    with ``session_status`` (``completed`` for sessions that took place)."""
    now = timezone.now()
    first = now + timedelta(days=days_from_now)
    sessions = MentoringSession.objects.bulk_create(
        MentoringSession(
            mentor=mentor,
            title=f"Bulk session {index}",
            topics=["Python"],
            price_paise=100_000,
            starts_at=first + timedelta(hours=2 * index),
            ends_at=first + timedelta(hours=2 * index + 1),
            status=session_status,
        )
        for index in range(count)
    )
    if learner is None:
        batch = uuid.uuid4().hex[:8]
        learners = User.objects.bulk_create(
            User(email=f"bulk-{batch}-{index}@example.com", name=f"Bulk Learner {index}", role=Role.LEARNER)
            for index in range(count)
        )
    else:
        learners = [learner] * count
    bookings = Booking.objects.bulk_create(
        Booking(session=session, mentor=mentor, learner=person, status=status, decided_at=now)
        for session, person in zip(sessions, learners, strict=True)
    )
    amounts = split(100_000)
    captured = status == BookingStatus.CONFIRMED
    Payment.objects.bulk_create(
        Payment(
            booking=booking,
            learner=booking.learner,
            mentor=mentor,
            price_paise=amounts.price_paise,
            fee_paise=amounts.fee_paise,
            amount_paise=amounts.amount_paise,
            mentor_share_paise=amounts.mentor_share_paise,
            app_share_paise=amounts.app_share_paise,
            status=PaymentStatus.CAPTURED if captured else PaymentStatus.AUTHORIZED,
            gateway="testmode",
            razorpay_order_id=f"order_bulk{booking.pk}",
            razorpay_payment_id=f"pay_bulk{booking.pk}",
            authorized_at=now,
            captured_at=now if captured else None,
        )
        for booking in bookings
    )
    return bookings
