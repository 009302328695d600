"""Disputes: reporting a problem in the hold window, the early-end question, and staff settling
(release, partial refund, full refund) through the ledger and the test-mode gateway."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import hooks
from core.bookings.disputes import (
    DisputeError,
    booking_early_end_answer,
    dispute_open,
    dispute_refusal,
    dispute_settle,
    early_end_question_open,
)
from core.bookings.models import Dispute, DisputeSource, DisputeStatus
from core.bookings.services import earnings_release_due
from core.mentoring.tests.factories import session_booked
from core.money import refund_split
from core.payments import ledger
from core.payments.models import AccountKind, JournalEntry, Payment, PaymentStatus
from core.realtime.models import Notification
from core.room.attendance import session_complete
from core.testmode.models import TestRefund

pytestmark = pytest.mark.django_db

PAID = 110_000  # a ₹1,000 session: the learner paid ₹1,100
MENTOR_SHARE = 90_000


@pytest.fixture
def completed(mentor, learner):
    """A ₹1,000 session that ended a minute ago, and its confirmed booking."""
    session, booking = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=61))
    session_complete(session=session, now=timezone.now() - timedelta(minutes=1))
    session.refresh_from_db()
    booking.refresh_from_db()
    return session, booking


def _balances(mentor) -> tuple[int, int, int, int]:
    return (
        ledger.balance(kind=AccountKind.MENTOR_PENDING, user=mentor),
        ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=mentor),
        ledger.balance(kind=AccountKind.PLATFORM_REVENUE),
        ledger.balance(kind=AccountKind.GATEWAY_CLEARING),
    )


def _open(booking, learner) -> Dispute:
    return dispute_open(booking=booking, learner=learner, reason="The mentor left after 5 minutes.",
                        source=DisputeSource.BOOKING_PAGE)[0]  # fmt: skip


# --- Reporting ------------------------------------------------------------------------------


def test_a_report_holds_the_share_past_48_hours_and_both_people_hear_of_it(
    completed, mentor, learner, django_capture_on_commit_callbacks
):
    _session, booking = completed
    with django_capture_on_commit_callbacks(execute=True):
        dispute, created = dispute_open(booking=booking, learner=learner, reason="  Camera never on.  ",
                                        source=DisputeSource.FEEDBACK)  # fmt: skip
    assert created and dispute.status == DisputeStatus.OPEN and dispute.reason == "Camera never on."
    assert earnings_release_due(now=timezone.now() + timedelta(hours=72)) == 0
    assert _balances(mentor)[:2] == (MENTOR_SHARE, 0)
    assert Notification.objects.filter(user=mentor, title__startswith="Problem reported").exists()
    assert Notification.objects.filter(user=learner, title__startswith="We received your report").exists()


def test_a_double_submit_opens_one_dispute(completed, learner):
    _, booking = completed
    first, created = dispute_open(booking=booking, learner=learner, reason="x", source=DisputeSource.BOOKING_PAGE)
    again, created_again = dispute_open(booking=booking, learner=learner, reason="x", source=DisputeSource.FEEDBACK)
    assert (created, created_again) == (True, False) and again.pk == first.pk
    assert Dispute.objects.count() == 1


def test_the_database_allows_one_open_dispute_per_booking(completed, learner):
    _, booking = completed
    _open(booking, learner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Dispute.objects.create(booking=booking, opened_by=learner, source=DisputeSource.FEEDBACK, reason="again")


def test_the_window_closes_48_hours_after_the_end(completed, learner, settings):
    session, booking = completed
    closes = session.completed_at + timedelta(hours=settings.EARNINGS_HOLD_HOURS)
    assert dispute_refusal(booking=booking, user=learner, now=closes - timedelta(minutes=1)) == ""
    assert "over" in dispute_refusal(booking=booking, user=learner, now=closes)
    with pytest.raises(DisputeError, match="over"):
        dispute_open(booking=booking, learner=learner, reason="late", source=DisputeSource.BOOKING_PAGE, now=closes)


def test_a_released_share_cannot_be_disputed_any_more(completed, mentor, learner):
    session, booking = completed
    assert earnings_release_due(now=session.completed_at + timedelta(hours=48)) == 1
    assert "over" in dispute_refusal(booking=booking, user=learner)


def test_only_the_learner_of_a_completed_session_may_report(mentor, learner, other_learner, completed):
    _, booking = completed
    assert "Only the learner" in dispute_refusal(booking=booking, user=other_learner)
    assert "Only the learner" in dispute_refusal(booking=booking, user=mentor)
    _upcoming, upcoming_booking = session_booked(mentor=mentor, learner=other_learner, starts_in=timedelta(hours=3))
    assert "once the session has ended" in dispute_refusal(booking=upcoming_booking, user=other_learner)
    with pytest.raises(DisputeError):
        dispute_open(booking=booking, learner=learner, reason="   ", source=DisputeSource.BOOKING_PAGE)


# --- The early-end question -----------------------------------------------------------------


@pytest.fixture
def ended_early(mentor, learner):
    session, booking = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=10))
    session_complete(session=session, ended_early=True)
    session.refresh_from_db()
    booking.refresh_from_db()
    return session, booking


def test_yes_records_the_answer_and_the_share_is_released_as_usual(ended_early, mentor, learner):
    session, booking = ended_early
    assert early_end_question_open(booking=booking, user=learner)
    assert booking_early_end_answer(booking=booking, learner=learner, went_as_booked=True) is None
    booking.refresh_from_db()
    assert booking.went_as_booked is True and not early_end_question_open(booking=booking, user=learner)
    assert earnings_release_due(now=session.completed_at + timedelta(hours=48)) == 1


def test_no_opens_a_dispute_once(ended_early, learner):
    _, booking = ended_early
    dispute = booking_early_end_answer(booking=booking, learner=learner, went_as_booked=False)
    assert dispute.source == DisputeSource.ENDED_EARLY and dispute.status == DisputeStatus.OPEN
    assert booking_early_end_answer(booking=booking, learner=learner, went_as_booked=False).pk == dispute.pk
    with pytest.raises(DisputeError, match="answered"):
        booking_early_end_answer(booking=booking, learner=learner, went_as_booked=True)
    assert Dispute.objects.count() == 1


def test_a_session_not_ended_early_asks_nothing(completed, learner):
    _, booking = completed
    assert not early_end_question_open(booking=booking, user=learner)
    with pytest.raises(DisputeError, match="not ended early"):
        booking_early_end_answer(booking=booking, learner=learner, went_as_booked=False)


# --- Settling -------------------------------------------------------------------------------


def test_release_makes_the_share_available_now_and_records_who_and_why(
    completed, mentor, learner, staff, django_capture_on_commit_callbacks
):
    _, booking = completed
    dispute = _open(booking, learner)
    with django_capture_on_commit_callbacks(execute=True):
        settled = dispute_settle(
            dispute=dispute, by=staff, decision=DisputeStatus.RELEASED, note="Recording shows 60 min."
        )
    assert (settled.status, settled.decided_by, settled.decision_note) == ("released", staff, "Recording shows 60 min.")
    assert settled.decided_at is not None and settled.refund_paise == 0
    assert _balances(mentor)[:2] == (0, MENTOR_SHARE)
    assert Notification.objects.filter(user=learner, title__startswith="Report settled").exists()
    assert Notification.objects.filter(user=mentor, title__startswith="Report settled").exists()
    # Idempotent: the same decision again changes nothing; another is refused.
    dispute_settle(dispute=dispute, by=staff, decision=DisputeStatus.RELEASED, note="Recording shows 60 min.")
    with pytest.raises(DisputeError, match="settled already"):
        dispute_settle(dispute=dispute, by=staff, decision=DisputeStatus.REFUNDED, note="Changed my mind")
    assert JournalEntry.objects.filter(reference__startswith="release:").count() == 1
    assert ledger.entries_balanced()


def test_full_refund_reverses_the_capture_through_the_gateway(completed, mentor, learner, staff):
    _, booking = completed
    before = _balances(mentor)
    dispute = _open(booking, learner)
    settled = dispute_settle(
        dispute=dispute, by=staff, decision=DisputeStatus.REFUNDED, note="Mentor never showed video."
    )
    assert settled.status == DisputeStatus.REFUNDED and settled.refund_paise == PAID
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.REFUNDED and payment.refunded_paise == PAID
    assert TestRefund.objects.filter(payment_id=payment.razorpay_payment_id, amount_paise=PAID).count() == 1
    assert _balances(mentor) == (0, 0, before[2] - (PAID - MENTOR_SHARE), before[3] - PAID)
    assert earnings_release_due(now=timezone.now() + timedelta(hours=72)) == 0
    assert ledger.entries_balanced()


def test_partial_refund_splits_in_proportion_and_releases_the_rest(
    completed, mentor, learner, staff, django_capture_on_commit_callbacks
):
    _, booking = completed
    before = _balances(mentor)
    dispute = _open(booking, learner)
    with django_capture_on_commit_callbacks(execute=True):
        settled = dispute_settle(dispute=dispute, by=staff, decision=DisputeStatus.PARTIALLY_REFUNDED,
                                 note="Ended 20 minutes early.", refund_paise=55_000)  # fmt: skip
    parts = refund_split(amount_paise=PAID, mentor_share_paise=MENTOR_SHARE, refund_paise=55_000)
    assert (parts.mentor_paise, parts.app_paise) == (45_000, 10_000)
    assert settled.status == DisputeStatus.PARTIALLY_REFUNDED and settled.refund_paise == 55_000
    assert settled.gateway_refund_id
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.CAPTURED and payment.refunded_paise == 55_000
    assert _balances(mentor) == (0, MENTOR_SHARE - 45_000, before[2] - 10_000, before[3] - 55_000)
    entry = JournalEntry.objects.get(reference=f"dispute-refund:{dispute.pk}")
    assert sum(entry.postings.values_list("amount_paise", flat=True)) == 0
    assert ledger.entries_balanced()
    # Submitted twice: one refund at the gateway, one entry each.
    dispute_settle(dispute=dispute, by=staff, decision=DisputeStatus.PARTIALLY_REFUNDED,
                   note="Ended 20 minutes early.", refund_paise=55_000)  # fmt: skip
    assert TestRefund.objects.filter(payment_id=payment.razorpay_payment_id).count() == 1
    assert JournalEntry.objects.filter(payment=payment).count() == 3  # capture, dispute refund, release
    assert Notification.objects.filter(user=learner, title__startswith="Refunded: ₹550").exists()


def test_the_partial_refunds_webhook_does_not_mark_the_payment_refunded_in_full(completed, learner, staff):
    from core.payments.services import payment_mark_refunded

    _, booking = completed
    dispute = _open(booking, learner)
    settled = dispute_settle(dispute=dispute, by=staff, decision=DisputeStatus.PARTIALLY_REFUNDED,
                             note="Half the time.", refund_paise=30_000)  # fmt: skip
    payment = Payment.objects.get(booking=booking)
    assert payment_mark_refunded(payment=payment, refund_id=settled.gateway_refund_id) is False
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED and payment.refunded_paise == 30_000
    assert ledger.entries_balanced()


@pytest.mark.parametrize("amount", [0, -1, PAID + 1])
def test_a_partial_refund_is_more_than_nothing_and_at_most_what_was_paid(completed, learner, staff, amount):
    _, booking = completed
    dispute = _open(booking, learner)
    with pytest.raises(DisputeError):
        dispute_settle(dispute=dispute, by=staff, decision=DisputeStatus.PARTIALLY_REFUNDED, note="x",
                       refund_paise=amount)  # fmt: skip
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN


def test_a_partial_refund_of_everything_is_a_full_refund(completed, learner, staff):
    _, booking = completed
    settled = dispute_settle(dispute=_open(booking, learner), by=staff, decision=DisputeStatus.PARTIALLY_REFUNDED,
                             note="All of it.", refund_paise=PAID)  # fmt: skip
    assert settled.status == DisputeStatus.REFUNDED


def test_settling_needs_staff_and_a_note(completed, mentor, learner, staff):
    _, booking = completed
    dispute = _open(booking, learner)
    with pytest.raises(PermissionError):
        dispute_settle(dispute=dispute, by=mentor, decision=DisputeStatus.RELEASED, note="mine")
    with pytest.raises(DisputeError):
        dispute_settle(dispute=dispute, by=staff, decision=DisputeStatus.RELEASED, note="   ")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN and dispute.decided_by is None


def test_a_gateway_refusal_reopens_the_dispute(completed, learner, staff):
    from core.testmode.models import TestPayment

    _, booking = completed
    dispute = _open(booking, learner)
    payment = Payment.objects.get(booking=booking)
    TestPayment.objects.filter(pk=payment.razorpay_payment_id).update(status="authorized")  # the gateway refuses
    with pytest.raises(DisputeError):
        dispute_settle(dispute=dispute, by=staff, decision=DisputeStatus.PARTIALLY_REFUNDED, note="x",
                       refund_paise=1_000)  # fmt: skip
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN and dispute.decided_by is None and dispute.refund_paise == 0
    assert ledger.entries_balanced()


def test_the_dispute_signals_are_part_of_the_plugin_api():
    assert hooks.SIGNAL_ARGS["dispute_opened"] == ("dispute",)
    assert hooks.SIGNAL_ARGS["dispute_settled"] == ("dispute",)
