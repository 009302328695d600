"""Razorpay webhooks: store each event once, then apply it in a task.

The endpoint checks the signature on the raw body, writes a ``WebhookEvent`` (unique per
provider and event id, so a redelivery is a no-op) and answers at once; the work runs in
``webhook_event_process_task``. Processing locks the event row and marks it processed in
the same transaction as the state changes and ledger rows it causes. Every state change
is a compare-and-swap from the states it may come from, so repeated or out-of-order
events never move a state backwards and never post twice.
"""

from __future__ import annotations

import json
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.bookings.services import payment_mark_authorized, payment_mark_captured, payment_mark_refunded
from core.payments import services
from core.payments.models import Payment, PaymentStatus, WebhookEvent, Withdrawal

logger = logging.getLogger(__name__)


class BadWebhook(ValueError):
    """The request is not a usable webhook (answered with 400 and this reason)."""


def webhook_event_record(*, body: bytes, event_id: str) -> tuple[WebhookEvent, bool]:
    """Store an already signature-checked delivery. Returns ``(event, created)``."""
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise BadWebhook("The body is not JSON.") from exc
    event_type = payload.get("event") if isinstance(payload, dict) else None
    if not event_type:
        raise BadWebhook("The body names no event.")
    event_id = event_id or f"{event_type}:{payload.get('created_at', '')}:{_entity_id(payload)}"
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(event_id=event_id, event_type=event_type, payload=payload), True
    except IntegrityError:
        return WebhookEvent.objects.get(provider="razorpay", event_id=event_id), False


def _entity(payload: dict, name: str) -> dict:
    return ((payload.get("payload") or {}).get(name) or {}).get("entity") or {}


def _entity_id(payload: dict) -> str:
    for name in ("payment", "refund", "payout"):
        if _entity(payload, name).get("id"):
            return _entity(payload, name)["id"]
    return ""


def webhook_event_process(*, event_id: int) -> bool:
    """Apply one stored event, once. Returns whether this call applied it."""
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event_id)
        if event.processed_at is not None:
            return False
        handler = HANDLERS.get(event.event_type)
        if handler is None:
            logger.info("Ignoring webhook event %s", event.event_type)
        else:
            handler(event.payload)
        event.processed_at = timezone.now()
        event.save(update_fields=["processed_at"])
    return True


def _payment_for(payload: dict) -> Payment | None:
    entity = _entity(payload, "payment")
    order_id = entity.get("order_id")
    if not order_id:
        refund = _entity(payload, "refund")
        return Payment.objects.filter(razorpay_payment_id=refund.get("payment_id")).first() if refund else None
    return Payment.objects.filter(razorpay_order_id=order_id).first()


def _payment_authorized(payload: dict) -> None:
    payment = _payment_for(payload)
    if payment is not None:
        payment_mark_authorized(payment=payment, payment_id=_entity(payload, "payment")["id"])


def _payment_captured(payload: dict) -> None:
    payment = _payment_for(payload)
    if payment is None:
        return
    if payment.status == PaymentStatus.CREATED:  # captured arrived before authorized
        payment_mark_authorized(payment=payment, payment_id=_entity(payload, "payment")["id"])
        payment.refresh_from_db()
    payment_mark_captured(payment=payment)


def _payment_failed(payload: dict) -> None:
    entity = _entity(payload, "payment")
    Payment.objects.filter(razorpay_order_id=entity.get("order_id"), status=PaymentStatus.CREATED).update(
        failure_reason=(entity.get("error_description") or "Payment failed")[:200]
    )


def _refund_processed(payload: dict) -> None:
    payment = _payment_for(payload)
    if payment is not None:
        payment_mark_refunded(payment=payment, refund_id=_entity(payload, "refund").get("id", ""))


def _refund_failed(payload: dict) -> None:
    payment = _payment_for(payload)
    if payment is not None:
        logger.error("Refund failed for payment %s: %s", payment.pk, _entity(payload, "refund"))
        Payment.objects.filter(pk=payment.pk).update(failure_reason="Refund failed; retrying.")


def _payout(payload: dict) -> None:
    entity = _entity(payload, "payout")
    withdrawal = Withdrawal.objects.filter(payout_id=entity.get("id")).first()
    if withdrawal is not None:
        status = payload["event"].removeprefix("payout.")
        services.withdrawal_settle(
            withdrawal=withdrawal, payout_status=status, reason=entity.get("failure_reason") or f"Payout {status}"
        )


HANDLERS = {
    "payment.authorized": _payment_authorized,
    "payment.captured": _payment_captured,
    "payment.failed": _payment_failed,
    "refund.processed": _refund_processed,
    "refund.failed": _refund_failed,
    **{f"payout.{status}": _payout for status in ("processed", "failed", "reversed", "rejected", "cancelled")},
}
