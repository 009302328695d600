"""Razorpay webhooks: store each event once, then apply it in a task.

The endpoint checks the signature on the raw body, checks the event's shape (a malformed
event is refused with 400 and never stored), writes a ``WebhookEvent`` (unique per provider
and event id, so a redelivery is a no-op) and answers at once; the work runs in
``webhook_event_process_task``. Processing locks the event row and marks it processed in
the same transaction as the state changes and ledger rows it causes; an event whose
processing failed stays unprocessed, and a redelivery queues it again.

Razorpay does not promise the order of its events. Every state
change is a compare-and-swap from the states it may come from, so repeated or out-of-order
events never move a state backwards and never post twice; and when an event cannot be
applied to the state we hold (a refund of a payment we have not seen captured, a failure
of a payout we recorded paid), the entity is fetched from the gateway and its state applied.
"""

from __future__ import annotations

import hashlib
import json
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.payments.gateways import GatewayError, GatewayPayment, get_gateway
from core.payments.gateways.base import CURRENCY
from core.payments.models import Payment, PaymentStatus, WebhookEvent, Withdrawal
from core.payments.services.payment import (
    payment_capture_settle,
    payment_mark_authorized,
    payment_mark_captured,
    payment_mark_refunded,
)
from core.payments.services.payout import withdrawal_settle, withdrawal_settle_applies
from core.payments.services.purpose import purpose_payment_capture

logger = logging.getLogger(__name__)

EVENT_ID_MAX = WebhookEvent._meta.get_field("event_id").max_length
EVENT_TYPE_MAX = WebhookEvent._meta.get_field("event_type").max_length
GATEWAY_ID_MAX = Payment._meta.get_field("razorpay_payment_id").max_length


class BadWebhook(ValueError):
    """The request is not a usable webhook (answered with 400 and this reason)."""


# --- Recording: refuse what cannot be applied, store the rest once ---------------------------

# What each event we act on must carry in ``payload.<entity>.entity`` (Razorpay always sends
# these); ``str`` fields are gateway ids: non-empty, at most ``GATEWAY_ID_MAX`` characters.
REQUIRED_FIELDS: dict[str, dict[str, type]] = {
    "payment": {"id": str, "order_id": str, "amount": int, "currency": str},
    "refund": {"id": str, "payment_id": str},
    "payout": {"id": str},
}


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number")


def _has_nul(value) -> bool:
    """Whether a NUL character hides anywhere in a parsed JSON value (PostgreSQL's JSON refuses it)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _entity_kind(event_type: str) -> str | None:
    kind = event_type.partition(".")[0]
    return kind if event_type in HANDLERS and kind in REQUIRED_FIELDS else None


def _entity(payload: dict, name: str) -> dict:
    """``payload.<name>.entity``, or {} when any level is missing or not an object."""
    level = payload.get("payload")
    for key in (name, "entity"):
        level = level.get(key) if isinstance(level, dict) else None
    return level if isinstance(level, dict) else {}


def _check_shape(payload: dict, event_type: str) -> None:
    kind = _entity_kind(event_type)
    if kind is None:
        return  # an event we do not act on: stored and ignored
    entity = _entity(payload, kind)
    for field, kind_of in REQUIRED_FIELDS[kind].items():
        value = entity.get(field)
        if kind_of is int:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise BadWebhook(f"The {kind} entity's {field} is not an amount in paise.")
        elif not isinstance(value, str) or not value.strip() or len(value) > GATEWAY_ID_MAX:
            raise BadWebhook(f"The {kind} entity has no usable {field}.")


def webhook_event_parse(*, body: bytes, event_id: str) -> tuple[dict, str, str]:
    """Check a signature-checked body and its event id. Returns ``(payload, event_type, event_id)``.

    Raises ``BadWebhook`` for anything we could not store or apply: not JSON, no event name,
    ids or names longer than their columns, a NUL character, a known event without the
    entity fields it needs.
    """
    try:
        payload = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise BadWebhook("The body is not JSON.") from exc
    if not isinstance(payload, dict):
        raise BadWebhook("The body is not a JSON object.")
    event_type = payload.get("event")
    if not isinstance(event_type, str) or not event_type:
        raise BadWebhook("The body names no event.")
    if len(event_type) > EVENT_TYPE_MAX:
        raise BadWebhook("The event name is too long.")
    if len(event_id) > EVENT_ID_MAX:
        raise BadWebhook("The event id is too long.")
    if _has_nul(payload) or "\x00" in event_id:
        raise BadWebhook("The body contains a NUL character.")
    _check_shape(payload, event_type)
    if not event_id:  # Razorpay always sends one; without it, the body names the event
        event_id = "sha256:" + hashlib.sha256(body).hexdigest()[: EVENT_ID_MAX - 7]
    return payload, event_type, event_id


def webhook_event_record(*, body: bytes, event_id: str) -> tuple[WebhookEvent, bool]:
    """Store an already signature-checked delivery. Returns ``(event, created)``.

    A delivery of an event stored before is not stored again; if that one's processing never
    finished (it failed, or its task was lost), the caller queues it again.
    """
    payload, event_type, event_id = webhook_event_parse(body=body, event_id=event_id)
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(event_id=event_id, event_type=event_type, payload=payload), True
    except IntegrityError:
        return WebhookEvent.objects.get(provider="razorpay", event_id=event_id), False


# --- Processing ------------------------------------------------------------------------------


def webhook_event_process(*, event_id: int) -> bool:
    """Apply one stored event, once. Returns whether this call applied it."""
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event_id)
        if event.processed_at is not None:
            return False
        handler = HANDLERS.get(event.event_type)
        try:  # a row stored before the endpoint checked shapes may lack what its handler needs
            _check_shape(event.payload if isinstance(event.payload, dict) else {}, event.event_type)
        except BadWebhook as exc:
            logger.error("Webhook event %s (%s) cannot be applied: %s", event.event_id, event.event_type, exc)
            handler = None
        if handler is None:
            logger.info("Ignoring webhook event %s", event.event_type)
        else:
            try:
                with transaction.atomic():
                    handler(event.payload)
            except GatewayError as exc:
                if exc.retryable:
                    raise  # the task (or a redelivery, or the reconciler) tries again
                # The gateway refuses what the event names (an id it does not know): trying
                # again cannot help, so the event is closed, and a person is told.
                logger.error("Webhook event %s (%s) cannot be applied: %s", event.event_id, event.event_type, exc)
        event.processed_at = timezone.now()
        event.save(update_fields=["processed_at"])
    return True


def _payment_for(payload: dict) -> Payment | None:
    entity = _entity(payload, "payment")
    if entity:
        return Payment.objects.filter(razorpay_order_id=entity["order_id"]).first()
    refund = _entity(payload, "refund")
    return Payment.objects.filter(razorpay_payment_id=refund["payment_id"]).first()


def _matches_order(payment: Payment, *, amount_paise: int, currency: str) -> bool:
    return amount_paise == payment.amount_paise and currency == CURRENCY


def _gateway_payment(payment: Payment, payment_id: str) -> GatewayPayment | None:
    """The gateway's own record of ``payment_id``, if it is a payment of ``payment``'s order for
    the order's amount; None (logged) otherwise. A gateway error is raised: the task retries."""
    remote = get_gateway().payment_fetch(payment_id=payment_id)
    if remote.order_id != payment.razorpay_order_id or not _matches_order(
        payment, amount_paise=remote.amount_paise, currency=remote.currency
    ):
        logger.error(
            "Payment %s of order %s is %s %s at the gateway, not our order's %s %s: not applied",
            payment_id,
            payment.razorpay_order_id,
            remote.amount_paise,
            remote.currency,
            payment.amount_paise,
            CURRENCY,
        )
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CREATED).update(
            failure_reason="The amount paid does not match the order."
        )
        return None
    return remote


def _trusted_payment(payload: dict, status: str) -> tuple[Payment, GatewayPayment] | None:
    """The payment an event is about and its state (``status``, the event's news).

    The event's own entity is used when its amount and currency are our order's; otherwise
    the gateway is asked (an event may be stale or wrong) and its state is used, and an
    amount that still differs is never applied.
    """
    payment = _payment_for(payload)
    if payment is None:
        return None
    entity = _entity(payload, "payment")
    if _matches_order(payment, amount_paise=entity["amount"], currency=entity["currency"]):
        return payment, GatewayPayment(entity["id"], entity["order_id"], entity["amount"], status, entity["currency"])
    remote = _gateway_payment(payment, entity["id"])
    return (payment, remote) if remote is not None else None


def _apply_payment_state(*, payment: Payment, remote: GatewayPayment) -> None:
    """Bring ``payment`` to the gateway's ``remote.status`` along the one road it takes:
    authorized, captured (its booking made to agree), refunded (by the caller)."""
    if remote.status not in ("authorized", "captured", "refunded"):
        return
    if payment.status == PaymentStatus.CREATED:
        payment_mark_authorized(payment=payment, payment_id=remote.id)
        payment.refresh_from_db()
    if remote.status in ("captured", "refunded") and payment.razorpay_payment_id == remote.id:
        payment_mark_captured(payment=payment, late=True)
        payment.refresh_from_db()
        if remote.status == "captured":
            payment_capture_settle(payment=payment)


def _payment_authorized(payload: dict) -> None:
    trusted = _trusted_payment(payload, "authorized")
    if trusted is not None:
        payment, remote = trusted
        if remote.status in ("authorized", "captured", "refunded"):
            payment_mark_authorized(payment=payment, payment_id=remote.id)
            purpose_payment_capture(payment=payment)  # a plugin's purpose is captured at once


def _payment_captured(payload: dict) -> None:
    trusted = _trusted_payment(payload, "captured")
    if trusted is not None:
        _apply_payment_state(payment=trusted[0], remote=trusted[1])


def _payment_failed(payload: dict) -> None:
    entity = _entity(payload, "payment")
    reason = entity.get("error_description")
    Payment.objects.filter(razorpay_order_id=entity["order_id"], status=PaymentStatus.CREATED).update(
        failure_reason=(reason if isinstance(reason, str) and reason else "Payment failed")[:200]
    )


def _refund_processed(payload: dict) -> None:
    """A refund we may not have seen the capture of yet (Razorpay sends events in any order):
    the payment's state is fetched from the gateway and applied first, then the refund."""
    payment = _payment_for(payload)
    if payment is None:
        return
    refund = _entity(payload, "refund")
    refund_id, amount = refund["id"], refund.get("amount", payment.amount_paise)
    if isinstance(amount, int) and 0 < amount < payment.amount_paise:
        # A partial refund is recorded by the service that asked for it, never as a full one.
        logger.info("Partial refund %s of payment %s left to the service that made it", refund_id, payment.pk)
        return
    if payment.status != PaymentStatus.CAPTURED and payment.razorpay_payment_id:
        remote = _gateway_payment(payment, payment.razorpay_payment_id)
        if remote is not None:
            _apply_payment_state(payment=payment, remote=remote)
            payment.refresh_from_db()
    payment_mark_refunded(payment=payment, refund_id=refund_id)


def _refund_failed(payload: dict) -> None:
    payment = _payment_for(payload)
    if payment is not None:
        logger.error("Refund failed for payment %s: %s", payment.pk, _entity(payload, "refund").get("id"))
        Payment.objects.filter(pk=payment.pk).update(failure_reason="Refund failed; retrying.")


def _payout(payload: dict) -> None:
    """A payout's news, applied through ``withdrawal_settle``; news that contradicts a state we
    settled already (a failure of a payout recorded paid) is checked with the gateway first."""
    entity = _entity(payload, "payout")
    withdrawal = Withdrawal.objects.filter(payout_id=entity["id"]).first()
    if withdrawal is None:
        return
    status = payload["event"].removeprefix("payout.")
    if not withdrawal_settle_applies(withdrawal=withdrawal, payout_status=status):
        status = get_gateway().payout_fetch(payout_id=withdrawal.payout_id).status
    reason = entity.get("failure_reason")
    withdrawal_settle(
        withdrawal=withdrawal,
        payout_status=status,
        reason=reason if isinstance(reason, str) and reason else f"Payout {status}",
    )


HANDLERS = {
    "payment.authorized": _payment_authorized,
    "payment.captured": _payment_captured,
    "payment.failed": _payment_failed,
    "refund.processed": _refund_processed,
    "refund.failed": _refund_failed,
    **{f"payout.{status}": _payout for status in ("processed", "failed", "reversed", "rejected", "cancelled")},
}
