"""The periodic reconciler: ask the gateway what its webhooks (or a timed-out call) should have told us.

Razorpay disables a webhook after 24 h of failures (docs/decisions/0007-webhooks-and-the-reconciler.md),
and a call that timed out on our side
may have happened on Razorpay's. So ``payments_reconcile_task`` (Celery beat) fetches the state of stale
orders, authorized payments, refunds and payouts, and applies it through the same services the webhooks
and the mentor's answer use. Each of those is a compare-and-swap from the states it may come from, and
each ledger entry has a unique reference, so a run is idempotent, never moves a state backwards and may
race a webhook, a person or another run. A gateway error on one item is logged and counted; the others
go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from core.payments import signals, webhooks
from core.payments.gateways import Gateway, GatewayError, get_gateway
from core.payments.gateways.base import CURRENCY
from core.payments.models import (
    BOOKING_PURPOSE,
    Payment,
    PaymentStatus,
    WebhookEvent,
    Withdrawal,
    WithdrawalStatus,
)
from core.payments.services.payment import (
    payment_capture_settle,
    payment_mark_authorized,
    payment_mark_captured,
    payment_mark_refunded,
    payment_refund,
)
from core.payments.services.payout import withdrawal_payout_send, withdrawal_settle
from core.payments.services.purpose import purpose_payment_capture

logger = logging.getLogger(__name__)

# Refunds, captures and payouts normally settle within seconds; after this long we ask.
STALE_AFTER = timedelta(minutes=15)
# Orders are asked about sooner, while the 10-minute checkout hold still runs, so a learner whose
# Checkout answer and webhook were both lost still gets their request to the mentor.
ORDER_STALE_AFTER = timedelta(minutes=2)
# Orders older than this that are still "created" are abandoned checkouts. A late authorization on one
# is never captured, so it never reached our ledger, and Razorpay releases it by itself.
ORDER_LOOKBACK = timedelta(hours=2)

COUNTS = (
    "webhooks_retried",  # a stored event whose processing failed or whose task was lost, applied now
    "orders_authorized",  # a lost payment.authorized: the booking became a pending request
    "orders_released",  # paid after the hold lapsed: released, never charged
    "orders_captured",
    "orders_failed",  # only failed tries on the order: the failure is recorded
    "captures",  # captured at the gateway (a capture call timed out): recorded and posted
    "refunds_processed",  # a pending refund is now processed: recorded and posted
    "refunds_failed",  # the gateway failed a refund: needs a person (logged as an error)
    "refunds_retried",  # a refund that failed or timed out was asked for again
    "payouts_settled",  # a processing payout is now processed or failed
    "payouts_sent",  # a withdrawal whose payout was never sent (or never answered)
    "errors",  # items the gateway did not answer or refused; tried again next run
)


def payments_reconcile(
    *,
    now=None,
    older_than: timedelta = STALE_AFTER,
    orders_older_than: timedelta = ORDER_STALE_AFTER,
    orders_lookback: timedelta = ORDER_LOOKBACK,
) -> dict[str, int]:
    """Fetch the gateway's state of everything stale and apply it once. Returns counts per kind."""
    now = now or timezone.now()
    cutoff = now - older_than
    gateway = get_gateway()
    counts = dict.fromkeys(COUNTS, 0)
    stuck = WebhookEvent.objects.filter(processed_at__isnull=True, received_at__lte=now - orders_older_than)
    _each(counts, "webhook", stuck.order_by("pk"), _webhook_retry)

    payments = Payment.objects.filter(gateway=gateway.name).select_related("booking__session").order_by("pk")

    orders = payments.filter(
        status=PaymentStatus.CREATED, created_at__lte=now - orders_older_than, created_at__gt=now - orders_lookback
    )
    _each(counts, "order", orders, lambda payment: _order_reconcile(gateway=gateway, payment=payment))

    authorized = payments.filter(status=PaymentStatus.AUTHORIZED, authorized_at__lte=cutoff, purpose=BOOKING_PURPOSE)
    _each(counts, "capture", authorized, lambda payment: _capture_reconcile(gateway=gateway, payment=payment))
    # A plugin's purpose is captured at once; one still authorized lost its capture call's answer.
    uncaptured = payments.filter(status=PaymentStatus.AUTHORIZED, authorized_at__lte=now - orders_older_than).exclude(
        purpose=BOOKING_PURPOSE
    )
    _each(counts, "purpose capture", uncaptured, _purpose_capture)

    refunding = payments.filter(status=PaymentStatus.CAPTURED).exclude(razorpay_refund_id="")
    _each(counts, "refund", refunding, lambda payment: _refund_reconcile(gateway=gateway, payment=payment))

    unrefunded = payments.filter(status=PaymentStatus.CAPTURED, razorpay_refund_id="")
    # Which of them should have been refunded is the rule of what they pay for (its app answers).
    for _, refund_due in signals.payment_refunds_due.send(sender=Payment, payments=unrefunded, cutoff=cutoff):
        _each(counts, "refund retry", refund_due, _refund_retry)

    if gateway.payouts_enabled():
        withdrawals = Withdrawal.objects.filter(created_at__lte=cutoff).order_by("pk")
        in_flight = withdrawals.filter(status=WithdrawalStatus.PROCESSING).exclude(payout_id="")
        _each(counts, "payout", in_flight, lambda withdrawal: _payout_reconcile(gateway=gateway, withdrawal=withdrawal))
        unsent = withdrawals.filter(
            Q(status=WithdrawalStatus.PENDING) | Q(status=WithdrawalStatus.PROCESSING, payout_id="")
        )
        _each(counts, "payout send", unsent, _payout_send)
    return counts


def _each(counts: dict[str, int], kind: str, items: Iterable, step: Callable[[object], Iterable[str]]) -> None:
    """Run ``step`` on every item; one that fails is logged and counted, and the others go on."""
    for item in items:
        try:
            for key in step(item):
                counts[key] += 1
        except GatewayError as exc:
            log = logger.warning if exc.retryable else logger.error
            log("Reconciling %s %s: the gateway answered %s", kind, item.pk, exc)
            counts["errors"] += 1
        except Exception:
            logger.exception("Reconciling %s %s failed", kind, item.pk)
            counts["errors"] += 1


def _webhook_retry(event: WebhookEvent) -> list[str]:
    return ["webhooks_retried"] if webhooks.webhook_event_process(event_id=event.pk) else []


def _order_reconcile(*, gateway: Gateway, payment: Payment) -> list[str]:
    """A payment still "created": did the learner pay (the same path as the payment.* webhooks)?"""
    tries = [
        t
        for t in gateway.order_payments(order_id=payment.razorpay_order_id)
        if t.status == "failed" or (t.amount_paise, t.currency) == (payment.amount_paise, CURRENCY)
    ]  # a payment of another amount than our order's is never applied
    paid = next((t for t in tries if t.status == "captured"), None) or next(
        (t for t in tries if t.status == "authorized"), None
    )
    if paid is None:
        if tries and all(t.status == "failed" for t in tries):
            recorded = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CREATED, failure_reason="").update(
                failure_reason="Payment failed"
            )
            return ["orders_failed"] if recorded else []
        return []  # no payment yet: the checkout hold's expiry deals with the booking
    _booking, lapsed = payment_mark_authorized(payment=payment, payment_id=paid.id)
    payment.refresh_from_db()
    keys = []
    if payment.status == PaymentStatus.AUTHORIZED:
        keys.append("orders_authorized")
    elif lapsed:
        keys.append("orders_released")
    if paid.status == "captured":
        if payment_mark_captured(payment=payment, late=True):
            keys.append("orders_captured")
            payment_capture_settle(payment=payment)
        elif payment.status != PaymentStatus.CAPTURED:
            logger.error("Payment %s is captured at the gateway but %s here", payment.pk, payment.status)
    elif payment.purpose != BOOKING_PURPOSE and purpose_payment_capture(payment=payment).status == "captured":
        keys.append("orders_captured")
    return keys


def _purpose_capture(payment: Payment) -> list[str]:
    """A plugin's purpose payment still authorized: capture it now (idempotent at the gateway)."""
    return ["captures"] if purpose_payment_capture(payment=payment).status == PaymentStatus.CAPTURED else []


def _capture_reconcile(*, gateway: Gateway, payment: Payment) -> list[str]:
    """An authorized payment: a capture that timed out on our side may have gone through."""
    if gateway.payment_fetch(payment_id=payment.razorpay_payment_id).status != "captured":
        return []
    if not payment_mark_captured(payment=payment):
        return []
    payment_capture_settle(payment=payment)  # the accept whose answer was lost is finished
    return ["captures"]


def _refund_reconcile(*, gateway: Gateway, payment: Payment) -> list[str]:
    """A refund was issued but was not yet processed when we last heard."""
    refund = gateway.refund_fetch(refund_id=payment.razorpay_refund_id)
    if refund.status == "processed":
        return ["refunds_processed"] if payment_mark_refunded(payment=payment, refund_id=refund.id) else []
    if refund.status == "failed":
        logger.error("Refund %s of payment %s failed at the gateway; refund it by hand", refund.id, payment.pk)
        return ["refunds_failed"]
    return []


def _refund_retry(payment: Payment) -> list[str]:
    """A captured payment that should have been refunded, with no refund on record: ask again.

    The refund's idempotency key is the payment's id, so a refund that went through despite a
    timeout is returned as it is, never made twice. What the payment is for may finish it its own
    way (a booking still confirmed on a cancelled session: refund, then the booking is cancelled).
    """
    if not any(answer for _, answer in signals.payment_refund_retry.send(sender=Payment, payment=payment)):
        payment_refund(payment=payment)
    return ["refunds_retried"]


def _payout_reconcile(*, gateway: Gateway, withdrawal: Withdrawal) -> list[str]:
    payout = gateway.payout_fetch(payout_id=withdrawal.payout_id)
    settled = withdrawal_settle(withdrawal=withdrawal, payout_status=payout.status, reason=f"Payout {payout.status}")
    return ["payouts_settled"] if settled.status != WithdrawalStatus.PROCESSING else []


def _payout_send(withdrawal: Withdrawal) -> list[str]:
    """Its task was lost, or its payout call never answered: send again with the same idempotency key."""
    sent = withdrawal_payout_send(withdrawal=withdrawal)
    return ["payouts_sent"] if sent.payout_id else []
