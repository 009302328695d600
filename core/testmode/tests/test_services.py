"""Razorpay's rules, kept by the offline gateway's services."""

from __future__ import annotations

import pytest

from core.payments.gateways import Destination, GatewayError
from core.testmode import services
from core.testmode.gateway import TestModeGateway
from core.testmode.models import TestOrder, TestRefund


@pytest.fixture
def captured(learner):
    gateway = TestModeGateway()
    order = gateway.order_create(amount_paise=1_000_00, receipt="bk_1", notes={"user_id": str(learner.pk)})
    payment = services.payment_authorize(order=TestOrder.objects.get(pk=order.id))
    gateway.payment_capture(payment_id=payment.pk, amount_paise=1_000_00)
    return gateway, payment.pk


@pytest.mark.django_db
def test_ids_look_like_razorpays(captured):
    _gateway, payment_id = captured
    assert payment_id.startswith("pay_TEST") and len(payment_id) == len("pay_") + 18
    assert TestOrder.objects.get().pk.startswith("order_TEST")
    assert TestOrder.objects.get().status == "paid"


@pytest.mark.django_db
def test_partial_refunds_add_up_and_never_exceed_the_payment(captured):
    gateway, payment_id = captured
    first = gateway.payment_refund(payment_id=payment_id, amount_paise=400_00, idempotency_key="refund-one-1", notes={})
    assert gateway.payment_fetch(payment_id=payment_id).status == "captured"
    with pytest.raises(GatewayError) as too_much:
        gateway.payment_refund(payment_id=payment_id, amount_paise=600_01, idempotency_key="refund-two-1", notes={})
    assert too_much.value.retryable is False
    second = gateway.payment_refund(
        payment_id=payment_id, amount_paise=600_00, idempotency_key="refund-two-2", notes={}
    )
    assert first.id != second.id
    assert gateway.payment_fetch(payment_id=payment_id).status == "refunded"
    assert TestRefund.objects.count() == 2


@pytest.mark.django_db
def test_a_reused_key_with_a_different_request_is_refused(captured):
    gateway, payment_id = captured
    gateway.payment_refund(payment_id=payment_id, amount_paise=100_00, idempotency_key="refund-same-1", notes={})
    with pytest.raises(GatewayError):
        gateway.payment_refund(payment_id=payment_id, amount_paise=200_00, idempotency_key="refund-same-1", notes={})
    destination = Destination(kind="vpa", name="Meera", vpa="meera@upi")
    gateway.payout_create(amount_paise=100_00, destination=destination, reference_id="wd_1", idempotency_key="wd-1")
    with pytest.raises(GatewayError):
        gateway.payout_create(amount_paise=200_00, destination=destination, reference_id="wd_1", idempotency_key="wd-1")


@pytest.mark.django_db
def test_unknown_ids_are_non_retryable_errors():
    gateway = TestModeGateway()
    for call in (
        lambda: gateway.payment_fetch(payment_id="pay_TESTnope"),
        lambda: gateway.refund_fetch(refund_id="rfnd_TESTnope"),
        lambda: gateway.payout_fetch(payout_id="pout_TESTnope"),
        lambda: gateway.payment_capture(payment_id="pay_TESTnope", amount_paise=100),
    ):
        with pytest.raises(GatewayError) as error:
            call()
        assert error.value.retryable is False


@pytest.mark.django_db
def test_a_failed_payment_cannot_be_captured(learner):
    gateway = TestModeGateway()
    order = gateway.order_create(amount_paise=100_00, receipt="bk_2", notes={"user_id": str(learner.pk)})
    failed = services.payment_fail(order=TestOrder.objects.get(pk=order.id))
    with pytest.raises(GatewayError):
        gateway.payment_capture(payment_id=failed.pk, amount_paise=100_00)


def test_signing_secrets_differ_and_come_from_secret_key(settings):
    assert services.key_secret() != services.webhook_secret()
    before = services.key_secret()
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert services.key_secret() != before
