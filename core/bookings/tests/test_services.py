"""Booking and paying through the offline test-mode gateway (the same interface as Razorpay)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import hooks
from core.bookings.models import Booking, BookingStatus
from core.bookings.services import (
    SLOT_TAKEN,
    BookingError,
    booking_accept,
    booking_checkout_start,
    booking_payment_authorize,
    booking_reject,
    bookings_reject_unanswered,
)
from core.bookings.tests.factories import book_and_pay, pay
from core.mentoring.tests.factories import approved_mentor, session_make
from core.payments import ledger
from core.payments.models import AccountKind, Payment, PaymentStatus
from core.payments.tests import races
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def guru():
    return approved_mentor()


@pytest.fixture
def session(guru):
    return session_make(mentor=guru, price_paise=100_000)


def test_checkout_holds_the_slot_and_orders_price_plus_fee(session, learner, other_learner):
    booking, payment, order = booking_checkout_start(session=session, learner=learner)
    assert booking.status == BookingStatus.HELD
    assert Booking.objects.get(pk=booking.pk).mentor == session.mentor  # kept on the booking for the mentor's lists
    assert booking.hold_expires_at > timezone.now() + timedelta(minutes=9)
    assert (order.amount_paise, order.receipt) == (110_000, booking.reference)
    assert (payment.amount_paise, payment.mentor_share_paise, payment.app_share_paise) == (110_000, 90_000, 20_000)
    with pytest.raises(BookingError, match="Someone is booking this slot right now"):
        booking_checkout_start(session=session, learner=other_learner)


def test_a_booking_saved_without_its_mentor_takes_the_sessions(session, learner):
    booking = Booking(session=session, learner=learner, status=BookingStatus.PENDING)
    booking.save()
    assert Booking.objects.filter(mentor=session.mentor).get() == booking


def test_a_lapsed_hold_frees_the_slot(session, learner, other_learner):
    booking, _, _ = booking_checkout_start(session=session, learner=learner)
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    other, _, _ = booking_checkout_start(session=session, learner=other_learner)
    assert other.status == BookingStatus.HELD
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_a_verified_payment_makes_a_pending_request(session, learner, django_capture_on_commit_callbacks):
    requested = []
    hooks.booking_requested.connect(
        lambda sender, booking, **kw: requested.append(booking.pk), weak=False, dispatch_uid="test-requested"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            booking = book_and_pay(session, learner)
    finally:
        hooks.booking_requested.disconnect(dispatch_uid="test-requested")
    assert booking.status == BookingStatus.PENDING
    assert Payment.objects.get(booking=booking).status == PaymentStatus.AUTHORIZED
    assert requested == [booking.pk]


def test_a_bad_signature_changes_nothing(session, learner):
    booking, _, _ = booking_checkout_start(session=session, learner=learner)
    payment_id, _signature = pay(booking)
    with pytest.raises(BookingError, match="could not verify"):
        booking_payment_authorize(booking=booking, payment_id=payment_id, signature="0" * 64)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD
    assert Payment.objects.get(booking=booking).status == PaymentStatus.CREATED


def test_a_double_submit_gives_the_same_result_once(session, learner):
    booking, _, _ = booking_checkout_start(session=session, learner=learner)
    payment_id, signature = pay(booking)
    first = booking_payment_authorize(booking=booking, payment_id=payment_id, signature=signature)
    second = booking_payment_authorize(booking=booking, payment_id=payment_id, signature=signature)
    assert first.status == second.status == BookingStatus.PENDING


def test_accept_captures_posts_the_split_and_releases_the_others(guru, session, learner, other_learner):
    first = book_and_pay(session, learner)
    second = book_and_pay(session, other_learner)
    accepted = booking_accept(booking=first, mentor=guru)
    assert accepted.status == BookingStatus.CONFIRMED
    assert Payment.objects.get(booking=first).status == PaymentStatus.CAPTURED
    second.refresh_from_db()
    assert (second.status, second.status_reason) == (BookingStatus.REJECTED, SLOT_TAKEN)
    assert Payment.objects.get(booking=second).status == PaymentStatus.VOIDED
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 90_000
    assert ledger.balance(kind=AccountKind.PLATFORM_REVENUE) == 20_000
    assert ledger.balance(kind=AccountKind.GATEWAY_CLEARING) == 110_000
    # Accepting again (a double click) changes nothing and posts nothing.
    booking_accept(booking=first, mentor=guru)
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 90_000
    assert ledger.entries_balanced()


def test_reject_releases_the_payment_without_charging(guru, session, learner):
    booking = book_and_pay(session, learner)
    assert booking_reject(booking=booking, mentor=guru) is True
    assert booking_reject(booking=booking, mentor=guru) is False
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REJECTED
    assert Payment.objects.get(booking=booking).status == PaymentStatus.VOIDED
    assert ledger.balance(kind=AccountKind.GATEWAY_CLEARING) == 0


def test_accepting_a_request_that_is_gone_says_so(guru, session, learner):
    """A stale page or a second tab: the request was rejected (payment voided) meanwhile."""
    booking = book_and_pay(session, learner)
    booking_reject(booking=booking, mentor=guru)
    with pytest.raises(BookingError, match="This booking is rejected; it cannot be accepted"):
        booking_accept(booking=booking, mentor=guru)
    held, _, _ = booking_checkout_start(session=session, learner=learner)  # not paid yet
    with pytest.raises(BookingError, match="in checkout; it cannot be accepted"):
        booking_accept(booking=held, mentor=guru)


def test_a_request_cannot_be_accepted_once_the_session_is_over(
    guru, session, learner, django_capture_on_commit_callbacks
):
    """Completion released the earnings already: a capture now would charge the learner for a
    session they never had, and leave the mentor's share pending for ever."""
    from core.room.attendance import session_complete

    booking = book_and_pay(session, learner)
    with django_capture_on_commit_callbacks(execute=True):
        session_complete(session=session)
    with pytest.raises(BookingError, match="over or cancelled"):
        booking_accept(booking=booking, mentor=guru)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING  # the sweep releases it at the start time
    assert Payment.objects.get(booking=booking).status == PaymentStatus.AUTHORIZED
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 0


def test_only_the_sessions_mentor_answers(session, learner, other_mentor):
    booking = book_and_pay(session, learner)
    with pytest.raises(PermissionError):
        booking_accept(booking=booking, mentor=other_mentor)
    with pytest.raises(PermissionError):
        booking_reject(booking=booking, mentor=other_mentor)


def test_unanswered_requests_are_rejected_at_the_start(session, learner):
    book_and_pay(session, learner)
    assert bookings_reject_unanswered(session=session) == 1
    assert bookings_reject_unanswered(session=session) == 0


def test_who_may_book(guru, session, mentor):
    with pytest.raises(BookingError, match="Only learners"):
        booking_checkout_start(session=session, learner=mentor)
    unapproved = user_make(email="new@example.com", role="mentor")
    hidden = session_make(mentor=unapproved, title="Not public yet")
    with pytest.raises(BookingError, match="not open for booking"):
        booking_checkout_start(session=hidden, learner=user_make(email="l2@example.com"))


def _exactly_one_confirmed(result: dict) -> None:
    assert result["outcomes"] == {"confirmed": 1, "refused": 49}  # no crash, no second confirmation
    assert result["confirmed"] == result["captured"] == result["captured_at_gateway"] == 1
    assert (result["still_pending"], result["voided"]) == (0, 49)  # the others are released
    assert result["mentor_pending_paise"] == result["mentor_share_paise"] == 90_000
    assert result["entries_balanced"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_fifty_simultaneous_accepts_confirm_exactly_one_on_postgresql(postgres_database):
    _exactly_one_confirmed(races.accepts(requests=50))


@pytest.mark.django_db(transaction=True)  # the test database is copied, so nothing may hold it open
def test_fifty_simultaneous_accepts_confirm_exactly_one_on_sqlite(tmp_path, django_db_blocker):
    """The same race on a SQLite file in WAL mode with IMMEDIATE transactions, as the
    embedded default runs, in a child process (see ``races``); runs under PostgreSQL too."""
    path = races.sqlite_file(tmp_path=tmp_path, django_db_blocker=django_db_blocker)
    result = races.run_on_sqlite_file("accepts", path=path, requests=50)
    assert result["vendor"] == {
        "vendor": "sqlite",
        "name": str(path),
        "journal_mode": "wal",
        "transaction_mode": "IMMEDIATE",
    }
    _exactly_one_confirmed(result)


def test_cancelling_a_session_refunds_the_confirmed_learner_in_full(
    guru, session, learner, other_learner, django_capture_on_commit_callbacks
):
    from core.mentoring.services import session_cancel

    confirmed = book_and_pay(session, learner)
    booking_accept(booking=confirmed, mentor=guru)
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session, by=guru)
    confirmed.refresh_from_db()
    payment = Payment.objects.get(booking=confirmed)
    assert confirmed.status == BookingStatus.CANCELLED
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, 110_000)
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 0
    assert ledger.balance(kind=AccountKind.PLATFORM_REVENUE) == 0
    assert ledger.balance(kind=AccountKind.GATEWAY_CLEARING) == 0
    assert ledger.entries_balanced()
    # Running the cancellation again refunds nothing more.
    from core.bookings.services import bookings_cancel_for_session

    assert bookings_cancel_for_session(session=session) == 0
    assert _testmode_refund_count(payment) == 1


def _testmode_refund_count(payment) -> int:
    from core.testmode.models import TestRefund

    return TestRefund.objects.filter(payment_id=payment.razorpay_payment_id).count()


def test_completion_holds_the_mentors_share_for_48_hours_then_releases_it_once(
    guru, session, learner, django_capture_on_commit_callbacks, settings
):
    from core.bookings.services import earnings_hold_ends_at, earnings_release_due
    from core.bookings.tasks import earnings_release_due_task
    from core.room.attendance import session_complete

    booking = book_and_pay(session, learner)
    booking_accept(booking=booking, mentor=guru)
    ended = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert session_complete(session=session, now=ended) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert session_complete(session=session) is False
    session.refresh_from_db()
    assert earnings_hold_ends_at(session=session) == ended + timedelta(hours=settings.EARNINGS_HOLD_HOURS)
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 90_000  # completion pays nothing yet
    assert earnings_release_due(now=ended + timedelta(hours=47, minutes=59)) == 0
    assert ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=guru) == 0
    assert earnings_release_due(now=ended + timedelta(hours=48)) == 1
    assert earnings_release_due(now=ended + timedelta(hours=49)) == 0  # idempotent
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 0
    assert ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=guru) == 90_000
    assert earnings_release_due_task.delay().get() == 0
    assert ledger.entries_balanced()


def test_the_hold_length_is_a_setting(guru, session, learner, settings):
    from core.bookings.services import earnings_release_due
    from core.room.attendance import session_complete

    settings.EARNINGS_HOLD_HOURS = 2
    booking_accept(booking=book_and_pay(session, learner), mentor=guru)
    ended = timezone.now()
    session_complete(session=session, now=ended)
    assert earnings_release_due(now=ended + timedelta(hours=1)) == 0
    assert earnings_release_due(now=ended + timedelta(hours=2)) == 1


def test_the_release_task_is_on_the_beat_schedule(settings):
    from core.bookings.tasks import earnings_release_due_task

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert earnings_release_due_task.name in tasks


def test_the_sweep_expires_holds_and_rejects_unanswered_requests_at_the_start(session, learner, other_learner):
    from core.bookings.services import bookings_sweep

    pending = book_and_pay(session, learner)
    held, _, _ = booking_checkout_start(session=session, learner=other_learner)
    assert bookings_sweep() == {"holds_expired": 0, "unanswered_rejected": 0}
    later = session.starts_at + timedelta(minutes=1)
    assert bookings_sweep(now=later) == {"holds_expired": 1, "unanswered_rejected": 1}
    assert bookings_sweep(now=later) == {"holds_expired": 0, "unanswered_rejected": 0}
    pending.refresh_from_db()
    held.refresh_from_db()
    assert (pending.status, held.status) == (BookingStatus.REJECTED, BookingStatus.CANCELLED)


def test_three_failed_tries_release_the_hold_for_others(session, learner, other_learner):
    from core.bookings.services import MAX_PAYMENT_TRIES, booking_payment_failed

    booking, _, _ = booking_checkout_start(session=session, learner=learner)
    for _ in range(MAX_PAYMENT_TRIES - 1):
        assert booking_payment_failed(booking=booking).status == BookingStatus.HELD
    booking = booking_payment_failed(booking=booking)
    assert (booking.status, booking.failed_attempts) == (BookingStatus.CANCELLED, MAX_PAYMENT_TRIES)
    assert Payment.objects.get(booking=booking).status == PaymentStatus.VOIDED
    other, _, _ = booking_checkout_start(session=session, learner=other_learner)
    assert other.status == BookingStatus.HELD
