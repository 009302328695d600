"""The one writer of a payment's state: authorized, captured, refunded (and its ledger rows).

Moved here from ``core.bookings``: what a payment pays for (a booking) is moved by its own app,
which hears of each change through ``core.payments.signals`` in the same transaction. A payment
for a plugin's purpose (``core.payments.services.purpose``) has no owner in core: it is wanted
as soon as it is authorized, captured at once, and its mentor share is available at once; its
plugin hears of it through ``core.hooks`` after the commit, as a ``PurposePayment``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core import hooks
from core.money import refund_split
from core.payments import ledger, signals
from core.payments.gateways import GatewayError, get_gateway
from core.payments.models import BOOKING_PURPOSE, Payment, PaymentStatus


class PaymentError(ValidationError):
    """A payment step refused, with a message for the person."""


def payment_mark_authorized(*, payment: Payment, payment_id: str) -> tuple[Any, bool]:
    """Record an authorized payment (from verified Checkout, or the signed webhook): what it
    pays for takes it in the same transaction (``signals.payment_authorized``: the held booking
    becomes a pending request). Returns ``(booking, hold_lapsed)``; a payment nobody took (the
    hold lapsed) is released. Idempotent and never moves a state backwards."""
    now = timezone.now()
    with transaction.atomic():
        moved = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CREATED).update(
            status=PaymentStatus.AUTHORIZED, razorpay_payment_id=payment_id, authorized_at=now
        )
        if payment.purpose == BOOKING_PURPOSE:
            taken = any(answer for _, answer in signals.payment_authorized.send(sender=Payment, payment=payment))
        else:  # a plugin's purpose: nothing in core can lapse; it is captured at once
            taken = True
        lapsed = bool(moved and not taken)
        if lapsed:  # the hold lapsed while the learner was paying
            Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.VOIDED, closed_at=now)
        booking = Payment.objects.select_related("booking").get(pk=payment.pk).booking  # None for a purpose
    return booking, lapsed


def payment_for_plugins(payment: Payment):
    """What the event hooks hand plugins: the model for a booking payment (core's own receivers
    read its booking), a frozen ``hooks.PurposePayment`` copy for a plugin's purpose."""
    if payment.purpose == BOOKING_PURPOSE:
        return payment
    return purpose_payment_info(payment)


def purpose_payment_info(payment: Payment) -> hooks.PurposePayment:
    """A purpose payment as plugins see it (never the model)."""
    return hooks.PurposePayment(
        id=payment.pk,
        purpose=payment.purpose,
        reference=payment.reference,
        description=payment.description,
        status=payment.status,
        payer_id=payment.learner_id,
        payee_id=payment.mentor_id,
        price_paise=payment.price_paise,
        fee_paise=payment.fee_paise,
        amount_paise=payment.amount_paise,
        payee_share_paise=payment.mentor_share_paise,
        refunded_paise=payment.refunded_paise,
        order_id=payment.razorpay_order_id,
        checkout_url=reverse("pay:checkout", args=[payment.razorpay_order_id]),
        created_at=payment.created_at,
        captured_at=payment.captured_at,
        refund_reason=payment.refund_reason,
    )


def payment_mark_captured(*, payment: Payment, late: bool = False) -> bool:
    """Record a capture and post the split to the ledger (both at most once).

    ``late``: the gateway reports a capture of a payment we released (voided) meanwhile, so
    the learner was charged after all; it is recorded, and ``payment_capture_settle``
    has it refunded.

    A plugin's purpose is not a service still to be delivered: its mentor share is released
    (available) in the same transaction (``release:<payment>``, posted at most once too).
    """
    came_from = [PaymentStatus.AUTHORIZED, PaymentStatus.VOIDED] if late else [PaymentStatus.AUTHORIZED]
    with transaction.atomic():
        moved = Payment.objects.filter(pk=payment.pk, status__in=came_from).update(
            status=PaymentStatus.CAPTURED, captured_at=timezone.now(), closed_at=None
        )
        payment.refresh_from_db()
        if payment.status == PaymentStatus.CAPTURED:
            ledger.post_capture(payment=payment)
            if payment.purpose != BOOKING_PURPOSE:
                ledger.post_release(payment=payment)
        if moved:
            event_payment = payment_for_plugins(payment)
            transaction.on_commit(lambda: hooks.payment_captured.send_robust(sender=Payment, payment=event_payment))
    return bool(moved)


def payment_capture_settle(*, payment: Payment) -> None:
    """A capture we heard of from the gateway (a webhook or the reconciler) rather than from our
    own capture call: what the payment is for is made to agree with the money
    (``signals.payment_capture_reported``; a booking is confirmed, or released and refunded).
    A plugin's purpose wants every capture: nothing to settle."""
    if payment.purpose == BOOKING_PURPOSE:
        signals.payment_capture_reported.send(sender=Payment, payment=payment)


def payment_refund(*, payment: Payment) -> Payment:
    """Refund a captured payment in full, once (the idempotency key is the payment's own id).

    The ledger entry is posted when the gateway reports the refund processed (here, or
    later by the ``refund.processed`` webhook or the reconciler, which fetches the saved
    refund id); every path posts it at most once.
    """
    if payment.status == PaymentStatus.REFUNDED:
        return payment
    if payment.status != PaymentStatus.CAPTURED:
        raise PaymentError("Only a captured payment can be refunded.")
    refund = get_gateway().payment_refund(
        payment_id=payment.razorpay_payment_id,
        amount_paise=payment.amount_paise,
        idempotency_key=f"refund-payment-{payment.pk}",
        notes=_notes(payment),
    )
    Payment.objects.filter(pk=payment.pk, razorpay_refund_id="").update(razorpay_refund_id=refund.id)
    if refund.status == "processed":
        payment_mark_refunded(payment=payment, refund_id=refund.id)
    payment.refresh_from_db()
    return payment


def payment_release(*, payment: Payment, amount_paise: int | None = None) -> bool:
    """Make the mentor's share of ``payment`` (or ``amount_paise`` of it) available: the release
    entry, posted once. True when this call posted it. Whether a release is due (the hold over,
    no report) is the caller's rule; this is the one place that writes it."""
    return ledger.post_release(payment=payment, amount_paise=amount_paise)[1]


def payment_refund_part_request(*, payment: Payment, amount_paise: int, idempotency_key: str, notes: dict) -> str:
    """Ask the gateway to refund ``amount_paise`` of a captured payment; the refund's id.

    Nothing is written here: ``payment_refund_part_post`` records the refund once the caller has
    kept the id (a retry with the same key gets the same refund back). Raises ``GatewayError``."""
    refund = get_gateway().payment_refund(
        payment_id=payment.razorpay_payment_id,
        amount_paise=amount_paise,
        idempotency_key=idempotency_key,
        notes=notes,
    )
    if refund.status == "failed":
        raise GatewayError(
            f"Refund {refund.id} failed", retryable=False, user_message="The gateway refused the refund. Try again."
        )
    return refund.id


def payment_refund_part_post(*, payment: Payment, amount_paise: int, refund_id: str, dispute_id: int) -> bool:
    """Record a part refund the gateway accepted for a dispute: the payment's refunded amount, the
    refund's ledger entry (split between the mentor's and the platform's shares) and the release
    of what is left of the mentor's share. Each step is posted once (unique references), and
    ``on_payment_refunded`` fires once. Call it inside the caller's transaction. True when this
    call recorded the refund."""
    parts = refund_split(
        amount_paise=payment.amount_paise, mentor_share_paise=payment.mentor_share_paise, refund_paise=amount_paise
    )
    with transaction.atomic():
        refunded = Payment.objects.filter(pk=payment.pk, refunded_paise=0).update(
            refunded_paise=F("refunded_paise") + parts.refund_paise
        )
        ledger.post_dispute_refund(
            payment=payment,
            dispute_id=dispute_id,
            mentor_paise=parts.mentor_paise,
            app_paise=parts.app_paise,
            refund_id=refund_id,
        )
        ledger.post_release(payment=payment, amount_paise=payment.mentor_share_paise - parts.mentor_paise)
        if refunded:
            payment.refresh_from_db()
            transaction.on_commit(
                lambda: hooks.payment_refunded.send_robust(
                    sender=Payment, payment=payment, amount_paise=parts.refund_paise
                )
            )
    return bool(refunded)


def payment_refund_part_of_purpose(*, payment: Payment, amount_paise: int) -> Payment:
    """Refund part of a captured plugin's purpose payment (a gift), once per payment.

    The gateway is asked with a key of the payment's own, so asking again (a double click, a
    retry after a lost answer) gets the first refund back, and what is recorded is what the
    gateway says it refunded: the payment's refunded amount, and the ledger entry that takes
    the refund from the mentor's available share and the platform's revenue in proportion
    (``core.money.refund_split``). ``on_payment_refunded`` fires once. Raises ``GatewayError``.
    """
    refund = get_gateway().payment_refund(
        payment_id=payment.razorpay_payment_id,
        amount_paise=amount_paise,
        idempotency_key=f"refund-part-payment-{payment.pk}",
        notes=_notes(payment),
    )
    if refund.status == "failed":
        raise GatewayError(
            f"Refund {refund.id} failed", retryable=False, user_message="The gateway refused the refund. Try again."
        )
    parts = refund_split(
        amount_paise=payment.amount_paise,
        mentor_share_paise=payment.mentor_share_paise,
        refund_paise=refund.amount_paise,
    )
    with transaction.atomic():
        recorded = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CAPTURED, refunded_paise=0).update(
            refunded_paise=parts.refund_paise, part_refund_id=refund.id
        )
        if recorded:
            ledger.post_part_refund(
                payment=payment, mentor_paise=parts.mentor_paise, app_paise=parts.app_paise, refund_id=refund.id
            )
            payment.refresh_from_db()
            event_payment = payment_for_plugins(payment)
            transaction.on_commit(
                lambda: hooks.payment_refunded.send_robust(
                    sender=Payment, payment=event_payment, amount_paise=parts.refund_paise
                )
            )
    payment.refresh_from_db()
    return payment


def _notes(payment: Payment) -> dict[str, str]:
    """What the gateway's dashboard shows next to a refund: the booking, or the purpose and reference."""
    if payment.purpose == BOOKING_PURPOSE:
        return {"booking": payment.booking.reference}
    return {"purpose": payment.purpose, "reference": payment.reference}


def payment_mark_refunded(*, payment: Payment, refund_id: str) -> bool:
    """Record a processed refund and reverse the capture's postings (idempotent).

    A payment staff partly refunded after a dispute is never marked refunded in full: the
    ``refund.processed`` of that partial refund lands here too, and its ledger entry was
    posted by ``core.bookings.disputes`` when the gateway accepted it (its owner says so through
    ``signals.payment_refund_full_allowed``).
    """
    if payment.purpose == BOOKING_PURPOSE:
        answers = signals.payment_refund_full_allowed.send(sender=Payment, payment=payment)
        if any(answer is False for _, answer in answers):
            return False
    with transaction.atomic():
        moved = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CAPTURED).update(
            status=PaymentStatus.REFUNDED, refunded_paise=F("amount_paise"), closed_at=timezone.now()
        )
        if moved:
            payment.refresh_from_db()
            ledger.post_refund(payment=payment, refund_id=refund_id)
            event_payment = payment_for_plugins(payment)
            transaction.on_commit(
                lambda: hooks.payment_refunded.send_robust(
                    sender=Payment, payment=event_payment, amount_paise=payment.amount_paise
                )
            )
    return bool(moved)


def payment_create(*, booking, learner, mentor, amounts, gateway_name: str, order_id: str) -> Payment:
    """A payment for ``booking`` in the gateway's order ``order_id``, split as ``amounts``
    (``core.money.split``): created, waiting for the learner's checkout."""
    return Payment.objects.create(
        booking=booking,
        purpose=BOOKING_PURPOSE,
        reference=booking.reference,
        learner=learner,
        mentor=mentor,
        price_paise=amounts.price_paise,
        fee_paise=amounts.fee_paise,
        amount_paise=amounts.amount_paise,
        mentor_share_paise=amounts.mentor_share_paise,
        app_share_paise=amounts.app_share_paise,
        gateway=gateway_name,
        razorpay_order_id=order_id,
    )


def payment_capture_attempt_mark(*, payment: Payment) -> None:
    """Saved before asking the gateway to capture: if its answer is lost, a later release asks
    the gateway first (``capture_attempted_at``, set once)."""
    Payment.objects.filter(pk=payment.pk, capture_attempted_at__isnull=True).update(capture_attempted_at=timezone.now())


def payments_void_open(*, booking, now=None) -> int:
    """Release every payment of ``booking`` that was never captured (created or authorized): the
    hold on the learner's card lapses and nothing is charged. Call it inside the transaction
    that ends the booking."""
    return Payment.objects.filter(booking=booking, status__in=[PaymentStatus.CREATED, PaymentStatus.AUTHORIZED]).update(
        status=PaymentStatus.VOIDED, closed_at=now or timezone.now()
    )
