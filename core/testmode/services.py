"""Writes of the offline test-mode gateway: what Razorpay would do on its side, done locally.

Same rules as Razorpay: a payment is authorized, then captured once; refunds need a captured payment and
never exceed it; the same refund or payout idempotency key gives back the same refund or payout.
State moves are compare-and-swap updates, and idempotency keys are unique in the database, so two
workers racing each other still get one capture, one refund, one payout.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from core.payments.gateways.base import CURRENCY, Destination, GatewayError, hmac_sha256_hex
from core.testmode.models import TestOrder, TestPayment, TestPayout, TestRefund, new_id

FAILED_PAYOUT_STATUSES = frozenset({"failed", "reversed", "cancelled", "rejected"})


def _secret(purpose: str) -> str:
    """A fixed secret for test mode, derived from SECRET_KEY so nobody configures anything."""
    return hashlib.sha256(f"peerlearn.testmode.{purpose}:{settings.SECRET_KEY}".encode()).hexdigest()


def key_secret() -> str:
    return _secret("key_secret")


def webhook_secret() -> str:
    return _secret("webhook_secret")


def checkout_signature(*, order_id: str, payment_id: str) -> str:
    """What Razorpay Checkout hands the success handler as ``razorpay_signature``."""
    return hmac_sha256_hex(secret=key_secret(), message=f"{order_id}|{payment_id}".encode())


def webhook_signature(*, body: bytes) -> str:
    """The ``X-Razorpay-Signature`` a test-mode webhook body would carry."""
    return hmac_sha256_hex(secret=webhook_secret(), message=body)


def _owner(notes: dict[str, str]):
    user_id = str(notes.get("user_id", ""))
    if not user_id.isdigit():
        return None
    return get_user_model().objects.filter(pk=int(user_id)).first()


def order_create(*, amount_paise: int, receipt: str, notes: dict[str, str]) -> TestOrder:
    return TestOrder.objects.create(
        id=new_id("order"),
        user=_owner(notes),
        amount_paise=amount_paise,
        currency=CURRENCY,
        receipt=receipt,
        notes={str(k): str(v) for k, v in notes.items()},
    )


@transaction.atomic
def payment_authorize(*, order: TestOrder) -> TestPayment:
    """The learner pressed Pay. A second press gives back the payment the first one made."""
    order = TestOrder.objects.select_for_update().get(pk=order.pk)
    existing = order.payments.filter(status__in=("authorized", "captured", "refunded")).first()
    if existing:
        return existing
    TestOrder.objects.filter(pk=order.pk, status="created").update(status="attempted")
    return TestPayment.objects.create(
        id=new_id("pay"), order=order, amount_paise=order.amount_paise, status="authorized"
    )


@transaction.atomic
def payment_fail(*, order: TestOrder) -> TestPayment:
    """The learner pressed Fail: a failed attempt, as when a bank declines."""
    TestOrder.objects.filter(pk=order.pk, status="created").update(status="attempted")
    return TestPayment.objects.create(id=new_id("pay"), order=order, amount_paise=order.amount_paise, status="failed")


def _payment(payment_id: str) -> TestPayment:
    try:
        return TestPayment.objects.get(pk=payment_id)
    except TestPayment.DoesNotExist:
        raise GatewayError(f"The id provided does not exist: {payment_id}", retryable=False, status_code=400) from None


@transaction.atomic
def payment_capture(*, payment_id: str, amount_paise: int) -> TestPayment:
    payment = _payment(payment_id)
    if payment.amount_paise != amount_paise:
        raise GatewayError("Capture amount must be equal to the amount authorized", retryable=False, status_code=400)
    changed = TestPayment.objects.filter(pk=payment.pk, status="authorized").update(
        status="captured", captured_at=timezone.now()
    )
    payment.refresh_from_db()
    if changed:
        TestOrder.objects.filter(pk=payment.order_id).update(status="paid")
    elif payment.status not in ("captured", "refunded"):
        raise GatewayError(
            f"Only authorized payments can be captured; {payment_id} is {payment.status}",
            retryable=False,
            status_code=400,
        )
    return payment


def payment_refund(*, payment_id: str, amount_paise: int, idempotency_key: str, notes: dict[str, str]) -> TestRefund:
    existing = TestRefund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        try:
            return _refund_create(
                payment_id=payment_id, amount_paise=amount_paise, idempotency_key=idempotency_key, notes=notes
            )
        except IntegrityError:  # another worker made it first with the same key
            existing = TestRefund.objects.get(idempotency_key=idempotency_key)
    if existing.payment_id != payment_id or existing.amount_paise != amount_paise:
        raise GatewayError(
            "Different request with the same idempotency key has already been processed.",
            retryable=False,
            status_code=400,
        )
    return existing


@transaction.atomic
def _refund_create(*, payment_id: str, amount_paise: int, idempotency_key: str, notes: dict[str, str]) -> TestRefund:
    payment = _payment(payment_id)
    payment = TestPayment.objects.select_for_update().get(pk=payment.pk)
    if payment.status not in ("captured", "refunded"):
        # As on Razorpay: an authorized payment cannot be refunded; left uncaptured, it is released.
        raise GatewayError(
            f"Only captured payments can be refunded; {payment_id} is {payment.status}",
            retryable=False,
            status_code=400,
        )
    refunded = payment.refunds.exclude(status="failed").aggregate(total=Sum("amount_paise"))["total"] or 0
    if refunded + amount_paise > payment.amount_paise:
        raise GatewayError(
            "The total refund amount is greater than the refund payment amount", retryable=False, status_code=400
        )
    refund = TestRefund.objects.create(
        id=new_id("rfnd"),
        payment=payment,
        amount_paise=amount_paise,
        status="processed",
        idempotency_key=idempotency_key,
        notes={str(k): str(v) for k, v in notes.items()},
    )
    if refunded + amount_paise == payment.amount_paise:
        TestPayment.objects.filter(pk=payment.pk).update(status="refunded")
    return refund


def payout_create(
    *, amount_paise: int, destination: Destination, reference_id: str, idempotency_key: str, purpose: str
) -> TestPayout:
    existing = TestPayout.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        try:
            with transaction.atomic():
                return TestPayout.objects.create(
                    id=new_id("pout"),
                    amount_paise=amount_paise,
                    status="processed",
                    reference_id=reference_id,
                    idempotency_key=idempotency_key,
                    purpose=purpose,
                    mode="IMPS" if destination.kind == "bank_account" else "UPI",
                    destination_kind=destination.kind,
                    destination_name=destination.name,
                    ifsc=destination.ifsc,
                    account_number=destination.account_number,
                    vpa=destination.vpa,
                )
        except IntegrityError:
            existing = TestPayout.objects.get(idempotency_key=idempotency_key)
    if existing.amount_paise != amount_paise or existing.reference_id != reference_id:
        raise GatewayError(
            "Different request with the same idempotency key has already been processed.",
            retryable=False,
            status_code=400,
        )
    return existing


def payout_fail(*, payout: TestPayout, status: str = "failed") -> bool:
    """A staff member fails (or reverses) a test payout so the failure path can be tried. False if already so."""
    if status not in ("failed", "reversed"):
        raise ValueError(f"A test payout can be failed or reversed, not {status!r}.")
    return bool(
        TestPayout.objects.filter(pk=payout.pk)
        .exclude(status__in=FAILED_PAYOUT_STATUSES)
        .update(status=status, failure_reason=f"Marked {status} on the test-mode control page.")
    )
