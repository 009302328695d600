"""One contract, both gateways: what the payments services rely on, checked against the offline test mode
and against Razorpay (its HTTP API faked with ``responses``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from core.payments.gateways import Destination, Gateway, GatewayError, get_gateway
from core.payments.gateways.razorpay_gateway import RazorpayGateway
from core.testmode.gateway import TestModeGateway


@dataclass
class Harness:
    gateway: Gateway
    pay: Callable[[str], tuple[str, str]]  # order id -> (payment id, signature), as Checkout hands them over
    captures: Callable[[str], int]  # how many capture requests/state changes a payment got
    refunds: Callable[[str], int]  # how many refunds a payment has
    payouts: Callable[[str], int]  # how many payouts carry a reference


def _testmode_harness(client, learner) -> Harness:
    from core.testmode.models import TestPayment, TestPayout, TestRefund

    def pay(order_id: str) -> tuple[str, str]:
        client.force_login(learner)
        url = TestModeGateway.checkout_url(order_id=order_id, callback="/dashboard/learner/")
        assert client.get(url).status_code == 200
        response = client.post(url, {"action": "pay", "callback": "/dashboard/learner/"})
        fields = response.context["fields"]
        assert set(fields) == {"razorpay_order_id", "razorpay_payment_id", "razorpay_signature"}
        assert fields["razorpay_order_id"] == order_id
        return fields["razorpay_payment_id"], fields["razorpay_signature"]

    return Harness(
        gateway=TestModeGateway(),
        pay=pay,
        captures=lambda pid: TestPayment.objects.filter(pk=pid, captured_at__isnull=False).count(),
        refunds=lambda pid: TestRefund.objects.filter(payment_id=pid).count(),
        payouts=lambda ref: TestPayout.objects.filter(reference_id=ref).count(),
    )


def _razorpay_harness(request) -> Harness:
    fake = request.getfixturevalue("fake_razorpay")
    return Harness(
        gateway=RazorpayGateway.from_settings(),
        pay=fake.checkout_pay,
        captures=lambda pid: len(fake.calls("POST", f"/payments/{pid}/capture")),
        refunds=lambda pid: sum(1 for r in fake.refunds.values() if r["payment_id"] == pid),
        payouts=lambda ref: sum(1 for p in fake.payouts.values() if p["reference_id"] == ref),
    )


@pytest.fixture(params=["testmode", "razorpay"])
def harness(request, client, learner) -> Harness:
    if request.param == "testmode":
        return _testmode_harness(client, learner)
    return _razorpay_harness(request)


@pytest.mark.django_db
def test_get_gateway_picks_by_settings(harness):
    assert type(get_gateway()) is type(harness.gateway)
    assert harness.gateway.is_test_mode is (harness.gateway.name == "testmode")
    assert bool(harness.gateway.key_id) is not harness.gateway.is_test_mode


@pytest.mark.django_db
def test_book_pay_capture_refund_payout(harness, learner):
    gateway = harness.gateway
    order = gateway.order_create(
        amount_paise=1_100_00, receipt="bk_7", notes={"booking": "bk_7", "user_id": str(learner.pk)}
    )
    assert order.id.startswith("order_")
    assert (order.amount_paise, order.currency, order.receipt, order.status) == (1_100_00, "INR", "bk_7", "created")

    payment_id, signature = harness.pay(order.id)
    assert payment_id.startswith("pay_")
    assert gateway.checkout_signature_valid(order_id=order.id, payment_id=payment_id, signature=signature)
    tampered = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    assert not gateway.checkout_signature_valid(order_id=order.id, payment_id=payment_id, signature=tampered)
    assert not gateway.checkout_signature_valid(order_id=order.id, payment_id=payment_id + "x", signature=signature)
    assert not gateway.checkout_signature_valid(order_id=order.id, payment_id=payment_id, signature="")
    assert not gateway.checkout_signature_valid(order_id=order.id, payment_id=payment_id, signature="é" * 64)

    fetched = gateway.payment_fetch(payment_id=payment_id)
    assert (fetched.id, fetched.order_id, fetched.amount_paise, fetched.status) == (
        payment_id,
        order.id,
        1_100_00,
        "authorized",
    )
    assert [p.id for p in gateway.order_payments(order_id=order.id)] == [payment_id]

    first = gateway.payment_capture(payment_id=payment_id, amount_paise=1_100_00)
    second = gateway.payment_capture(payment_id=payment_id, amount_paise=1_100_00)
    assert first.status == second.status == "captured"
    assert harness.captures(payment_id) == 1

    refund = gateway.payment_refund(
        payment_id=payment_id, amount_paise=1_100_00, idempotency_key="refund-bk_7-1", notes={"reason": "rejected"}
    )
    again = gateway.payment_refund(
        payment_id=payment_id, amount_paise=1_100_00, idempotency_key="refund-bk_7-1", notes={"reason": "rejected"}
    )
    assert refund == again
    assert refund.id.startswith("rfnd_") and refund.payment_id == payment_id and refund.amount_paise == 1_100_00
    assert harness.refunds(payment_id) == 1
    assert gateway.refund_fetch(refund_id=refund.id) == refund
    assert refund.status == "processed"
    assert gateway.payment_fetch(payment_id=payment_id).status == "refunded"

    assert gateway.payouts_enabled()
    destination = Destination(kind="bank_account", name="Meera Mentor", ifsc="HDFC0001234", account_number="1234567890")
    payout = gateway.payout_create(
        amount_paise=900_00, destination=destination, reference_id="wd_42", idempotency_key="withdrawal-42"
    )
    repeat = gateway.payout_create(
        amount_paise=900_00, destination=destination, reference_id="wd_42", idempotency_key="withdrawal-42"
    )
    assert payout == repeat
    assert harness.payouts("wd_42") == 1
    assert payout.id.startswith("pout_") and payout.amount_paise == 900_00 and payout.reference_id == "wd_42"
    assert payout.status in ("queued", "pending", "processing", "processed")
    assert gateway.payout_fetch(payout_id=payout.id) == payout


@pytest.mark.django_db
def test_a_failed_or_authorized_payment_cannot_be_refunded_or_captured_wrongly(harness, learner):
    gateway = harness.gateway
    order = gateway.order_create(amount_paise=500_00, receipt="bk_8", notes={"user_id": str(learner.pk)})
    payment_id, _signature = harness.pay(order.id)
    with pytest.raises(GatewayError) as refused:
        gateway.payment_refund(payment_id=payment_id, amount_paise=500_00, idempotency_key="refund-bk_8-1", notes={})
    assert refused.value.retryable is False
    with pytest.raises(GatewayError):
        gateway.payment_capture(payment_id=payment_id, amount_paise=400_00)  # not the authorized amount
    assert gateway.payment_fetch(payment_id=payment_id).status == "authorized"


@pytest.mark.django_db
def test_amounts_are_int_paise_and_keys_have_razorpays_shape(harness):
    gateway = harness.gateway
    for amount in (1100.0, 0, -5, True):
        with pytest.raises(ValueError):
            gateway.order_create(amount_paise=amount, receipt="bk_9", notes={})
    with pytest.raises(ValueError):
        gateway.order_create(amount_paise=100, receipt="x" * 41, notes={})
    with pytest.raises(ValueError):
        gateway.payment_refund(payment_id="pay_x", amount_paise=100, idempotency_key="short", notes={})
    with pytest.raises(ValueError):
        gateway.payout_create(
            amount_paise=100,
            destination=Destination(kind="vpa", name="A", vpa="a@upi"),
            reference_id="r",
            idempotency_key="k" * 37,
        )


@pytest.mark.django_db
def test_webhook_signature(harness):
    body = b'{"event":"payment.captured","payload":{"payment":{"entity":{"id":"pay_1"}}}}'
    if harness.gateway.is_test_mode:
        signature = TestModeGateway.webhook_signature(body=body)
    else:
        import hashlib
        import hmac

        from core.payments.gateways.tests.fake_razorpay import WEBHOOK_SECRET

        signature = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    gateway = harness.gateway
    assert gateway.webhook_signature_valid(body=body, signature=signature)
    assert not gateway.webhook_signature_valid(body=body + b" ", signature=signature)  # body changed
    assert not gateway.webhook_signature_valid(body=body, signature=signature.upper())  # invalid
    assert not gateway.webhook_signature_valid(body=body, signature="")  # missing header
