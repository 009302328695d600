"""The webhook endpoint: signature on the raw body, each event once, never backwards."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import responses
from django.conf import settings
from django.test import Client, TestCase, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from core.bookings.models import Booking, BookingStatus
from core.bookings.services import (
    CAPTURED_WITHOUT_ACCEPT,
    booking_accept,
    booking_checkout_start,
    booking_payment_authorize,
)
from core.bookings.tests.factories import book_and_pay
from core.mentoring.tests.factories import approved_mentor, session_make
from core.payments import ledger
from core.payments.gateways import Destination
from core.payments.gateways.tests.fake_razorpay import (
    ACCOUNT_NUMBER,
    KEY_ID,
    KEY_SECRET,
    WEBHOOK_SECRET,
    FakeRazorpay,
)
from core.payments.models import JournalEntry, Payment, PaymentStatus, WebhookEvent, Withdrawal, WithdrawalStatus
from core.payments.reconcile import payments_reconcile
from core.payments.services import withdrawal_request
from core.payments.webhooks import HANDLERS
from core.realtime.models import Notification
from core.testmode import services as testmode
from core.testmode.gateway import TestModeGateway
from core.testmode.models import TestOrder, TestPayment
from core.users.tests.factories import totp_code

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
    entity = {
        "id": payment_id,
        "order_id": payment.razorpay_order_id,
        "amount": payment.amount_paise,
        "currency": "INR",
    }
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
        answers = [deliver(client, event, "evt_auth_1") for _ in range(10)]
    assert [(r.status_code, r.json()["status"]) for r in answers] == [(200, "accepted")] + [(200, "duplicate")] * 9
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
        answers = [deliver(client, refund, "evt_refund") for _ in range(10)]
    assert [(r.status_code, r.json()["status"]) for r in answers] == [(200, "accepted")] + [(200, "duplicate")] * 9
    assert JournalEntry.objects.count() == entries
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.REFUNDED


def _withdrawal_in_flight(mentor, *, gateway_status: str) -> Withdrawal:
    """A mentor's ₹1,000 withdrawal whose test-mode payout is ``gateway_status`` at the gateway
    (the payout task ran, and its answer was not recorded: only the webhooks tell us)."""
    ledger.post(
        reference="earned",
        memo="m",
        lines=[ledger.Line("gateway_clearing", 100_000), ledger.Line("mentor_available", -100_000, mentor)],
    )
    withdrawal = withdrawal_request(
        user=mentor,
        amount_paise=100_000,
        destination_kind="vpa",
        account_name="Meera",
        vpa="meera@okaxis",
        otp_token=totp_code(mentor),
    )  # its payout task has not run (on_commit not run)
    payout = testmode.payout_create(
        amount_paise=withdrawal.amount_paise,
        destination=Destination(kind="vpa", name="Meera", vpa="meera@okaxis"),
        reference_id=withdrawal.idempotency_key,
        idempotency_key=withdrawal.idempotency_key,
        purpose="payout",
    )
    if gateway_status != "processed":
        testmode.payout_fail(payout=payout, status=gateway_status)
    Withdrawal.objects.filter(pk=withdrawal.pk).update(payout_id=payout.id, status=WithdrawalStatus.PROCESSING)
    withdrawal.refresh_from_db()
    return withdrawal


def payout_event(name: str, withdrawal: Withdrawal) -> dict:
    entity = {"id": withdrawal.payout_id, "failure_reason": "Bank down"}
    return {"event": name, "payload": {"payout": {"entity": entity}}}


def test_payout_events_settle_a_withdrawal_once_and_never_go_back(client, mentor, django_capture_on_commit_callbacks):
    withdrawal = _withdrawal_in_flight(mentor, gateway_status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            assert deliver(client, payout_event("payout.failed", withdrawal), "evt_pf").status_code == 200
            # a processed event after the failure (a wrong or stale one): the gateway says failed
            assert deliver(client, payout_event("payout.processed", withdrawal), "evt_pp").status_code == 200
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.failure_reason) == (WithdrawalStatus.FAILED, "Bank down")
    assert ledger.balance(kind="mentor_available", user=mentor) == 100_000
    assert ledger.balance(kind="payouts_in_transit") == 0
    assert ledger.entries_balanced()
    assert WebhookEvent.objects.filter(processed_at__isnull=True).count() == 0


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
    session = session_make(mentor=guru, price_paise=100_000)
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
    assert ledger.balance(kind="platform_revenue") == payment.app_share_paise == 20_000
    assert ledger.balance(kind="gateway_clearing") == payment.amount_paise == 110_000
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


def test_a_payout_reversed_after_it_was_paid_returns_the_money_once(
    client, mentor, django_capture_on_commit_callbacks, mailoutbox
):
    """The bank sent a paid-out payout back: the amount returns to the mentor's available
    balance through a balanced entry of its own, once, and the mentor hears of it."""
    withdrawal = _withdrawal_in_flight(mentor, gateway_status="reversed")
    events = [
        (payout_event("payout.processed", withdrawal), "evt_pp2"),
        (payout_event("payout.reversed", withdrawal), "evt_pr2"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        _deliver_ten_times(client, events)
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.FAILED
    assert withdrawal.failure_reason == "Returned by the bank (Bank down); the amount is back in the balance."
    assert _references(withdrawal=withdrawal) == [
        f"withdrawal:{withdrawal.pk}",
        f"payout:{withdrawal.pk}",
        f"payout-reversed:{withdrawal.pk}",
    ]
    assert ledger.balance(kind="mentor_available", user=mentor) == 100_000
    assert ledger.balance(kind="payouts_in_transit", user=mentor) == 0
    assert ledger.balance(kind="gateway_clearing") == 100_000
    assert ledger.entries_balanced()
    titles = list(Notification.objects.filter(user=mentor).order_by("pk").values_list("title", flat=True))
    assert titles == ["Withdrawal of ₹1,000 paid out", "Withdrawal of ₹1,000 returned by the bank"]
    assert [message.subject for message in mailoutbox] == [
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + title for title in titles
    ]
    assert "₹1,000 is in your available balance again" in mailoutbox[1].body


def test_a_payout_reversed_before_we_heard_it_was_paid_returns_the_money_once(
    client, mentor, django_capture_on_commit_callbacks
):
    withdrawal = _withdrawal_in_flight(mentor, gateway_status="reversed")
    events = [
        (payout_event("payout.reversed", withdrawal), "evt_pr3"),
        (payout_event("payout.processed", withdrawal), "evt_pp3"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        _deliver_ten_times(client, events)
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.FAILED
    assert _references(withdrawal=withdrawal) == [f"withdrawal:{withdrawal.pk}", f"payout-failed:{withdrawal.pk}"]
    assert ledger.balance(kind="mentor_available", user=mentor) == 100_000
    assert ledger.balance(kind="gateway_clearing") == 100_000  # never left
    assert ledger.entries_balanced()


# --- Events in any order reach the gateway's truth ------------------------------------------


def _accepted_but_unrecorded(learner):
    """A booking the mentor accepted whose capture the gateway made and our worker never
    recorded (it died after the gateway answered): confirmed here, authorized as far as we know."""
    guru = approved_mentor()
    booking = book_and_pay(session_make(mentor=guru), learner)
    payment = Payment.objects.get(booking=booking)
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CONFIRMED)
    Payment.objects.filter(pk=payment.pk).update(capture_attempted_at=timezone.now())
    TestModeGateway().payment_capture(payment_id=payment.razorpay_payment_id, amount_paise=payment.amount_paise)
    payment.refresh_from_db()
    return guru, booking, payment


def _refund_event(refund_id: str, payment: Payment) -> dict:
    entity = {"id": refund_id, "payment_id": payment.razorpay_payment_id, "amount": payment.amount_paise}
    return {"event": "refund.processed", "payload": {"refund": {"entity": entity}}}


def test_a_refund_reported_before_its_capture_is_applied_once(client, learner, django_capture_on_commit_callbacks):
    guru, _booking, payment = _accepted_but_unrecorded(learner)
    refund = TestModeGateway().payment_refund(
        payment_id=payment.razorpay_payment_id,
        amount_paise=payment.amount_paise,
        idempotency_key=f"refund-payment-{payment.pk}",
        notes={},
    )
    events = [  # the refund first: the reverse of the real order
        (_refund_event(refund.id, payment), "evt_rf_first"),
        (payment_event("payment.captured", payment, payment.razorpay_payment_id), "evt_cap_after"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        _deliver_ten_times(client, events)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, payment.amount_paise)
    assert _references(payment=payment) == [f"capture:{payment.pk}", f"refund:{payment.pk}"]
    for kind in ("mentor_pending", "platform_revenue", "gateway_clearing"):
        assert ledger.balance(kind=kind, user=guru if kind == "mentor_pending" else None) == 0
    assert ledger.entries_balanced()
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()


def test_a_capture_the_mentor_pressed_for_confirms_the_booking(client, learner, django_capture_on_commit_callbacks):
    """Accept's capture answer was lost, so the booking went back to pending; the webhook
    finishes the accept at once (not a reconcile 15 minutes later)."""
    _guru, booking, payment = _accepted_but_unrecorded(learner)
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, payment_event("payment.captured", payment, payment.razorpay_payment_id), "evt_c1")
    assert response.status_code == 200
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert (booking.status, payment.status) == (BookingStatus.CONFIRMED, PaymentStatus.CAPTURED)
    assert Notification.objects.filter(user=learner, kind="booking_confirmed").exists()


def test_a_capture_nobody_accepted_is_refunded_and_the_learner_told(
    client, learner, django_capture_on_commit_callbacks
):
    """Captured outside the mentor's accept (Razorpay's dashboard, say): the learner is never
    charged for a booking nobody confirmed, and is not told "You were not charged"."""
    guru = approved_mentor()
    booking = book_and_pay(session_make(mentor=guru), learner)
    payment = Payment.objects.get(booking=booking)
    TestModeGateway().payment_capture(payment_id=payment.razorpay_payment_id, amount_paise=payment.amount_paise)
    with django_capture_on_commit_callbacks(execute=True):
        _deliver_ten_times(client, [(payment_event("payment.captured", payment, payment.razorpay_payment_id), "e")])
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert (booking.status, booking.status_reason) == (BookingStatus.REJECTED, CAPTURED_WITHOUT_ACCEPT)
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, payment.amount_paise)
    assert ledger.balance(kind="gateway_clearing") == 0
    assert ledger.entries_balanced()
    told = " ".join(Notification.objects.filter(user=learner).values_list("body", flat=True))
    assert "refunded in full" in told and "not charged" not in told


@pytest.mark.parametrize("field, value", [("amount", 1), ("currency", "USD")])
def test_an_authorization_of_another_amount_is_checked_with_the_gateway(
    client, learner, django_capture_on_commit_callbacks, field, value
):
    """The event's amount or currency differs from our order's: the gateway's own record is
    applied (it has the order's amount), never the event's."""
    session = session_make(mentor=approved_mentor())
    _booking, payment, _order = booking_checkout_start(session=session, learner=learner)
    paid = testmode.payment_authorize(order=TestOrder.objects.get(pk=payment.razorpay_order_id))
    event = payment_event("payment.authorized", payment, paid.id)
    event["payload"]["payment"]["entity"][field] = value
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, event, "evt_odd_amount").status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.razorpay_payment_id) == (PaymentStatus.AUTHORIZED, paid.id)


@pytest.mark.expect_error_log("core.payments.webhooks")
def test_an_authorization_the_gateway_says_is_of_another_amount_is_not_applied(
    client, learner, django_capture_on_commit_callbacks
):
    session = session_make(mentor=approved_mentor())
    booking, payment, _order = booking_checkout_start(session=session, learner=learner)
    paid = testmode.payment_authorize(order=TestOrder.objects.get(pk=payment.razorpay_order_id))
    TestPayment.objects.filter(pk=paid.id).update(amount_paise=100)  # ₹1 paid for a ₹1,100 order
    event = payment_event("payment.authorized", payment, paid.id)
    event["payload"]["payment"]["entity"]["amount"] = 100
    with django_capture_on_commit_callbacks(execute=True):
        _deliver_ten_times(client, [(event, "evt_one_rupee")])
    payment.refresh_from_db()
    booking.refresh_from_db()
    assert (payment.status, payment.razorpay_payment_id) == (PaymentStatus.CREATED, None)
    assert payment.failure_reason == "The amount paid does not match the order."
    assert booking.status == BookingStatus.HELD  # its hold lapses as any unpaid checkout's does
    assert WebhookEvent.objects.get().processed_at is not None


# --- Any signed body: a 2xx or a 4xx, and nothing stored that is never applied --------------

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["\\u0000", "\x00", "x" * 80, ""])
)
ANY_JSON = st.recursive(
    JSON_LEAVES,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def _near_valid(ids: list[str]):
    """Razorpay's shapes, with every field sometimes missing, of the wrong type, overlong or holding a NUL."""
    value = st.sampled_from(ids) | st.sampled_from(["", "x" * 41, "pay_\x00"]) | ANY_JSON
    entity = st.fixed_dictionaries(
        {},
        optional={
            "id": value,
            "order_id": value,
            "payment_id": value,
            "amount": st.integers(min_value=-1, max_value=10**7) | ANY_JSON,
            "currency": st.sampled_from(["INR", "USD"]) | ANY_JSON,
            "status": st.sampled_from(["authorized", "captured", "refunded", "processed", "reversed"]),
            "failure_reason": ANY_JSON,
            "error_description": ANY_JSON,
        },
    )
    wrapper = st.fixed_dictionaries({}, optional={"entity": entity | ANY_JSON})
    return st.fixed_dictionaries(
        {"event": st.sampled_from([*HANDLERS, "order.paid", "x" * 65]) | ANY_JSON},
        optional={
            "payload": st.fixed_dictionaries(
                {}, optional={"payment": wrapper | ANY_JSON, "refund": wrapper, "payout": wrapper}
            )
            | ANY_JSON,
            "created_at": ANY_JSON,
        },
    )


def test_any_signed_body_is_answered_and_nothing_is_left_unapplied(learner):
    """Arbitrary JSON (and near-valid Razorpay events about a real booking), correctly signed:
    never a 5xx; a refused event is not stored; a stored one is processed (or, when the gateway
    refuses what it names, closed), so a redelivery never answers "duplicate" for an event that
    was never applied."""
    guru = approved_mentor()
    booking = book_and_pay(session_make(mentor=guru), learner)
    payment = Payment.objects.get(booking=booking)
    withdrawal = _withdrawal_in_flight(guru, gateway_status="processed")
    ids = [payment.razorpay_order_id, payment.razorpay_payment_id, withdrawal.payout_id]
    client = Client()

    @settings_(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        body=_near_valid(ids).map(lambda event: json.dumps(event).encode())
        | ANY_JSON.map(lambda value: json.dumps(value).encode())
        | st.binary(max_size=20),
        event_id=st.sampled_from(["evt_1", "evt_2", "", "e" * 64, "e" * 65, "evt_\x00"]) | st.text(max_size=70),
    )
    def post(body: bytes, event_id: str):
        before = WebhookEvent.objects.count()
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(
                URL,
                body,
                content_type="application/json",
                headers={
                    "X-Razorpay-Signature": TestModeGateway().webhook_signature(body=body),
                    "X-Razorpay-Event-Id": event_id,
                },
            )
        assert 200 <= response.status_code < 300 or 400 <= response.status_code < 500, response.content
        if response.status_code >= 400:
            assert WebhookEvent.objects.count() == before
        assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()
        assert ledger.entries_balanced()

    post()


# --- In Razorpay mode (its HTTP API faked), with CSRF checks enforced ------------------------


@pytest.fixture
def fake():
    razorpay = {
        "RAZORPAY_KEY_ID": KEY_ID,
        "RAZORPAY_KEY_SECRET": KEY_SECRET,
        "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "RAZORPAYX_ACCOUNT_NUMBER": ACCOUNT_NUMBER,
    }
    with override_settings(**razorpay), responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeRazorpay(mock)


def _deliver_to_razorpay_mode(event: dict, event_id: str):
    body = json.dumps(event).encode()
    signature = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return Client(enforce_csrf_checks=True).post(
        URL,
        body,
        content_type="application/json",
        headers={"X-Razorpay-Signature": signature, "X-Razorpay-Event-Id": event_id},
    )


def test_in_razorpay_mode_a_refund_before_its_capture_is_fetched_and_applied(
    fake, learner, django_capture_on_commit_callbacks
):
    guru = approved_mentor()
    booking, payment, _order = booking_checkout_start(session=session_make(mentor=guru), learner=learner)
    payment_id, signature = fake.checkout_pay(payment.razorpay_order_id)
    booking_payment_authorize(booking=booking, payment_id=payment_id, signature=signature)
    # The accept captured at Razorpay, a refund followed there, and we recorded neither.
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CONFIRMED)
    fake.payments[payment_id].update(status="refunded", captured=True)
    refund = {"id": "rfnd_00000000000099", "payment_id": payment_id, "amount": payment.amount_paise}
    fake.refunds[refund["id"]] = {**refund, "entity": "refund", "status": "processed", "currency": "INR"}
    captured = payment_event("payment.captured", payment, payment_id)
    with django_capture_on_commit_callbacks(execute=True):
        for event, event_id in [
            ({"event": "refund.processed", "payload": {"refund": {"entity": refund}}}, "evt_rp"),
            (captured, "evt_cp"),
        ] * 3:
            response = _deliver_to_razorpay_mode(event, event_id)
            assert response.status_code == 200, response.content
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, payment.amount_paise)
    assert _references(payment=payment) == [f"capture:{payment.pk}", f"refund:{payment.pk}"]
    assert len(fake.calls("GET", f"/payments/{payment_id}")) == 1  # asked once, when the refund came first
    assert ledger.entries_balanced()


def test_a_partial_refund_is_never_recorded_as_a_full_one(client, learner, django_capture_on_commit_callbacks):
    guru = approved_mentor()
    booking = book_and_pay(session_make(mentor=guru), learner)
    booking_accept(booking=booking, mentor=guru)
    payment = Payment.objects.get(booking=booking)
    partial = _refund_event("rfnd_partial", payment)
    partial["payload"]["refund"]["entity"]["amount"] = payment.amount_paise // 2
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, partial, "evt_partial").status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.CAPTURED, 0)
    assert _references(payment=payment) == [f"capture:{payment.pk}"]


@pytest.mark.expect_error_log("core.payments.webhooks")
def test_a_malformed_event_stored_before_the_checks_is_closed_not_stuck(client, caplog):
    """A row the endpoint stored before it checked shapes: the reconciler closes it (logged),
    instead of failing on it every run."""
    event = WebhookEvent.objects.create(
        event_id="evt_old", event_type="payment.captured", payload={"event": "payment.captured", "payload": "x"}
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = deliver(client, {"event": "payment.captured", "payload": "x"}, "evt_old")
    assert response.status_code == 400  # the delivery itself is refused as malformed
    assert payments_reconcile(now=timezone.now() + timedelta(minutes=3))["webhooks_retried"] == 1
    event.refresh_from_db()
    assert event.processed_at is not None
    assert "cannot be applied" in caplog.text
