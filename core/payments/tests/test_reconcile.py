"""The reconciler against both gateways: it applies what a lost webhook or a lost answer would have, once."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import StringIO

import pytest
import requests
import responses
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from core import hooks
from core.bookings.models import Booking, BookingStatus
from core.bookings.services import (
    CAPTURED_WITHOUT_ACCEPT,
    BookingError,
    booking_accept,
    booking_checkout_start,
    booking_payment_authorize,
    booking_reject,
    bookings_reject_unanswered,
    holds_expire,
)
from core.mentoring.services import session_cancel
from core.mentoring.tests.factories import approved_mentor, session_make
from core.payments import ledger
from core.payments.gateways.tests.fake_razorpay import (
    ACCOUNT_NUMBER,
    KEY_ID,
    KEY_SECRET,
    WEBHOOK_SECRET,
    FakeRazorpay,
)
from core.payments.models import AccountKind, JournalEntry, Payment, PaymentStatus, Withdrawal, WithdrawalStatus
from core.payments.reconcile import COUNTS, payments_reconcile
from core.payments.services import withdrawal_request
from core.payments.tasks import payments_reconcile_task
from core.testmode import services as testmode
from core.testmode.models import TestOrder, TestPayout
from core.users.tests.factories import totp_code

pytestmark = pytest.mark.django_db

RAZORPAY = {
    "RAZORPAY_KEY_ID": KEY_ID,
    "RAZORPAY_KEY_SECRET": KEY_SECRET,
    "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
    "RAZORPAYX_ACCOUNT_NUMBER": ACCOUNT_NUMBER,
}
UPI = {"destination_kind": "vpa", "account_name": "Meera Mentor", "vpa": "meera@okaxis"}


def counts(**changed: int) -> dict[str, int]:
    return {**dict.fromkeys(COUNTS, 0), **changed}


def later(**delta) -> datetime:
    return timezone.now() + timedelta(**delta)


@dataclass
class Side:
    """The gateway's side of things: what the learner, the bank or Razorpay do that we only hear about."""

    name: str
    pay: Callable[[str], tuple[str, str]]  # order id -> (payment id, Checkout's signature)
    fake: FakeRazorpay | None = None

    def requests(self, since: int = 0) -> list[tuple[str, str]]:
        """(method, path) of every request sent to Razorpay after the ``since``-th."""
        return [
            (call.request.method, call.request.path_url.split("?")[0].removeprefix("/v1"))
            for call in self.fake.mock.calls[since:]
        ]

    def sent(self) -> int:
        return len(self.fake.mock.calls)


def _testmode_pay(order_id: str) -> tuple[str, str]:
    paid = testmode.payment_authorize(order=TestOrder.objects.get(pk=order_id))
    return paid.id, testmode.checkout_signature(order_id=order_id, payment_id=paid.id)


@pytest.fixture
def razorpay():
    with override_settings(**RAZORPAY), responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake = FakeRazorpay(mock)
        yield Side("razorpay", fake.checkout_pay, fake)


@pytest.fixture(params=["testmode", "razorpay"])
def side(request) -> Side:
    if request.param == "razorpay":
        return request.getfixturevalue("razorpay")
    return Side("testmode", _testmode_pay)


@pytest.fixture
def guru():
    return approved_mentor()


def _book_and_pay(side: Side, session, learner) -> Booking:
    booking, payment, _order = booking_checkout_start(session=session, learner=learner)
    payment_id, signature = side.pay(payment.razorpay_order_id)
    return booking_payment_authorize(booking=booking, payment_id=payment_id, signature=signature)


def _earn(user, paise: int) -> None:
    ledger.post(
        reference=f"earned:{user.pk}",
        memo="test earnings",
        lines=[
            ledger.Line(AccountKind.GATEWAY_CLEARING, paise),
            ledger.Line(AccountKind.MENTOR_AVAILABLE, -paise, user),
        ],
    )


# --- Orders: a lost payment.authorized / payment.failed --------------------------------------


def test_a_lost_authorized_webhook_makes_the_booking_pending_once(
    side, guru, learner, django_capture_on_commit_callbacks
):
    booking, payment, order = booking_checkout_start(session=session_make(mentor=guru), learner=learner)
    payment_id, _signature = side.pay(order.id)  # paid; Checkout's answer and the webhook never arrive
    requested = []
    hooks.booking_requested.connect(
        lambda sender, booking, **kwargs: requested.append(booking.pk), weak=False, dispatch_uid="reconcile-test"
    )
    mark = side.sent() if side.fake else 0
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = payments_reconcile(now=later(minutes=3))
            second = payments_reconcile(now=later(minutes=4))
    finally:
        hooks.booking_requested.disconnect(dispatch_uid="reconcile-test")
    assert (first, second) == (counts(orders_authorized=1), counts())
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert booking.status == BookingStatus.PENDING
    assert (payment.status, payment.razorpay_payment_id) == (PaymentStatus.AUTHORIZED, payment_id)
    assert requested == [booking.pk]  # the mentor hears of the request once
    assert not JournalEntry.objects.exists()  # nothing is ours until the mentor accepts
    if side.fake:
        assert side.requests(mark) == [("GET", f"/orders/{order.id}/payments")]


def test_paid_after_the_hold_lapsed_is_released_not_charged(side, guru, learner):
    booking, payment, order = booking_checkout_start(session=session_make(mentor=guru), learner=learner)
    side.pay(order.id)
    holds_expire(now=later(minutes=11))
    assert payments_reconcile(now=later(minutes=12)) == counts(orders_released=1)
    payment.refresh_from_db()
    booking.refresh_from_db()
    assert (booking.status, payment.status) == (BookingStatus.CANCELLED, PaymentStatus.VOIDED)
    assert payments_reconcile(now=later(minutes=13)) == counts()


def test_only_failed_tries_record_the_failure_and_no_try_is_left_to_the_hold(guru, learner, other_learner):
    _failed, failed_payment, failed_order = booking_checkout_start(session=session_make(mentor=guru), learner=learner)
    testmode.payment_fail(order=TestOrder.objects.get(pk=failed_order.id))
    idle, idle_payment, _ = booking_checkout_start(
        session=session_make(mentor=guru, hours_from_now=48), learner=other_learner
    )
    assert payments_reconcile(now=later(minutes=3)) == counts(orders_failed=1)
    assert payments_reconcile(now=later(minutes=4)) == counts()
    failed_payment.refresh_from_db()
    idle_payment.refresh_from_db()
    assert (failed_payment.status, failed_payment.failure_reason) == (PaymentStatus.CREATED, "Payment failed")
    assert (idle_payment.status, idle_payment.failure_reason) == (PaymentStatus.CREATED, "")
    assert Booking.objects.get(pk=idle.pk).status == BookingStatus.HELD  # the hold's own expiry releases it


def test_orders_are_asked_about_only_between_two_minutes_and_two_hours(razorpay, guru, learner):
    _booking, _payment, order = booking_checkout_start(session=session_make(mentor=guru), learner=learner)
    mark = razorpay.sent()
    payments_reconcile(now=later(minutes=1))
    payments_reconcile(now=later(hours=3))
    assert razorpay.requests(mark) == []
    payments_reconcile(now=later(minutes=5))
    assert razorpay.requests(mark) == [("GET", f"/orders/{order.id}/payments")]


# --- Captures: the answer to a capture was lost -----------------------------------------------


def _capture_answer_lost(side: Side, booking: Booking, mentor) -> None:
    """The gateway captured the payment but we never heard: a timeout (Razorpay) or a worker that
    died between the capture and recording it (test mode, whose calls cannot time out)."""
    payment = Payment.objects.get(booking=booking)
    if side.fake is None:
        # What booking_accept does before it calls the gateway, then the capture it never records.
        Payment.objects.filter(pk=payment.pk).update(capture_attempted_at=timezone.now())
        testmode.payment_capture(payment_id=payment.razorpay_payment_id, amount_paise=payment.amount_paise)
        return
    capture = side.fake._capture

    def captured_then_timed_out(request, body, id):
        capture(request, body, id)
        raise requests.exceptions.ReadTimeout("the answer was lost")

    side.fake._capture = captured_then_timed_out
    with pytest.raises(BookingError):
        booking_accept(booking=booking, mentor=mentor)
    side.fake._capture = capture


def test_a_lost_capture_is_recorded_and_posted_once(side, guru, learner, django_capture_on_commit_callbacks):
    booking = _book_and_pay(side, session_make(mentor=guru), learner)
    _capture_answer_lost(side, booking, guru)
    payment = Payment.objects.get(booking=booking)
    assert (payment.status, Booking.objects.get(pk=booking.pk).status) == (PaymentStatus.AUTHORIZED, "pending")
    mark = side.sent() if side.fake else 0
    with django_capture_on_commit_callbacks(execute=True):
        assert payments_reconcile(now=later(minutes=10)) == counts()  # not stale yet
        assert payments_reconcile(now=later(minutes=16)) == counts(captures=1)
        assert payments_reconcile(now=later(minutes=17)) == counts()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    # The mentor had pressed Accept: the booking is confirmed, as the accept would have done.
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert JournalEntry.objects.filter(reference=f"capture:{payment.pk}").count() == 1
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == payment.mentor_share_paise
    if side.fake:
        assert side.requests(mark) == [("GET", f"/payments/{payment.razorpay_payment_id}")]
    # The mentor presses Accept again: confirmed, nothing captured or posted twice.
    booking_accept(booking=booking, mentor=guru)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert JournalEntry.objects.filter(payment=payment).count() == 1
    if side.fake:
        assert len(side.fake.calls("POST", f"/payments/{payment.razorpay_payment_id}/capture")) == 1


def test_a_capture_nobody_accepted_is_refunded_at_once(side, guru, learner, django_capture_on_commit_callbacks):
    """Captured at the gateway without the mentor's accept (from Razorpay's dashboard, say): the
    learner must not pay for a booking nobody confirmed, so the reconciler releases and refunds it."""
    session = session_make(mentor=guru)
    booking = _book_and_pay(side, session, learner)
    payment = Payment.objects.get(booking=booking)
    if side.fake:
        side.fake.payments[payment.razorpay_payment_id].update(status="captured", captured=True)
    else:
        testmode.payment_capture(payment_id=payment.razorpay_payment_id, amount_paise=payment.amount_paise)
    with django_capture_on_commit_callbacks(execute=True):
        assert payments_reconcile(now=later(minutes=16)) == counts(captures=1)
        assert payments_reconcile(now=later(minutes=33)) == counts()
    payment = Payment.objects.get(booking=booking)
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, payment.amount_paise)
    booking.refresh_from_db()
    assert (booking.status, booking.status_reason) == (BookingStatus.REJECTED, CAPTURED_WITHOUT_ACCEPT)
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 0
    assert ledger.balance(kind=AccountKind.GATEWAY_CLEARING) == 0
    assert ledger.entries_balanced()


def test_a_reject_right_after_a_lost_capture_refunds_at_once(side, guru, learner, django_capture_on_commit_callbacks):
    """Before the reconciler has seen the capture, the mentor rejects (or the start comes): the
    release asks the gateway first, records the capture and refunds it, so nobody is charged."""
    session = session_make(mentor=guru)
    booking = _book_and_pay(side, session, learner)
    _capture_answer_lost(side, booking, guru)
    assert Payment.objects.get(booking=booking).status == PaymentStatus.AUTHORIZED  # as far as we know
    with django_capture_on_commit_callbacks(execute=True):
        assert booking_reject(booking=Booking.objects.get(pk=booking.pk), mentor=guru)
    payment = Payment.objects.get(booking=booking)
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, payment.amount_paise)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.REJECTED
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 0
    assert ledger.balance(kind=AccountKind.GATEWAY_CLEARING) == 0
    assert ledger.entries_balanced()
    if side.fake:
        refunds = side.fake.calls("POST", f"/payments/{payment.razorpay_payment_id}/refund")
        assert len(refunds) == 1
        assert json.loads(refunds[0].request.body)["amount"] == payment.amount_paise
    assert payments_reconcile(now=later(minutes=40)) == counts()  # nothing left to mend


def test_a_release_waits_when_the_gateway_cannot_say(razorpay, guru, learner):
    session = session_make(mentor=guru)
    booking = _book_and_pay(razorpay, session, learner)
    _capture_answer_lost(razorpay, booking, guru)
    fetch = razorpay.fake._payment_fetch

    def down(request, body, id):
        raise requests.exceptions.ConnectionError("no route")

    razorpay.fake._payment_fetch = down
    try:
        with pytest.raises(BookingError):
            booking_reject(booking=Booking.objects.get(pk=booking.pk), mentor=guru)
        assert bookings_reject_unanswered(session=session) == 0  # logged; the next sweep retries
    finally:
        razorpay.fake._payment_fetch = fetch
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PENDING
    assert bookings_reject_unanswered(session=session) == 1
    assert Payment.objects.get(booking=booking).status == PaymentStatus.REFUNDED


# --- Refunds ------------------------------------------------------------------------------------


def test_a_pending_refund_later_processed_posts_one_refund(razorpay, guru, learner, django_capture_on_commit_callbacks):
    fake = razorpay.fake
    session = session_make(mentor=guru)
    booking = _book_and_pay(razorpay, session, learner)
    booking_accept(booking=booking, mentor=guru)
    refund = fake._refund

    def pending(request, body, id):
        answer = refund(request, body, id)
        answer["status"] = "pending"  # Razorpay takes days with speed "normal"
        return answer

    fake._refund = pending
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session, by=guru)
    payment = Payment.objects.get(booking=booking)
    (refund_id,) = fake.refunds
    assert (payment.status, payment.razorpay_refund_id) == (PaymentStatus.CAPTURED, refund_id)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED

    mark = razorpay.sent()
    with django_capture_on_commit_callbacks(execute=True):
        assert payments_reconcile(now=later(minutes=16)) == counts()  # still pending
        fake.refunds[refund_id]["status"] = "processed"
        assert payments_reconcile(now=later(minutes=21)) == counts(refunds_processed=1)
        assert payments_reconcile(now=later(minutes=26)) == counts()
    assert razorpay.requests(mark) == [("GET", f"/refunds/{refund_id}")] * 2
    assert len(fake.calls("POST", f"/payments/{payment.razorpay_payment_id}/refund")) == 1
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, payment.amount_paise)
    assert JournalEntry.objects.filter(reference=f"refund:{payment.pk}").count() == 1
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 0
    assert ledger.balance(kind=AccountKind.PLATFORM_REVENUE) == 0
    assert ledger.balance(kind=AccountKind.GATEWAY_CLEARING) == 0
    assert ledger.entries_balanced()


def test_a_refund_whose_answer_timed_out_is_asked_again_with_the_same_key(
    razorpay, guru, learner, django_capture_on_commit_callbacks
):
    fake = razorpay.fake
    session = session_make(mentor=guru)
    booking = _book_and_pay(razorpay, session, learner)
    booking_accept(booking=booking, mentor=guru)
    with django_capture_on_commit_callbacks(execute=False):  # the refund task is lost with its worker
        session_cancel(session=session, by=guru)
    payment = Payment.objects.get(booking=booking)
    refund = fake._refund

    def made_then_timed_out(request, body, id):
        refund(request, body, id)
        raise requests.exceptions.ReadTimeout("the answer was lost")

    fake._refund = made_then_timed_out
    with django_capture_on_commit_callbacks(execute=True):
        assert payments_reconcile(now=later(minutes=5)) == counts()  # the cancellation is not stale yet
        assert payments_reconcile(now=later(minutes=16)) == counts(errors=1)
        fake._refund = refund
        assert payments_reconcile(now=later(minutes=21)) == counts(refunds_retried=1)
        assert payments_reconcile(now=later(minutes=26)) == counts()
    calls = fake.calls("POST", f"/payments/{payment.razorpay_payment_id}/refund")
    assert [call.request.headers["X-Refund-Idempotency"] for call in calls] == [f"refund-payment-{payment.pk}"] * 2
    assert len(fake.refunds) == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert JournalEntry.objects.filter(reference=f"refund:{payment.pk}").count() == 1
    assert ledger.balance(kind=AccountKind.GATEWAY_CLEARING) == 0


# --- Payouts ------------------------------------------------------------------------------------


def test_a_processing_payout_that_failed_returns_the_money_once(razorpay, mentor, django_capture_on_commit_callbacks):
    _earn(mentor, 100_000)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = withdrawal_request(user=mentor, amount_paise=100_000, otp_token=totp_code(mentor), **UPI)
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.PROCESSING
    assert ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=mentor) == 0
    razorpay.fake.payouts[withdrawal.payout_id]["status"] = "failed"  # the payout.failed webhook is lost
    mark = razorpay.sent()
    assert payments_reconcile(now=later(minutes=16)) == counts(payouts_settled=1)
    assert payments_reconcile(now=later(minutes=21)) == counts()
    assert razorpay.requests(mark) == [("GET", f"/payouts/{withdrawal.payout_id}")]
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.failure_reason) == (WithdrawalStatus.FAILED, "Payout failed")
    assert ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=mentor) == 100_000
    assert ledger.balance(kind=AccountKind.PAYOUTS_IN_TRANSIT, user=mentor) == 0
    assert JournalEntry.objects.filter(reference=f"payout-failed:{withdrawal.pk}").count() == 1
    assert ledger.entries_balanced()


def test_a_withdrawal_whose_payout_was_never_sent_is_paid_once(side, mentor, django_capture_on_commit_callbacks):
    _earn(mentor, 100_000)
    with django_capture_on_commit_callbacks(execute=False):  # its task is lost
        withdrawal = withdrawal_request(user=mentor, amount_paise=100_000, otp_token=totp_code(mentor), **UPI)
    assert payments_reconcile(now=later(minutes=5)) == counts()  # not stale yet
    with django_capture_on_commit_callbacks(execute=True):
        assert payments_reconcile(now=later(minutes=16)) == counts(payouts_sent=1)
    withdrawal.refresh_from_db()
    if side.fake is None:
        assert withdrawal.status == WithdrawalStatus.COMPLETED  # test-mode payouts are processed at once
        assert TestPayout.objects.get().reference_id == withdrawal.idempotency_key
    else:
        assert withdrawal.status == WithdrawalStatus.PROCESSING
        (payout,) = side.fake.calls("POST", "/payouts")
        assert payout.request.headers["X-Payout-Idempotency"] == f"withdrawal-{withdrawal.pk}"
        side.fake.payouts[withdrawal.payout_id]["status"] = "processed"
        assert payments_reconcile(now=later(minutes=21)) == counts(payouts_settled=1)
        withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.COMPLETED
    assert payments_reconcile(now=later(minutes=26)) == counts()
    assert ledger.balance(kind=AccountKind.PAYOUTS_IN_TRANSIT, user=mentor) == 0
    assert ledger.balance(kind=AccountKind.GATEWAY_CLEARING) == 0
    assert ledger.entries_balanced()


def test_without_razorpayx_pending_withdrawals_wait_for_an_admin(razorpay, mentor):
    _earn(mentor, 100_000)
    with override_settings(RAZORPAYX_ACCOUNT_NUMBER=""):
        withdrawal = withdrawal_request(user=mentor, amount_paise=100_000, otp_token=totp_code(mentor), **UPI)
        mark = razorpay.sent()
        assert payments_reconcile(now=later(minutes=16)) == counts()
    assert razorpay.requests(mark) == []
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == WithdrawalStatus.PENDING


# --- Failures -----------------------------------------------------------------------------------


def test_a_timeout_on_one_item_does_not_stop_the_others(
    razorpay, guru, learner, other_learner, mentor, django_capture_on_commit_callbacks
):
    fake = razorpay.fake
    orders, paid = [], []
    for hours, person in ((24, learner), (48, other_learner)):
        session = session_make(mentor=guru, hours_from_now=hours)
        _booking, _payment, order = booking_checkout_start(session=session, learner=person)
        orders.append(order.id)
        paid.append(fake.checkout_pay(order.id)[0])
    _earn(mentor, 100_000)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = withdrawal_request(user=mentor, amount_paise=100_000, otp_token=totp_code(mentor), **UPI)
    withdrawal.refresh_from_db()
    fake.payouts[withdrawal.payout_id]["status"] = "processed"
    order_payments = fake._order_payments

    def first_order_times_out(request, body, id):
        if id == orders[0]:
            raise requests.exceptions.ReadTimeout("Razorpay did not answer")
        return order_payments(request, body, id)

    fake._order_payments = first_order_times_out
    mark = razorpay.sent()
    with django_capture_on_commit_callbacks(execute=True):
        assert payments_reconcile(now=later(minutes=16)) == counts(orders_authorized=1, payouts_settled=1, errors=1)
        fake._order_payments = order_payments
        assert payments_reconcile(now=later(minutes=17)) == counts(orders_authorized=1)
        assert payments_reconcile(now=later(minutes=18)) == counts()
    # (An authorized payment counts as stale at once here, as the clock jumped 16 minutes: it is asked
    # about on every run until the mentor's answer captures or releases it.)
    assert razorpay.requests(mark) == [
        ("GET", f"/orders/{orders[0]}/payments"),  # timed out
        ("GET", f"/orders/{orders[1]}/payments"),
        ("GET", f"/payments/{paid[1]}"),
        ("GET", f"/payouts/{withdrawal.payout_id}"),
        ("GET", f"/orders/{orders[0]}/payments"),  # the next run
        ("GET", f"/payments/{paid[0]}"),
        ("GET", f"/payments/{paid[1]}"),
        ("GET", f"/payments/{paid[0]}"),  # the third run
        ("GET", f"/payments/{paid[1]}"),
    ]
    assert set(Booking.objects.values_list("status", flat=True)) == {BookingStatus.PENDING}
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == WithdrawalStatus.COMPLETED


# --- The task, the schedule and the command -----------------------------------------------------


def test_the_task_is_on_the_beat_schedule_and_the_command_prints_counts():
    from core.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["payments-reconcile"]
    assert entry["task"] == payments_reconcile_task.name
    assert entry["task"] in app.tasks
    assert payments_reconcile_task.delay().get() == counts()
    out = StringIO()
    call_command("payments_reconcile", "--orders-lookback-hours", "24", stdout=out)
    assert out.getvalue().splitlines() == [f"{kind}: 0" for kind in COUNTS]
