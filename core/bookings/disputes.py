"""Disputes: the learner reports a problem within the hold window; staff settle it in the admin.

docs/decisions/0001-early-end-and-disputes.md: a mentor's share becomes available
``EARNINGS_HOLD_HOURS`` after the session ends (``core.bookings.services.earnings_release_due``).
Until then the learner can report a problem from the booking page or the feedback form, and
after a session the mentor ended early they are asked "Did the session go as booked?" ("No"
reports a problem). A report holds the share until staff settle it: release it, refund part
(``core.money.refund_split`` divides a partial refund between the two shares), or refund in
full. Every settlement goes through the ledger and records who decided, when and why.

Concurrency: opening a dispute and releasing a share both lock the booking row, so they never
both win; a settlement claims the dispute with a compare-and-swap from open before it calls the
gateway, and every step after the claim is idempotent (unique ledger references, gateway
idempotency keys), so settling twice, or again after a crash, refunds once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import hooks
from core.bookings.models import Booking, BookingStatus, Dispute, DisputeSource, DisputeStatus
from core.bookings.services import BookingError, earnings_hold_ends_at
from core.mentoring.models import SessionStatus
from core.money import format_inr, refund_split
from core.payments.gateways.base import GatewayError
from core.payments.models import JournalEntry, Payment, PaymentStatus
from core.payments.services import (
    payment_refund,
    payment_refund_part_post,
    payment_refund_part_request,
    payment_release,
)
from core.users.models import User

logger = logging.getLogger(__name__)

REASON_MAX = 2000
NOTE_MAX = 2000
ENDED_EARLY_REASON = "The mentor ended the session early and it did not go as booked."


class DisputeError(ValidationError):
    """A report or a settlement refused, with a message for the person."""


def _send(signal, dispute: Dispute) -> None:
    transaction.on_commit(lambda: signal.send_robust(sender=Dispute, dispute=dispute))


def _released(booking: Booking) -> bool:
    return JournalEntry.objects.filter(payment__booking=booking, reference__startswith="release:").exists()


def dispute_refusal(*, booking: Booking, user: User, now: datetime | None = None) -> str:
    """Why ``user`` may not report a problem with ``booking`` (now), or "" when they may."""
    now = now or timezone.now()
    if booking.learner_id != user.pk or booking.status != BookingStatus.CONFIRMED:
        return "Only the learner of this booking can report a problem."
    session = booking.session
    if session.status != SessionStatus.COMPLETED:
        return "You can report a problem once the session has ended."
    if Dispute.objects.filter(booking=booking).exists():
        return "You have reported a problem with this session already."
    closes_at = earnings_hold_ends_at(session=session)
    if closes_at is None or now >= closes_at or _released(booking):
        return "The time to report a problem with this session is over: the payment went to the mentor."
    if not Payment.objects.filter(booking=booking, status=PaymentStatus.CAPTURED).exists():
        return "There is no payment on hold for this session."
    return ""


def dispute_open(
    *, booking: Booking, learner: User, reason: str, source: str, now: datetime | None = None
) -> tuple[Dispute, bool]:
    """The learner reports a problem: the mentor's share stays pending until staff settle it.

    Returns ``(dispute, created)``. A double submit returns the open dispute (created False).
    Raises DisputeError outside the window, for someone else's booking, or without a reason.
    """
    reason = (reason or "").strip()
    if source not in DisputeSource.values:
        raise ValueError(f"Unknown dispute source {source!r}.")
    if not reason:
        raise DisputeError({"reason": "Tell us what went wrong."})
    if len(reason) > REASON_MAX:
        raise DisputeError({"reason": f"Keep it under {REASON_MAX:,} characters."})
    with transaction.atomic():
        # The release locks this row too: a report and the release never both win.
        Booking.objects.select_for_update().filter(pk=booking.pk).first()
        existing = Dispute.objects.filter(booking=booking, opened_by=learner, status=DisputeStatus.OPEN).first()
        if existing is not None:
            return existing, False
        booking.refresh_from_db()
        refusal = dispute_refusal(booking=booking, user=learner, now=now)
        if refusal:
            raise DisputeError(refusal, code="refused")
        try:
            with transaction.atomic():
                dispute = Dispute.objects.create(booking=booking, opened_by=learner, source=source, reason=reason)
        except IntegrityError:  # a concurrent submit of the same report won
            return Dispute.objects.get(booking=booking, status=DisputeStatus.OPEN), False
        _send(hooks.dispute_opened, dispute)
    logger.info("Dispute %s opened on booking %s", dispute.pk, booking.reference)
    return dispute, True


def early_end_question_open(*, booking: Booking, user: User, now: datetime | None = None) -> bool:
    """Whether ``user`` is to be asked "Did the session go as booked?": the learner of a
    session the mentor ended early, not answered yet, within the window, no report yet."""
    return (
        booking.session.ended_early
        and booking.went_as_booked is None
        and not dispute_refusal(booking=booking, user=user, now=now)
    )


def booking_early_end_answer(
    *, booking: Booking, learner: User, went_as_booked: bool, reason: str = "", now: datetime | None = None
) -> Dispute | None:
    """The learner's answer after an early end. "Yes" is recorded and the share is released as
    usual when the hold ends; "No" reports a problem (``reason`` optional). Answering twice the
    same way changes nothing; returns the dispute a "No" opened."""
    booking.refresh_from_db()
    if booking.learner_id != learner.pk:
        raise PermissionError("Only the booking's learner can answer.")
    if not booking.session.ended_early:
        raise DisputeError("This session was not ended early.", code="refused")
    if booking.went_as_booked is not None:
        if booking.went_as_booked != went_as_booked:
            raise DisputeError("You have answered this already.", code="refused")
        return Dispute.objects.filter(booking=booking, status=DisputeStatus.OPEN).first()
    with transaction.atomic():
        dispute = None
        if not went_as_booked:
            dispute, _ = dispute_open(
                booking=booking,
                learner=learner,
                reason=(reason or "").strip() or ENDED_EARLY_REASON,
                source=DisputeSource.ENDED_EARLY,
                now=now,
            )
        elif refusal := dispute_refusal(booking=booking, user=learner, now=now):
            raise DisputeError(refusal, code="refused")
        Booking.objects.filter(pk=booking.pk, went_as_booked__isnull=True).update(went_as_booked=went_as_booked)
    booking.refresh_from_db()
    return dispute


# --- Settlement (staff, in the admin) --------------------------------------------------------

DECISIONS = (DisputeStatus.RELEASED, DisputeStatus.PARTIALLY_REFUNDED, DisputeStatus.REFUNDED)


def _captured_payment(dispute: Dispute) -> Payment:
    payment = (
        Payment.objects.filter(
            booking_id=dispute.booking_id, status__in=[PaymentStatus.CAPTURED, PaymentStatus.REFUNDED]
        )
        .select_related("mentor", "booking")
        .order_by("-created_at")
        .first()
    )
    if payment is None:
        raise DisputeError("This booking has no captured payment to settle.")
    return payment


def dispute_settle(
    *, dispute: Dispute, by: User, decision: str, note: str, refund_paise: int = 0, now: datetime | None = None
) -> Dispute:
    """Staff settle an open dispute, recording who, when and why (``note``, required):

    - ``released``: the mentor's share becomes available now;
    - ``partially_refunded``: ``refund_paise`` (more than ₹0, at most what was paid) goes back
      to the learner through the gateway; ``core.money.refund_split`` takes it from the two
      shares in proportion, and the rest of the mentor's share becomes available;
    - ``refunded``: the whole payment goes back (the capture's postings are reversed).

    A partial refund of everything is a full refund. Idempotent: the same decision again
    finishes what an interrupted run started and changes nothing else; a different decision
    on a settled dispute is refused. A gateway error reopens the dispute and is raised.
    """
    if not by.is_staff:
        raise PermissionError("Only staff settle disputes.")
    if decision not in DECISIONS:
        raise DisputeError({"decision": "Choose release, partial refund or full refund."})
    note = (note or "").strip()
    if not note:
        raise DisputeError({"note": "Say why: both participants read this note."})
    if len(note) > NOTE_MAX:
        raise DisputeError({"note": f"Keep the note under {NOTE_MAX:,} characters."})
    payment = _captured_payment(dispute)
    if decision == DisputeStatus.REFUNDED:
        refund_paise = payment.amount_paise
    elif decision == DisputeStatus.PARTIALLY_REFUNDED:
        try:
            refund_split(
                amount_paise=payment.amount_paise,
                mentor_share_paise=payment.mentor_share_paise,
                refund_paise=refund_paise,
            )
        except ValueError as exc:
            raise DisputeError({"refund": str(exc)}) from exc
        if refund_paise == payment.amount_paise:
            decision = DisputeStatus.REFUNDED
    else:
        refund_paise = 0
    now = now or timezone.now()
    claimed = Dispute.objects.filter(pk=dispute.pk, status=DisputeStatus.OPEN).update(
        status=decision, decided_by=by, decided_at=now, decision_note=note, refund_paise=refund_paise
    )
    dispute.refresh_from_db()
    if not claimed and (dispute.status != decision or dispute.refund_paise != refund_paise):
        raise DisputeError(
            f"This dispute was settled already: {dispute.get_status_display().lower()}"
            + (f" ({format_inr(dispute.refund_paise)})" if dispute.refund_paise else "")
            + "."
        )
    try:
        _carry_out(dispute=dispute, payment=payment)
    except (GatewayError, BookingError) as exc:
        if claimed:
            Dispute.objects.filter(pk=dispute.pk, status=decision, gateway_refund_id="").update(
                status=DisputeStatus.OPEN, decided_by=None, decided_at=None, decision_note="", refund_paise=0
            )
        message = exc.user_message if isinstance(exc, GatewayError) else exc.messages[0]
        raise DisputeError(message or "The payment service did not answer. Try again.") from exc
    if claimed:
        logger.info("Dispute %s settled by %s: %s %s", dispute.pk, by.pk, decision, refund_paise)
        transaction.on_commit(lambda: hooks.dispute_settled.send_robust(sender=Dispute, dispute=dispute))
    dispute.refresh_from_db()
    return dispute


def _carry_out(*, dispute: Dispute, payment: Payment) -> None:
    """The money side of a claimed decision; every step is safe to repeat."""
    if dispute.status == DisputeStatus.RELEASED:
        payment_release(payment=payment)
    elif dispute.status == DisputeStatus.REFUNDED:
        payment_refund(payment=payment)  # keyed by the payment; posted when the gateway processes it
    else:
        _refund_part(dispute=dispute, payment=payment)


def _refund_part(*, dispute: Dispute, payment: Payment) -> None:
    """Refund ``dispute.refund_paise`` at the gateway (keyed by the dispute), then, with the
    refund's id kept on the dispute, have payments record it and release what is left of the
    mentor's share, once. The ledger entry is posted when the gateway accepts the refund; a
    refund it fails later is logged for a person."""
    refund_id = payment_refund_part_request(
        payment=payment,
        amount_paise=dispute.refund_paise,
        idempotency_key=f"dispute-{dispute.pk}-partial-refund",
        notes={"booking": payment.booking.reference, "dispute": str(dispute.pk)},
    )
    with transaction.atomic():
        Dispute.objects.filter(pk=dispute.pk, gateway_refund_id="").update(gateway_refund_id=refund_id)
        payment_refund_part_post(
            payment=payment, amount_paise=dispute.refund_paise, refund_id=refund_id, dispute_id=dispute.pk
        )
