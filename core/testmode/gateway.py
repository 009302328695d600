"""The offline gateway that `make run` uses without Razorpay keys (``settings.PAYMENT_GATEWAYS["testmode"]``).

It keeps orders, payments, refunds and payouts in the ``testmode`` app's tables, with Razorpay's rules and
idempotency, and signs with a fixed secret derived from SECRET_KEY, so the services run the same checks
as with Razorpay. Its checkout is the local page ``/testmode/checkout/<order_id>/``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from core.payments.gateways.base import (
    PAYOUT_KEY,
    REFUND_KEY,
    Destination,
    Gateway,
    GatewayError,
    GatewayPayment,
    Order,
    Payout,
    Refund,
    check_amount,
    check_receipt,
    hmac_sha256_valid,
)
from core.testmode import services
from core.testmode.models import TestPayment, TestPayout, TestRefund


def _not_found(kind: str, object_id: str) -> GatewayError:
    return GatewayError(f"The id provided does not exist: {kind} {object_id}", retryable=False, status_code=400)


class TestModeGateway(Gateway):
    __test__ = False  # not a pytest class

    name = "testmode"
    is_test_mode = True
    key_id = ""

    def __repr__(self) -> str:
        return "<TestModeGateway>"

    @staticmethod
    def checkout_url(*, order_id: str, callback: str) -> str:
        """The local checkout page for an order; ``callback`` is a same-site path that receives the result."""
        return reverse("testmode:order-checkout", args=[order_id]) + "?" + urlencode({"callback": callback})

    @staticmethod
    def webhook_signature(*, body: bytes) -> str:
        """Sign a webhook body as test mode would, for driving the webhook endpoint in tests."""
        return services.webhook_signature(body=body)

    def order_create(self, *, amount_paise: int, receipt: str, notes: dict[str, str]) -> Order:

        check_amount(amount_paise)
        check_receipt(receipt)
        order = services.order_create(amount_paise=amount_paise, receipt=receipt, notes=notes)
        return Order(order.id, order.amount_paise, order.currency, order.receipt, order.status)

    def payment_fetch(self, *, payment_id: str) -> GatewayPayment:

        payment = TestPayment.objects.filter(pk=payment_id).first()
        if payment is None:
            raise _not_found("payment", payment_id)
        return _payment(payment)

    def order_payments(self, *, order_id: str) -> list[GatewayPayment]:

        return [_payment(p) for p in TestPayment.objects.filter(order_id=order_id)]

    def payment_capture(self, *, payment_id: str, amount_paise: int) -> GatewayPayment:

        check_amount(amount_paise)
        return _payment(services.payment_capture(payment_id=payment_id, amount_paise=amount_paise))

    def payment_refund(
        self, *, payment_id: str, amount_paise: int, idempotency_key: str, notes: dict[str, str]
    ) -> Refund:

        check_amount(amount_paise)
        if not REFUND_KEY.match(idempotency_key):
            raise ValueError("A refund idempotency key has at least 10 letters, digits, '-' or '_'.")
        refund = services.payment_refund(
            payment_id=payment_id, amount_paise=amount_paise, idempotency_key=idempotency_key, notes=notes
        )
        return _refund(refund)

    def refund_fetch(self, *, refund_id: str) -> Refund:

        refund = TestRefund.objects.filter(pk=refund_id).first()
        if refund is None:
            raise _not_found("refund", refund_id)
        return _refund(refund)

    def checkout_signature_valid(self, *, order_id: str, payment_id: str, signature: str) -> bool:

        message = f"{order_id}|{payment_id}".encode()
        return hmac_sha256_valid(secret=services.key_secret(), message=message, signature=signature)

    def webhook_signature_valid(self, *, body: bytes, signature: str) -> bool:

        return hmac_sha256_valid(secret=services.webhook_secret(), message=body, signature=signature)

    def payout_create(
        self,
        *,
        amount_paise: int,
        destination: Destination,
        reference_id: str,
        idempotency_key: str,
        purpose: str = "payout",
    ) -> Payout:

        check_amount(amount_paise)
        if not PAYOUT_KEY.match(idempotency_key):
            raise ValueError("A payout idempotency key has 4 to 36 letters, digits, spaces, '-' or '_'.")
        payout = services.payout_create(
            amount_paise=amount_paise,
            destination=destination,
            reference_id=reference_id,
            idempotency_key=idempotency_key,
            purpose=purpose,
        )
        return _payout(payout)

    def payout_fetch(self, *, payout_id: str) -> Payout:

        payout = TestPayout.objects.filter(pk=payout_id).first()
        if payout is None:
            raise _not_found("payout", payout_id)
        return _payout(payout)

    def payouts_enabled(self) -> bool:
        return True


def _payment(payment) -> GatewayPayment:
    return GatewayPayment(payment.id, payment.order_id, payment.amount_paise, payment.status, payment.order.currency)


def _refund(refund) -> Refund:
    return Refund(refund.id, refund.payment_id, refund.amount_paise, refund.status)


def _payout(payout) -> Payout:
    return Payout(payout.id, payout.amount_paise, payout.status, payout.reference_id)
