"""The webhook endpoint: signature on the raw body, each event once, never backwards."""

import json

import pytest

from core.bookings.models import Booking, BookingStatus
from core.bookings.services import booking_accept, booking_checkout_start
from core.bookings.tests.factories import book_and_pay
from core.mentoring.tests.factories import approved_mentor, session_make
from core.payments import ledger
from core.payments.gateways.testmode import TestModeGateway
from core.payments.models import JournalEntry, Payment, PaymentStatus, WebhookEvent, Withdrawal, WithdrawalStatus
from core.payments.services import withdrawal_request
from core.testmode import services as testmode
from core.testmode.models import TestOrder

pytestmark = pytest.mark.django_db
URL = "/payments/razorpay/webhook/"


def deliver(client, event: dict, event_id: str):
    body = json.dumps(event).encode()
    return client.post(
        URL,
        body,
        content_type="application/json",
        headers={
            "X-Razorpay-Signature": TestModeGateway().webhook_signature(body=body),
            "X-Razorpay-Event-Id": event_id,
        },
    )


def payment_event(name: str, payment: Payment, payment_id: str) -> dict:
    entity = {"id": payment_id, "order_id": payment.razorpay_order_id, "amount": payment.amount_paise}
    return {"event": name, "payload": {"payment": {"entity": entity}}, "created_at": 1}


def test_a_missing_or_bad_signature_is_refused(client):
    body = json.dumps({"event": "payment.captured"})
    assert client.post(URL, body, content_type="application/json").status_code == 400
    response = client.post(URL, body, content_type="application/json", headers={"X-Razorpay-Signature": "0" * 64})
    assert response.status_code == 400
    assert response.json()["error"] == "The signature does not match the body."
    assert not WebhookEvent.objects.exists()


def test_a_signed_body_that_is_not_an_event_is_refused(client):
    body = b"not json"
    signature = TestModeGateway().webhook_signature(body=body)
    response = client.post(URL, body, content_type="application/json", headers={"X-Razorpay-Signature": signature})
    assert response.status_code == 400


def test_payment_authorized_ten_times_makes_one_pending_request(client, learner, django_capture_on_commit_callbacks):
    session = session_make(mentor=approved_mentor())
    booking, payment, _order = booking_checkout_start(session=session, learner=learner)
    paid = testmode.payment_authorize(order=TestOrder.objects.get(pk=payment.razorpay_order_id))
    event = payment_event("payment.authorized", payment, paid.id)
    with django_capture_on_commit_callbacks(execute=True):
        answers = [deliver(client, event, "evt_auth_1").json()["status"] for _ in range(10)]
    assert answers == ["accepted"] + ["duplicate"] * 9
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert booking.status == BookingStatus.PENDING
    assert (payment.status, payment.razorpay_payment_id) == (PaymentStatus.AUTHORIZED, paid.id)
    assert WebhookEvent.objects.get().processed_at is not None


def test_repeated_and_reversed_events_never_post_twice_or_go_back(client, learner, django_capture_on_commit_callbacks):
    guru = approved_mentor()
    session = session_make(mentor=guru)
    booking = book_and_pay(session, learner)
    booking_accept(booking=booking, mentor=guru)
    payment = Payment.objects.get(booking=booking)
    entries_before = JournalEntry.objects.count()
    events = [
        (payment_event("payment.captured", payment, payment.razorpay_payment_id), "evt_cap"),
        (payment_event("payment.authorized", payment, payment.razorpay_payment_id), "evt_auth"),
    ]  # captured first: the reverse of the real order
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            for event, event_id in events:
                assert deliver(client, event, event_id).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert JournalEntry.objects.count() == entries_before
    assert WebhookEvent.objects.count() == 2


def test_refund_processed_after_a_refund_posts_nothing_more(client, learner, django_capture_on_commit_callbacks):
    from core.mentoring.services import session_cancel

    guru = approved_mentor()
    session = session_make(mentor=guru)
    booking = book_and_pay(session, learner)
    booking_accept(booking=booking, mentor=guru)
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session, by=guru)
    payment = Payment.objects.get(booking=booking)
    entries = JournalEntry.objects.count()
    refund = {
        "event": "refund.processed",
        "payload": {"refund": {"entity": {"id": "rfnd_1", "payment_id": payment.razorpay_payment_id}}},
    }
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            deliver(client, refund, "evt_refund")
    assert JournalEntry.objects.count() == entries
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.REFUNDED


def test_payout_events_settle_a_withdrawal_once_and_never_go_back(client, mentor, django_capture_on_commit_callbacks):
    ledger.post(
        reference="earned",
        memo="m",
        lines=[ledger.Line("gateway_clearing", 100_000), ledger.Line("mentor_available", -100_000, mentor)],
    )
    withdrawal = withdrawal_request(
        user=mentor, amount_paise=100_000, destination_kind="vpa", account_name="Meera", vpa="meera@okaxis"
    )
    Withdrawal.objects.filter(pk=withdrawal.pk).update(payout_id="pout_1", status=WithdrawalStatus.PROCESSING)

    def payout(name):
        return {"event": name, "payload": {"payout": {"entity": {"id": "pout_1", "failure_reason": "Bank down"}}}}

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            deliver(client, payout("payout.failed"), "evt_pf")
            deliver(client, payout("payout.processed"), "evt_pp")  # arrives after the failure: ignored
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.failure_reason) == (WithdrawalStatus.FAILED, "Bank down")
    assert ledger.balance(kind="mentor_available", user=mentor) == 100_000
    assert ledger.balance(kind="payouts_in_transit") == 0
    assert ledger.entries_balanced()


# --- Ten deliveries, in reverse order: one posting each ------------------------------------
# Each case starts where the gateway has done something our worker did not get to record
# (it died after the gateway answered), so the webhooks alone must post it, exactly once.


def _references(**filters) -> list[str]:
    return list(JournalEntry.objects.filter(**filters).order_by("pk").values_list("reference", flat=True))


def _deliver_ten_times(client, events) -> None:
    for _ in range(10):
        for event, event_id in events:
            assert deliver(client, event, event_id).status_code == 200


def test_a_capture_only_the_webhooks_report_posts_once(client, learner, django_capture_on_commit_callbacks):
    guru = approved_mentor()
    session = session_make(mentor=guru, price_paise=100_001)  # odd paise: the split rounds
    booking = book_and_pay(session, learner)
    payment = Payment.objects.get(booking=booking)
    # The mentor's accept confirmed the booking and the gateway captured the payment, then
    # the worker died before recording the capture.
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CONFIRMED)
    TestModeGateway().payment_capture(payment_id=payment.razorpay_payment_id, amount_paise=payment.amount_paise)
    events = [
        (payment_event("payment.captured", payment, payment.razorpay_payment_id), "evt_cap_only"),
        (payment_event("payment.authorized", payment, payment.razorpay_payment_id), "evt_auth_late"),
    ]  # captured first: the reverse of the real order
    with django_capture_on_commit_callbacks(execute=True):
        _deliver_ten_times(client, events)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert _references(payment=payment) == [f"capture:{payment.pk}"]
    assert ledger.balance(kind="mentor_pending", user=guru) == payment.mentor_share_paise == 90_000
    assert ledger.balance(kind="platform_revenue") == payment.app_share_paise == 20_002
    assert ledger.balance(kind="gateway_clearing") == payment.amount_paise == 110_002
    assert ledger.entries_balanced()
    assert WebhookEvent.objects.count() == 2


def test_a_refund_only_the_webhooks_report_posts_once(client, learner, django_capture_on_commit_callbacks):
    guru = approved_mentor()
    session = session_make(mentor=guru)
    booking = book_and_pay(session, learner)
    booking_accept(booking=booking, mentor=guru)
    payment = Payment.objects.get(booking=booking)
    # The gateway refunded in full, and the worker died before recording it.
    refund = TestModeGateway().payment_refund(
        payment_id=payment.razorpay_payment_id,
        amount_paise=payment.amount_paise,
        idempotency_key=f"refund-payment-{payment.pk}",
        notes={},
    )
    refunded = {
        "event": "refund.processed",
        "payload": {"refund": {"entity": {"id": refund.id, "payment_id": payment.razorpay_payment_id}}},
    }
    events = [
        (refunded, "evt_refund_only"),
        # a late redelivery of the capture, after the refund: it must not move the payment back
        (payment_event("payment.captured", payment, payment.razorpay_payment_id), "evt_cap_late"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        _deliver_ten_times(client, events)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, payment.amount_paise)
    assert _references(payment=payment) == [f"capture:{payment.pk}", f"refund:{payment.pk}"]
    for kind in ("mentor_pending", "platform_revenue", "gateway_clearing"):
        assert ledger.balance(kind=kind, user=guru if kind == "mentor_pending" else None) == 0
    assert ledger.entries_balanced()


def test_a_payout_processed_then_reported_failed_posts_once(client, mentor, django_capture_on_commit_callbacks):
    ledger.post(
        reference="earned",
        memo="m",
        lines=[ledger.Line("gateway_clearing", 100_000), ledger.Line("mentor_available", -100_000, mentor)],
    )
    withdrawal = withdrawal_request(
        user=mentor, amount_paise=100_000, destination_kind="vpa", account_name="Meera", vpa="meera@okaxis"
    )  # the payout task has not run (on_commit not run): the webhooks settle it
    Withdrawal.objects.filter(pk=withdrawal.pk).update(payout_id="pout_2", status=WithdrawalStatus.PROCESSING)

    def payout(name):
        return {"event": name, "payload": {"payout": {"entity": {"id": "pout_2", "failure_reason": "Bank down"}}}}

    events = [(payout("payout.processed"), "evt_pp2"), (payout("payout.reversed"), "evt_pr2")]
    with django_capture_on_commit_callbacks(execute=True):
        _deliver_ten_times(client, events)
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.COMPLETED  # settled states never move
    assert _references(withdrawal=withdrawal) == [f"withdrawal:{withdrawal.pk}", f"payout:{withdrawal.pk}"]
    assert ledger.balance(kind="mentor_available", user=mentor) == 0
    assert ledger.balance(kind="payouts_in_transit", user=mentor) == 0
    assert ledger.balance(kind="gateway_clearing") == 0
    assert ledger.entries_balanced()
