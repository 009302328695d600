"""A payment for a purpose a plugin names, end to end through core's real services.

A throwaway "tip jar" plugin (``tipjar``) declares the purpose ``tip`` and is registered with the
real plugin manager. It takes money through ``core.plugin_api`` only: in test mode (the offline
gateway and its fake bank) and in Razorpay mode (only Razorpay's HTTP API faked, request bodies
asserted). The payment is captured at once, the mentor's 90 % is available at once, webhooks in
any order and twice change nothing more, staff refund it (never the learner), and the plugin
hears each event once.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from datetime import timedelta

import pytest
import responses
from django.test import Client, override_settings
from django.utils import timezone

from core import plugin_api, pluginmanager
from core.hooks import PurposePayment
from core.mentoring.tests.factories import approved_mentor
from core.payments import ledger
from core.payments.gateways.tests.fake_razorpay import (
    ACCOUNT_NUMBER,
    KEY_ID,
    KEY_SECRET,
    WEBHOOK_SECRET,
    FakeRazorpay,
)
from core.payments.models import AccountKind, JournalEntry, Payment, PaymentStatus, WebhookEvent
from core.payments.reconcile import payments_reconcile
from core.payments.services import PaymentError, payment_mark_authorized, purpose_payment_refund
from core.payments.tests import tipjar
from core.testmode import services as testmode
from core.testmode.models import TestOrder
from core.users.tests.factories import totp_code
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db

ADMIN_PAYMENTS = "/admin/payments/payment/"


@pytest.fixture
def tip_jar():
    """The tip jar plugin, enabled for one test."""
    tipjar.HEARD.clear()
    pluginmanager.pm.register(tipjar, name="tipjar")
    yield tipjar
    pluginmanager.pm.unregister(tipjar)
    tipjar.HEARD.clear()


@pytest.fixture
def guru():
    return approved_mentor()


def available(user) -> int:
    return ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=user)


def pending(user) -> int:
    return ledger.balance(kind=AccountKind.MENTOR_PENDING, user=user)


def heard() -> list[tuple[str, str, int | None]]:
    return [(event, payment.reference, amount) for event, payment, amount in tipjar.HEARD]


def pay_at_the_test_bank(client, tip: PurposePayment):
    """The learner opens core's page, goes to the test-mode bank, presses Pay, and comes back."""
    page = client.get(tip.checkout_url)
    callback = f"/pay/{tip.order_id}/return/"
    assert f'href="/testmode/checkout/{tip.order_id}/?callback=%2Fpay%2F{tip.order_id}%2Freturn%2F"' in (
        page.content.decode()
    )
    bank = client.post(f"/testmode/checkout/{tip.order_id}/", {"callback": callback, "action": "pay"})
    return client.post(callback, bank.context["fields"])


# --- Test mode -------------------------------------------------------------------------------


def test_a_tip_is_taken_in_test_mode_captured_at_once_and_available_at_once(
    client, learner, guru, tip_jar, django_capture_on_commit_callbacks
):
    tip = tipjar.tip_start(learner=learner, mentor=guru, rupees=500)
    assert isinstance(tip, PurposePayment)
    assert (tip.purpose, tip.reference, tip.status) == ("tip", "tip-1", "created")
    assert (tip.price_paise, tip.fee_paise, tip.amount_paise, tip.payee_share_paise) == (50000, 5000, 55000, 45000)
    assert tip.checkout_url == f"/pay/{tip.order_id}/"
    assert TestOrder.objects.get(pk=tip.order_id).amount_paise == 55000

    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        answer = pay_at_the_test_bank(client, tip)
    assert (answer.status_code, answer["Location"]) == (302, "/dashboard/learner/")

    payment = Payment.objects.get(purpose="tip", reference="tip-1")
    assert payment.status == PaymentStatus.CAPTURED and payment.booking_id is None
    assert (available(guru), pending(guru)) == (45000, 0)  # 90 % of ₹500, at once
    assert ledger.balance(kind=AccountKind.GATEWAY_CLEARING) == 55000
    assert ledger.balance(kind=AccountKind.PLATFORM_REVENUE) == 10000
    assert ledger.entries_balanced()
    assert sorted(JournalEntry.objects.values_list("reference", flat=True)) == [
        f"capture:{payment.pk}",
        f"release:{payment.pk}",
    ]
    assert heard() == [("captured", "tip-1", None)]
    assert tipjar.HEARD[0][1].status == "captured" and tipjar.HEARD[0][1].payee_id == guru.pk
    assert plugin_api.payment_get(purpose="tip", reference="tip-1").status == "captured"

    # Checkout's answer again (a reload, a double submit): nothing more moves or is heard.
    bank_fields = {
        "razorpay_order_id": tip.order_id,
        "razorpay_payment_id": payment.razorpay_payment_id,
        "razorpay_signature": testmode.checkout_signature(
            order_id=tip.order_id, payment_id=payment.razorpay_payment_id
        ),
    }
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/pay/{tip.order_id}/return/", bank_fields)
    assert again.status_code == 302
    assert JournalEntry.objects.count() == 2 and available(guru) == 45000
    assert heard() == [("captured", "tip-1", None)]

    # The page now says it is paid.
    page = client.get(tip.checkout_url).content.decode()
    assert "Paid ₹550" in page and "Open Razorpay Checkout" not in page


def test_the_checkout_page_shows_what_is_paid_for_with_the_fee_and_the_test_mode_banner(client, learner, guru, tip_jar):
    tip = tipjar.tip_start(learner=learner, mentor=guru, rupees=500)
    client.force_login(learner)
    response = client.get(tip.checkout_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="testmode-banner"' in page
    assert "A tip for Guru Mentor" in page and ">Tip jar<" in page
    assert 'data-testid="pay-price">₹500<' in page
    assert 'data-testid="pay-fee">₹50<' in page
    assert 'data-testid="pay-total">₹550<' in page
    assert "Pay ₹550" in page
    assert 'data-testid="checkout-terms"' in page


def test_the_checkout_page_is_the_payers_alone(client, learner, other_learner, guru, staff, tip_jar):
    tip = tipjar.tip_start(learner=learner, mentor=guru, rupees=100)
    for person in (other_learner, guru):
        client.force_login(person)
        assert client.get(tip.checkout_url).status_code == 404, person
        assert client.get(f"/pay/{tip.order_id}/return/").status_code == 404, person
    force_login_verified(client, staff)
    assert client.get(tip.checkout_url).status_code == 404
    client.logout()
    response = client.get(tip.checkout_url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_failed_try_at_the_bank_leaves_the_payment_open(client, learner, guru, tip_jar):
    tip = tipjar.tip_start(learner=learner, mentor=guru, rupees=100)
    client.force_login(learner)
    callback = f"/pay/{tip.order_id}/return/"
    bank = client.post(f"/testmode/checkout/{tip.order_id}/", {"callback": callback, "action": "fail"})
    answer = client.post(callback, bank.context["fields"])
    assert (answer.status_code, answer["Location"]) == (302, tip.checkout_url)
    assert Payment.objects.get().status == PaymentStatus.CREATED
    forged = client.post(
        callback, {"razorpay_order_id": tip.order_id, "razorpay_payment_id": "pay_x", "razorpay_signature": "0" * 64}
    )
    assert forged.status_code == 302
    assert Payment.objects.get().status == PaymentStatus.CREATED and not JournalEntry.objects.exists()


def test_each_failed_try_says_retry_then_after_three_another_method(client, learner, guru, tip_jar):
    tip = tipjar.tip_start(learner=learner, mentor=guru, rupees=100)
    client.force_login(learner)
    callback = f"/pay/{tip.order_id}/return/"
    said = []
    for _ in range(4):
        bank = client.post(f"/testmode/checkout/{tip.order_id}/", {"callback": callback, "action": "fail"})
        page = client.post(callback, bank.context["fields"], follow=True)
        said.append([str(message) for message in page.context["messages"]])
    assert said[0] == ["Tip jar failed, retry? Nothing was charged. 2 more tries with this method."]
    assert said[1] == ["Tip jar failed, retry? Nothing was charged. 1 more try with this method."]
    assert said[2][0].startswith("Tip jar failed 3 times. Try another method?")
    assert said[3][0].startswith("Tip jar failed 4 times. Try another method?")
    payment = Payment.objects.get()
    assert (payment.status, payment.failed_attempts) == (PaymentStatus.CREATED, 4)  # still open: nothing charged
    assert "Pay ₹110" in page.content.decode()


def test_a_retried_start_is_the_same_payment_and_a_reused_reference_is_refused(learner, guru, tip_jar):
    first = tipjar.tip_start(learner=learner, mentor=guru, rupees=200)
    again = tipjar.tip_start(learner=learner, mentor=guru, rupees=200)
    assert again == first
    assert Payment.objects.count() == TestOrder.objects.count() == 1
    with pytest.raises(PaymentError, match="already used for another payment"):
        tipjar.tip_start(learner=learner, mentor=guru, rupees=300)
    assert Payment.objects.count() == 1


def test_an_undeclared_purpose_is_refused(learner, guru):
    """Without the tip jar plugin enabled, nobody declares "tip"; "booking" is core's own."""
    for purpose in ("tip", "booking", "Tip", ""):
        with pytest.raises(PaymentError, match="No enabled plugin takes payments"):
            plugin_api.payment_start(
                purpose=purpose, reference="r-1", payer=learner, payee=guru, price_paise=10000, description="x"
            )
    assert not Payment.objects.exists() and not TestOrder.objects.exists()


WRONG = {
    "price 0": ({"price_paise": 0}, "whole rupees from ₹10 to ₹10,000"),
    "₹10,001": ({"price_paise": 1_000_100}, "whole rupees from ₹10 to ₹10,000"),
    "₹9": ({"price_paise": 900}, "whole rupees from ₹10 to ₹10,000"),
    "paise": ({"price_paise": 10050}, "whole rupees from ₹10 to ₹10,000"),
    "a float": ({"price_paise": 100.0}, "whole number of rupees"),
    "NUL in the reference": ({"reference": "tip\x00-1"}, "A payment reference is"),
    "an empty reference": ({"reference": ""}, "A payment reference is"),
    "NUL in the description": ({"description": "A tip\x00"}, "cannot be shown"),
    "no description": ({"description": "  "}, "Say what the payment is for"),
    "another site after paying": ({"return_url": "https://evil.example/"}, "a path on this site"),
}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_wrong_input_is_refused_clearly_and_writes_nothing(learner, guru, tip_jar, case):
    changes, message = WRONG[case]
    arguments = {
        "purpose": "tip",
        "reference": "tip-1",
        "payer": learner,
        "payee": guru,
        "price_paise": 10000,
        "description": "A tip",
        **changes,
    }
    with pytest.raises(PaymentError, match=message):
        plugin_api.payment_start(**arguments)
    assert not Payment.objects.exists() and not TestOrder.objects.exists()


def test_paying_oneself_or_an_unapproved_mentor_is_refused(learner, mentor, guru, tip_jar):
    with pytest.raises(PaymentError, match="You cannot pay yourself"):
        tipjar.tip_start(learner=guru, mentor=guru, rupees=100)
    with pytest.raises(PaymentError, match="only to approved mentors"):
        tipjar.tip_start(learner=learner, mentor=mentor, rupees=100)  # ``mentor`` is not approved
    with pytest.raises(PaymentError, match="only to approved mentors"):
        tipjar.tip_start(learner=guru, mentor=learner, rupees=100)
    assert not Payment.objects.exists() and not TestOrder.objects.exists()


def test_the_plugin_may_set_its_own_limits(learner, guru, tip_jar):
    with pytest.raises(PaymentError, match="from ₹50 to ₹500"):
        plugin_api.payment_start(
            purpose="tip", reference="t", payer=learner, payee=guru, price_paise=60000, description="x",
            min_paise=5000, max_paise=50000,
        )  # fmt: skip
    with pytest.raises(ValueError, match="positive whole rupees"):
        plugin_api.payment_start(
            purpose="tip", reference="t", payer=learner, payee=guru, price_paise=6000, description="x", min_paise=-1
        )


# --- Refunds: staff only ----------------------------------------------------------------------


def _paid_tip(learner, guru, django_capture_on_commit_callbacks) -> Payment:
    tip = tipjar.tip_start(learner=learner, mentor=guru, rupees=500)
    order = TestOrder.objects.get(pk=tip.order_id)
    paid = testmode.payment_authorize(order=order)
    signature = testmode.checkout_signature(order_id=order.pk, payment_id=paid.id)
    payment = Payment.objects.get(pk=tip.id)
    with django_capture_on_commit_callbacks(execute=True):
        from core.payments.services import purpose_payment_authorize

        purpose_payment_authorize(payment=payment, payment_id=paid.id, signature=signature)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    return payment


def test_staff_refund_a_tip_from_the_admin_and_the_plugin_hears_it(
    client, learner, guru, staff, tip_jar, django_capture_on_commit_callbacks
):
    payment = _paid_tip(learner, guru, django_capture_on_commit_callbacks)
    force_login_verified(client, staff)
    listed = client.get(ADMIN_PAYMENTS, {"purpose": "tip"}).content.decode()
    assert payment.razorpay_order_id in listed and "Tip jar" in listed
    chosen = client.post(ADMIN_PAYMENTS, {"action": "refund_one", "_selected_action": [payment.pk]})
    page_url = f"{ADMIN_PAYMENTS}{payment.pk}/refund/"
    assert (chosen.status_code, chosen["Location"]) == (302, page_url)
    page = client.get(page_url).content.decode()
    assert 'value="550.00"' in page and "Why" in page  # the whole amount unless staff say less
    no_reason = client.post(page_url, {"amount": "550", "reason": "  "})
    assert no_reason.status_code == 400 and Payment.objects.get().status == PaymentStatus.CAPTURED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url, {"amount": "550", "reason": "Sent by mistake", "otp_token": totp_code(staff)})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, 55000)
    assert (payment.refund_reason, payment.refunded_by) == ("Sent by mistake", staff)
    assert JournalEntry.objects.filter(reference=f"refund:{payment.pk}").count() == 1
    assert (available(guru), pending(guru)) == (0, 0)  # taken back from where it was: available
    assert ledger.balance(kind=AccountKind.GATEWAY_CLEARING) == 0
    assert ledger.entries_balanced()
    assert heard() == [("captured", "tip-1", None), ("refunded", "tip-1", 55000)]
    assert tipjar.HEARD[-1][1].status == "refunded"

    with django_capture_on_commit_callbacks(execute=True):  # pressed again: refunded once
        again = client.post(page_url, {"amount": "550", "reason": "Sent by mistake"})
    assert again.status_code == 409 and "Why: Sent by mistake" in again.content.decode()
    assert JournalEntry.objects.filter(reference__startswith="refund").count() == 1
    assert len(heard()) == 2


def test_staff_refund_part_of_a_tip_in_proportion_once(
    client, learner, guru, staff, tip_jar, django_capture_on_commit_callbacks
):
    payment = _paid_tip(learner, guru, django_capture_on_commit_callbacks)  # ₹550: mentor ₹450, platform ₹100
    force_login_verified(client, staff)
    page_url = f"{ADMIN_PAYMENTS}{payment.pk}/refund/"
    for wrong in ("0", "-5", "551", "a lot", "55.555"):
        assert client.post(page_url, {"amount": wrong, "reason": "Half"}).status_code == 400, wrong
    with django_capture_on_commit_callbacks(execute=True):
        half = {"amount": "275", "reason": "Half of it by agreement", "otp_token": totp_code(staff)}
        assert client.post(page_url, half).status_code == 302
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_paise, payment.refund_reason) == (
        PaymentStatus.CAPTURED,
        27500,
        "Half of it by agreement",
    )
    assert payment.part_refund_id.startswith("rfnd_")
    assert available(guru) == 45000 - 22500  # half of the mentor's share comes back
    assert ledger.balance(kind=AccountKind.PLATFORM_REVENUE) == 10000 - 5000
    assert ledger.balance(kind=AccountKind.GATEWAY_CLEARING) == 55000 - 27500
    assert ledger.entries_balanced()
    assert heard() == [("captured", "tip-1", None), ("refunded", "tip-1", 27500)]
    with django_capture_on_commit_callbacks(execute=True):  # once per payment: a second part is refused
        assert client.post(page_url, {"amount": "100", "reason": "More"}).status_code == 409
        purpose_payment_refund(payment=payment, by=staff, amount_paise=10000, reason="More")  # idempotent: nothing
    assert JournalEntry.objects.filter(reference__startswith="refund").count() == 1
    assert len(heard()) == 2


def test_the_learner_cannot_refund(client, learner, guru, tip_jar, django_capture_on_commit_callbacks):
    payment = _paid_tip(learner, guru, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionError):
        purpose_payment_refund(payment=payment, by=learner)
    client.force_login(learner)
    response = client.post(f"{ADMIN_PAYMENTS}{payment.pk}/refund/", {"amount": "550", "reason": "Mine"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED and available(guru) == 45000
    assert heard() == [("captured", "tip-1", None)]


def test_the_admin_action_leaves_booking_payments_to_their_bookings(client, learner, staff, guru):
    from core.bookings.tests.factories import book_and_pay
    from core.mentoring.tests.factories import session_make

    booking = book_and_pay(session_make(mentor=guru), learner)
    payment = Payment.objects.get(booking=booking)
    assert (payment.purpose, payment.reference) == ("booking", booking.reference)
    force_login_verified(client, staff)
    refused = client.post(f"{ADMIN_PAYMENTS}{payment.pk}/refund/", {"amount": "100", "reason": "No"})
    assert refused.status_code == 409
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AUTHORIZED
    assert client.get(ADMIN_PAYMENTS, {"purpose": "tip"}).content.decode().count(payment.razorpay_order_id) == 0


# --- Where it shows -------------------------------------------------------------------------------


def test_the_tip_shows_in_the_mentors_earnings_and_the_learners_payments(
    client, learner, guru, tip_jar, django_capture_on_commit_callbacks
):
    payment = _paid_tip(learner, guru, django_capture_on_commit_callbacks)
    client.force_login(guru)
    statement = client.get("/dashboard/mentor/earnings/").content.decode()
    assert "Tip jar" in statement and "A tip for Guru Mentor" in statement and "Available" in statement
    assert 'data-testid="available-balance">₹450<' in statement
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/mentor/earnings.csv").content.decode())))
    assert rows[1][1:] == [
        "",
        "Tip jar: A tip for Guru Mentor",
        "Asha Learner",
        "500.00",
        "50.00",
        "450.00",
        "Available",
    ]
    assert client.get("/dashboard/mentor/analytics/").status_code == 200

    client.force_login(learner)
    payments = client.get("/dashboard/learner/payments/").content.decode()
    assert "Tip jar" in payments and "A tip for Guru Mentor" in payments
    receipt = client.get(f"/dashboard/learner/payments/{payment.pk}/receipt/").content.decode()
    assert 'data-testid="receipt-description">A tip for Guru Mentor' in receipt
    assert "Only our team can refund it." in receipt and "₹550" in receipt


def test_a_switched_off_plugins_payments_still_show_with_the_purpose_in_words(
    client, learner, guru, tip_jar, django_capture_on_commit_callbacks
):
    _paid_tip(learner, guru, django_capture_on_commit_callbacks)
    pluginmanager.pm.unregister(tipjar)
    try:
        client.force_login(guru)
        statement = client.get("/dashboard/mentor/earnings/").content.decode()
        assert "Tip jar" not in statement and "<td>Tip<br>" in statement
    finally:
        pluginmanager.pm.register(tipjar, name="tipjar")


# --- The reconciler -------------------------------------------------------------------------------


def test_the_reconciler_captures_a_tip_whose_answers_were_lost(
    learner, guru, tip_jar, django_capture_on_commit_callbacks
):
    lost_both = tipjar.tip_start(learner=learner, mentor=guru, rupees=100, reference="tip-a")
    testmode.payment_authorize(order=TestOrder.objects.get(pk=lost_both.order_id))  # paid; nothing came back
    lost_capture = tipjar.tip_start(learner=learner, mentor=guru, rupees=200, reference="tip-b")
    paid = testmode.payment_authorize(order=TestOrder.objects.get(pk=lost_capture.order_id))
    payment_mark_authorized(payment=Payment.objects.get(pk=lost_capture.id), payment_id=paid.id)  # capture lost

    with django_capture_on_commit_callbacks(execute=True):
        counts = payments_reconcile(now=timezone.now() + timedelta(minutes=5))
    assert (counts["orders_authorized"], counts["orders_captured"], counts["captures"], counts["errors"]) == (
        1,
        1,
        1,
        0,
    )
    assert set(Payment.objects.values_list("status", flat=True)) == {PaymentStatus.CAPTURED}
    assert available(guru) == 9000 + 18000
    assert sorted(heard()) == [("captured", "tip-a", None), ("captured", "tip-b", None)]
    with django_capture_on_commit_callbacks(execute=True):
        payments_reconcile(now=timezone.now() + timedelta(minutes=10))
    assert JournalEntry.objects.count() == 4 and len(heard()) == 2


# --- Razorpay mode: only its HTTP API is faked ------------------------------------------------------


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


def deliver(name: str, tip: PurposePayment, payment_id: str, event_id: str):
    entity = {"id": payment_id, "order_id": tip.order_id, "amount": tip.amount_paise, "currency": "INR"}
    body = json.dumps({"event": name, "payload": {"payment": {"entity": entity}}, "created_at": 1}).encode()
    signature = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return Client(enforce_csrf_checks=True).post(
        "/payments/razorpay/webhook/",
        body,
        content_type="application/json",
        headers={"X-Razorpay-Signature": signature, "X-Razorpay-Event-Id": event_id},
    )


def _bodies(fake: FakeRazorpay, method: str, path_end: str) -> list[dict]:
    return [json.loads(call.request.body) for call in fake.calls(method, path_end)]


def test_in_razorpay_mode_the_order_checkout_and_capture(
    fake, client, learner, guru, tip_jar, django_capture_on_commit_callbacks
):
    tip = tipjar.tip_start(learner=learner, mentor=guru, rupees=500)
    assert _bodies(fake, "POST", "/orders") == [
        {
            "amount": 55000,
            "currency": "INR",
            "receipt": "tip:tip-1",
            "payment_capture": 0,
            "notes": {"purpose": "tip", "reference": "tip-1", "user_id": str(learner.pk)},
        }
    ]
    client.force_login(learner)
    page = client.get(tip.checkout_url)
    html = page.content.decode()
    assert f'data-key="{KEY_ID}"' in html and f'data-order-id="{tip.order_id}"' in html
    assert 'data-amount="55000"' in html
    assert f'data-callback-url="http://testserver/pay/{tip.order_id}/return/"' in html
    assert "https://checkout.razorpay.com" in page["Content-Security-Policy"]
    assert 'payment=(self "https://api.razorpay.com"' in page["Permissions-Policy"]
    assert 'data-testid="testmode-banner"' not in html

    payment_id, signature = fake.checkout_pay(tip.order_id)
    callback = f"/pay/{tip.order_id}/return/"
    bad = client.post(callback, {"razorpay_payment_id": payment_id, "razorpay_signature": "0" * 64})
    assert bad["Location"] == tip.checkout_url
    assert Payment.objects.get().status == PaymentStatus.CREATED and fake.calls("POST", "/capture") == []

    # Razorpay's cross-site post carries no login cookie: the signed answer alone is enough.
    with django_capture_on_commit_callbacks(execute=True):
        answer = Client().post(
            callback,
            {"razorpay_order_id": tip.order_id, "razorpay_payment_id": payment_id, "razorpay_signature": signature},
        )
    assert answer.status_code == 302
    assert _bodies(fake, "POST", "/capture") == [{"amount": 55000, "currency": "INR"}]
    assert Payment.objects.get().status == PaymentStatus.CAPTURED
    assert (available(guru), pending(guru)) == (45000, 0) and ledger.entries_balanced()
    assert heard() == [("captured", "tip-1", None)]


@pytest.mark.parametrize("order", ["authorized-first", "captured-first"])
def test_in_razorpay_mode_webhooks_in_either_order_and_twice_capture_once(
    fake, learner, guru, tip_jar, django_capture_on_commit_callbacks, order
):
    """Checkout's answer never came back: the webhooks alone take the tip to captured."""
    tip = tipjar.tip_start(learner=learner, mentor=guru, rupees=500)
    payment_id, _signature = fake.checkout_pay(tip.order_id)
    events = [("payment.authorized", "evt_a"), ("payment.captured", "evt_c")]
    if order == "captured-first":
        fake.payments[payment_id].update(status="captured", captured=True)  # captured at Razorpay's end
        events.reverse()
    with django_capture_on_commit_callbacks(execute=True):
        answers = [deliver(name, tip, payment_id, event_id).json()["status"] for name, event_id in events * 2]
    assert answers == ["accepted", "accepted", "duplicate", "duplicate"]
    with django_capture_on_commit_callbacks(execute=True):  # redelivered under new ids: still nothing more
        for name, event_id in events:
            deliver(name, tip, payment_id, f"{event_id}-again")

    payment = Payment.objects.get()
    assert (payment.status, payment.razorpay_payment_id) == (PaymentStatus.CAPTURED, payment_id)
    assert WebhookEvent.objects.filter(processed_at__isnull=True).count() == 0
    expected_captures = [] if order == "captured-first" else [{"amount": 55000, "currency": "INR"}]
    assert _bodies(fake, "POST", "/capture") == expected_captures
    assert sorted(JournalEntry.objects.values_list("reference", flat=True)) == [
        f"capture:{payment.pk}",
        f"release:{payment.pk}",
    ]
    assert (available(guru), pending(guru)) == (45000, 0) and ledger.entries_balanced()
    assert heard() == [("captured", "tip-1", None)]


def test_in_razorpay_mode_a_staff_refund_sends_the_purpose_and_reference(
    fake, learner, guru, staff, tip_jar, django_capture_on_commit_callbacks
):
    tip = tipjar.tip_start(learner=learner, mentor=guru, rupees=500)
    payment_id, signature = fake.checkout_pay(tip.order_id)
    from core.payments.services import purpose_payment_authorize

    with django_capture_on_commit_callbacks(execute=True):
        purpose_payment_authorize(payment=Payment.objects.get(), payment_id=payment_id, signature=signature)
        purpose_payment_refund(payment=Payment.objects.get(), by=staff)
    refunds = fake.calls("POST", "/refund")
    assert [json.loads(call.request.body) for call in refunds] == [
        {"amount": 55000, "speed": "normal", "notes": {"purpose": "tip", "reference": "tip-1"}}
    ]
    assert refunds[0].request.headers["X-Refund-Idempotency"] == f"refund-payment-{tip.id}"
    assert Payment.objects.get().status == PaymentStatus.REFUNDED and available(guru) == 0
    assert heard() == [("captured", "tip-1", None), ("refunded", "tip-1", 55000)]


def test_an_empty_post_of_the_refund_page_says_what_is_missing(
    client, learner, guru, staff, tip_jar, django_capture_on_commit_callbacks
):
    payment = _paid_tip(learner, guru, django_capture_on_commit_callbacks)
    force_login_verified(client, staff)
    response = client.post(f"{ADMIN_PAYMENTS}{payment.pk}/refund/", {})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert Payment.objects.get().status == PaymentStatus.CAPTURED
