"""Booking a session and paying for it: hold, authorize, accept (capture) or reject (release).

Pay on booking, capture on accept (docs/decisions/0003-capture-on-accept.md). Every state change is a compare-and-swap
update inside a transaction, and the database's partial unique indexes hold the
invariants (one confirmed booking and one checkout hold per session). Calls to the payment
gateway happen outside transactions; their results are recorded idempotently.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core import hooks
from core.bookings.models import Booking, BookingStatus, DisputeStatus
from core.mentoring.models import MentoringSession, SessionStatus
from core.money import split
from core.payments.gateways import get_gateway
from core.payments.gateways.base import GatewayError, Order
from core.payments.models import Payment, PaymentStatus
from core.payments.services import (
    payment_capture_attempt_mark,
    payment_create,
    payment_mark_authorized,
    payment_mark_captured,
    payment_refund,
    payment_release,
    payments_void_open,
)
from core.users.models import MentorProfile, Role, User

logger = logging.getLogger(__name__)

HOLD_MINUTES = 10
MAX_PAYMENT_TRIES = 3
SLOT_TAKEN = "Slot taken, try another"
BEING_BOOKED = "Someone is booking this slot right now. Try again in a few minutes."


class BookingError(ValidationError):
    """A booking step refused, with a message for the person."""


def _send(signal, **kwargs) -> None:
    transaction.on_commit(lambda: signal.send_robust(sender=Booking, **kwargs))


def holds_expire(*, session: MentoringSession | None = None, now=None) -> int:
    """Release checkout holds that ran past their 10 minutes (of one session, or all)."""
    now = now or timezone.now()
    holds = Booking.objects.filter(status=BookingStatus.HELD, hold_expires_at__lt=now)
    if session is not None:
        holds = holds.filter(session=session)
    return holds.update(status=BookingStatus.CANCELLED, status_reason="Checkout not finished in time.", decided_at=now)


def booking_checkout_start(*, session: MentoringSession, learner: User) -> tuple[Booking, Payment, Order]:
    """Hold the slot for ``learner`` for 10 minutes and open a gateway order for price + fee."""
    if learner.role != Role.LEARNER:
        raise BookingError("Only learners can book sessions.")
    if session.mentor_id == learner.pk:
        raise BookingError("You cannot book your own session.")
    if session.status != SessionStatus.ACTIVE or session.starts_at <= timezone.now():
        raise BookingError("This session can no longer be booked.")
    if not MentorProfile.objects.filter(user_id=session.mentor_id, user__is_active=True, is_approved=True).exists():
        raise BookingError("This session is not open for booking.")
    if Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).exists():
        raise BookingError(SLOT_TAKEN)
    holds_expire(session=session)
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                session=session,
                mentor_id=session.mentor_id,
                learner=learner,
                status=BookingStatus.HELD,
                hold_expires_at=timezone.now() + timedelta(minutes=HOLD_MINUTES),
            )
    except IntegrityError as exc:
        if Booking.objects.filter(
            session=session, learner=learner, status__in=["held", "pending", "confirmed"]
        ).exists():
            raise BookingError("You already have a booking for this session.") from exc
        raise BookingError(BEING_BOOKED) from exc

    amounts = split(session.price_paise)
    gateway = get_gateway()
    try:
        order = gateway.order_create(
            amount_paise=amounts.amount_paise,
            receipt=booking.reference,
            notes={"booking": booking.reference, "session": str(session.pk), "user_id": str(learner.pk)},
        )
    except GatewayError as exc:
        Booking.objects.filter(pk=booking.pk, status=BookingStatus.HELD).update(
            status=BookingStatus.CANCELLED, status_reason="The payment service did not answer."
        )
        raise BookingError(exc.user_message) from exc
    payment = payment_create(
        booking=booking,
        learner=learner,
        mentor=session.mentor,
        amounts=amounts,
        gateway_name=gateway.name,
        order_id=order.id,
    )
    return booking, payment, order


def booking_payment_authorize(*, booking: Booking, payment_id: str, signature: str) -> Booking:
    """Accept Checkout's answer once its signature verifies against the *stored* order id.

    Idempotent: submitting the same answer twice returns the same booking. A bad signature
    changes nothing (and is logged). If the hold lapsed meanwhile, the payment is released.
    """
    payment = Payment.objects.filter(booking=booking).order_by("-created_at").first()
    if payment is None:
        raise BookingError("There is no payment for this booking.")
    if payment.razorpay_payment_id == payment_id and payment.status != PaymentStatus.CREATED:
        booking.refresh_from_db()
        return booking
    gateway = get_gateway()
    if not gateway.checkout_signature_valid(
        order_id=payment.razorpay_order_id, payment_id=payment_id, signature=signature
    ):
        logger.warning("Checkout signature mismatch for booking %s, payment %s", booking.reference, payment_id)
        raise BookingError("We could not verify this payment. You have not been booked; try again.")
    booking, expired = payment_mark_authorized(payment=payment, payment_id=payment_id)
    if expired:
        raise BookingError("Your checkout took longer than 10 minutes, so the slot was released. You were not charged.")
    return booking


CAPTURED_WITHOUT_ACCEPT = "The payment was captured without the mentor's accept, so it was refunded in full."


def booking_settle_captured(*, payment: Payment) -> Booking:
    """A capture we heard of from the gateway (a webhook or the reconciler) rather than from the
    mentor's accept: make the booking agree with the money, so that a captured payment always
    belongs to a confirmed booking or is being refunded.

    - Its booking is confirmed: nothing to do (the accept's own capture, reported first).
    - The mentor pressed Accept (``capture_attempted_at``) but its answer was lost and the
      booking went back to pending: it is confirmed now, as the accept would have done.
    - Otherwise nobody accepted (a capture made outside PeerLearn, a slot taken meanwhile, a
      booking released): the booking is released and the learner refunded in full.
    """
    booking = Booking.objects.select_related("session").get(pk=payment.booking_id)
    payment.refresh_from_db()
    if payment.status != PaymentStatus.CAPTURED or booking.status == BookingStatus.CONFIRMED:
        return booking
    confirmed = 0
    if payment.capture_attempted_at is not None and booking.status == BookingStatus.PENDING:
        try:
            with transaction.atomic():
                confirmed = Booking.objects.filter(
                    pk=booking.pk, status=BookingStatus.PENDING, session__status=SessionStatus.ACTIVE
                ).update(status=BookingStatus.CONFIRMED, decided_at=timezone.now())
        except IntegrityError:  # another booking took the slot
            confirmed = 0
    booking.refresh_from_db()
    if confirmed:
        _send(hooks.booking_confirmed, booking=booking)
        _release_the_others(booking=booking)
        return booking
    if booking.status in (BookingStatus.HELD, BookingStatus.PENDING):
        moved = Booking.objects.filter(pk=booking.pk, status__in=[BookingStatus.HELD, BookingStatus.PENDING]).update(
            status=BookingStatus.REJECTED, status_reason=CAPTURED_WITHOUT_ACCEPT, decided_at=timezone.now(),
            hold_expires_at=None,
        )  # fmt: skip
        if moved:
            booking.refresh_from_db()
            _send(hooks.booking_rejected, booking=booking, reason=CAPTURED_WITHOUT_ACCEPT)
    payment_refund(payment=payment)
    return booking


def booking_payment_taken(*, payment: Payment) -> bool:
    """The booking's payment was authorized (``payments.signals.payment_authorized``, inside that
    transaction): the held booking becomes a request for the mentor. False when the hold lapsed
    meanwhile (the payment is then released). Idempotent: only a held booking moves."""
    held = Booking.objects.filter(pk=payment.booking_id, status=BookingStatus.HELD).update(
        status=BookingStatus.PENDING, hold_expires_at=None
    )
    if held:
        _send(hooks.booking_requested, booking=Booking.objects.get(pk=payment.booking_id))
    return bool(held)


def booking_full_refund_allowed(*, payment: Payment) -> bool:
    """A payment staff partly refunded after a dispute is never recorded as refunded in full."""
    return not Booking.objects.filter(pk=payment.booking_id, disputes__status=DisputeStatus.PARTIALLY_REFUNDED).exists()


def booking_payments_refund_due(*, payments: QuerySet[Payment], cutoff: datetime) -> QuerySet[Payment]:
    """Captured payments whose booking ended without the session (cancelled with it, or rejected
    after a late capture) before ``cutoff``: their refund should have been made."""
    return payments.filter(
        Q(
            booking__session__status=SessionStatus.CANCELLED,
            booking__session__cancelled_at__lte=cutoff,
            booking__status__in=[BookingStatus.CONFIRMED, BookingStatus.CANCELLED],
        )
        | Q(booking__status=BookingStatus.REJECTED, booking__decided_at__lte=cutoff)
    )


def booking_refund_retry(*, payment: Payment) -> bool:
    """A booking still confirmed on a cancelled session is finished the way the cancellation does
    it (refund, then the booking is cancelled). False: the payment's refund alone is due."""
    if payment.booking.status != BookingStatus.CONFIRMED:
        return False
    bookings_cancel_for_session(session=payment.booking.session)
    return True


def booking_payment_failed(*, booking: Booking) -> Booking:
    """A failed or cancelled checkout try. After ``MAX_PAYMENT_TRIES`` the hold is released, so
    the slot does not stay blocked for the rest of the 10 minutes."""
    Booking.objects.filter(pk=booking.pk, status=BookingStatus.HELD).update(failed_attempts=F("failed_attempts") + 1)
    booking.refresh_from_db()
    if booking.status == BookingStatus.HELD and booking.failed_attempts >= MAX_PAYMENT_TRIES:
        _release(
            booking=booking,
            status=BookingStatus.CANCELLED,
            reason=f"Payment didn't go through {MAX_PAYMENT_TRIES} times, so the slot was released.",
        )
        booking.refresh_from_db()
    return booking


def _captured_at_gateway(*, booking: Booking) -> list[Payment]:
    """Payments of ``booking`` that we asked the gateway to capture but never heard back about
    (a timeout) and that the gateway did capture: recorded now, so they can be refunded.

    Raises BookingError when the gateway does not answer: then nothing is released yet.
    """
    captured = []
    for payment in Payment.objects.filter(
        booking=booking, status=PaymentStatus.AUTHORIZED, capture_attempted_at__isnull=False
    ):
        try:
            remote = get_gateway().payment_fetch(payment_id=payment.razorpay_payment_id)
        except GatewayError as exc:
            raise BookingError(exc.user_message) from exc
        if remote.status == "captured":
            payment_mark_captured(payment=payment)
            payment.refresh_from_db()
            captured.append(payment)
    return captured


def _release_the_others(*, booking: Booking) -> None:
    """The slot is ``booking``'s: every other request for its session is rejected, "Slot taken"."""
    for other in Booking.objects.filter(
        session=booking.session, status__in=[BookingStatus.PENDING, BookingStatus.HELD]
    ).exclude(pk=booking.pk):
        _release(booking=other, status=BookingStatus.REJECTED, reason=SLOT_TAKEN)


def _release(*, booking: Booking, status: str, reason: str) -> bool:
    """Move an open booking to ``status`` and release its uncaptured payment (no charge).

    A payment whose capture answer was lost may have been captured after all: that one is
    recorded and refunded in full, so the learner is never charged for a session that does
    not happen.
    """
    captured = _captured_at_gateway(booking=booking)
    now = timezone.now()
    with transaction.atomic():
        moved = Booking.objects.filter(pk=booking.pk, status__in=[BookingStatus.PENDING, BookingStatus.HELD]).update(
            status=status, status_reason=reason, decided_at=now, hold_expires_at=None
        )
        if moved:
            payments_void_open(booking=booking, now=now)
            booking.refresh_from_db()
            _send(hooks.booking_rejected, booking=booking, reason=reason)
    if moved:
        for payment in captured:
            payment_refund(payment=payment)
    return bool(moved)


def booking_accept(*, booking: Booking, mentor: User) -> Booking:
    """The mentor accepts: capture the payment, confirm, and release every other request.

    The partial unique index makes a second confirmation impossible; capture is idempotent
    at the gateway, and the capture's ledger entry has a unique reference.
    """
    if booking.session.mentor_id != mentor.pk:
        raise PermissionError("Only the session's mentor can answer this booking.")
    payment = Payment.objects.filter(
        booking=booking, status__in=[PaymentStatus.AUTHORIZED, PaymentStatus.CAPTURED]
    ).first()
    if payment is None:  # not paid yet, or released meanwhile (a stale page, or another accept won)
        booking.refresh_from_db()
        raise BookingError(f"This booking is {booking.get_status_display().lower()}; it cannot be accepted.")
    try:
        with transaction.atomic():
            # Only into a session still on: a completed one has released its earnings already.
            confirmed = Booking.objects.filter(
                pk=booking.pk, status=BookingStatus.PENDING, session__status=SessionStatus.ACTIVE
            ).update(status=BookingStatus.CONFIRMED, decided_at=timezone.now())
    except IntegrityError as exc:
        raise BookingError(SLOT_TAKEN) from exc
    if not confirmed:
        booking.refresh_from_db()
        if booking.status == BookingStatus.CONFIRMED:
            return booking  # accepted already (double click)
        if booking.status == BookingStatus.PENDING:
            raise BookingError("This session is over or cancelled, so the request can no longer be accepted.")
        raise BookingError(f"This booking is {booking.get_status_display().lower()}; it cannot be accepted.")
    # Saved before the call: if its answer is lost, a later release asks the gateway first.
    payment_capture_attempt_mark(payment=payment)
    try:
        captured = get_gateway().payment_capture(
            payment_id=payment.razorpay_payment_id, amount_paise=payment.amount_paise
        )
    except GatewayError as exc:
        _unconfirm(booking)
        raise BookingError(exc.user_message) from exc
    if captured.status != "captured":
        _unconfirm(booking)
        raise BookingError("The payment could not be captured.")
    with transaction.atomic():
        payment_mark_captured(payment=payment)
        booking.refresh_from_db()
        _send(hooks.booking_confirmed, booking=booking)
    _release_the_others(booking=booking)
    return booking


def _unconfirm(booking: Booking) -> None:
    """The capture failed: the request waits for the mentor again (Accept can be pressed again)."""
    Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED).update(
        status=BookingStatus.PENDING, decided_at=None
    )


def booking_reject(*, booking: Booking, mentor: User, reason: str = "The mentor could not take this session.") -> bool:
    """The mentor declines: the learner's payment is released and they are never charged."""
    if booking.session.mentor_id != mentor.pk:
        raise PermissionError("Only the session's mentor can answer this booking.")
    return _release(booking=booking, status=BookingStatus.REJECTED, reason=reason)


def bookings_reject_unanswered(*, session: MentoringSession) -> int:
    """At the start time, requests nobody answered are rejected and released (idempotent)."""
    released = 0
    for booking in Booking.objects.filter(session=session, status__in=[BookingStatus.PENDING, BookingStatus.HELD]):
        try:
            released += _release(
                booking=booking, status=BookingStatus.REJECTED, reason="The mentor did not answer before the start."
            )
        except BookingError:  # the gateway did not answer about a lost capture: the next sweep retries
            logger.warning("Could not release booking %s yet", booking.reference, exc_info=True)
    return released


CANCELLED_BY_MENTOR = "The mentor cancelled this session. You get a full refund."
CANCELLED_BY_STAFF = "PeerLearn's team cancelled this session: {reason} You get a full refund."
BOOKING_CANCELLED_BY_STAFF = "PeerLearn's team cancelled your booking: {reason} You get a full refund."


REASON_FIELD_MAX = Booking._meta.get_field("status_reason").max_length


def _staff_text(template: str, reason: str) -> str:
    """Staff's reason as a sentence inside ``template``, cut to fit the booking's reason field."""
    room = REASON_FIELD_MAX - len(template.replace("{reason}", ""))
    reason = " ".join((reason or "").split())
    if len(reason) > room:
        reason = reason[: room - 1].rstrip() + "…"
    elif not reason.endswith((".", "!", "?")):
        reason = (reason + ".")[:room]
    return template.format(reason=reason)


def bookings_cancel_for_session(*, session: MentoringSession) -> int:
    """A cancelled session: release open requests and refund a confirmed booking in full. The
    learner reads why: their mentor cancelled, or staff did (with staff's reason)."""
    why = _staff_text(CANCELLED_BY_STAFF, session.cancel_reason) if session.cancel_reason else ""
    count = 0
    for booking in Booking.objects.filter(session=session, status__in=[BookingStatus.HELD, BookingStatus.PENDING]):
        count += _release(booking=booking, status=BookingStatus.CANCELLED, reason=why or CANCELLED_BY_MENTOR)
    for booking in Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED):
        count += _cancel_confirmed_with_refund(booking=booking, reason=why or CANCELLED_BY_MENTOR)
    return count


def _cancel_confirmed_with_refund(*, booking: Booking, reason: str) -> int:
    """Refund a confirmed booking in full (keyed by the payment, so once), then cancel it with a
    compare-and-swap and tell the learner. 1 if this call cancelled it."""
    payment = Payment.objects.filter(booking=booking, status=PaymentStatus.CAPTURED).first()
    if payment is not None:
        payment_refund(payment=payment)
    with transaction.atomic():
        moved = Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED).update(
            status=BookingStatus.CANCELLED, status_reason=reason, decided_at=timezone.now()
        )
        if moved:
            booking.refresh_from_db()
            _send(hooks.booking_rejected, booking=booking, reason=reason)
    return moved


def booking_cancel_by_staff(*, booking: Booking, reason: str) -> bool:
    """Staff cancel one booking (a blocked learner's, a complaint): a request or checkout is
    released, a confirmed booking refunded in full; the learner reads ``reason``. Idempotent:
    False if it was over already (cancelled, rejected, completed). Raises BookingError when the
    session already took place (that is a dispute's to settle, with its ledger rules)."""
    if len(" ".join((reason or "").split())) < 5:
        raise BookingError("Say why: the learner reads it.")
    booking.refresh_from_db()
    text = _staff_text(BOOKING_CANCELLED_BY_STAFF, reason)
    if booking.status in (BookingStatus.HELD, BookingStatus.PENDING):
        if _release(booking=booking, status=BookingStatus.CANCELLED, reason=text):
            return True
        booking.refresh_from_db()
    if booking.status != BookingStatus.CONFIRMED:
        return False
    if booking.session.status != SessionStatus.ACTIVE or booking.session.ends_at <= timezone.now():
        raise BookingError("This session already took place or ended: settle it as a dispute instead.")
    return bool(_cancel_confirmed_with_refund(booking=booking, reason=text))


MENTOR_NO_SHOW = "The mentor did not join within 10 minutes of the start. You get a full refund."


def booking_cancel_no_show(*, booking: Booking) -> bool:
    """The mentor did not come (the live room's no-show rule): refund the confirmed booking in
    full, then cancel it and tell the learner. Idempotent like ``bookings_cancel_for_session``:
    the refund is keyed by the payment and the cancel is a compare-and-swap from confirmed, so
    running it twice refunds once. Returns True when this call cancelled the booking."""
    return bool(_cancel_confirmed_with_refund(booking=booking, reason=MENTOR_NO_SHOW))


def earnings_hold_ends_at(*, session: MentoringSession) -> datetime | None:
    """When a completed session's mentor share becomes available (and the learner's window to
    report a problem closes): ``EARNINGS_HOLD_HOURS`` after it ended. None before it ended."""
    if session.completed_at is None:
        return None
    return session.completed_at + timedelta(hours=settings.EARNINGS_HOLD_HOURS)


def _payments_releasable(*, now: datetime) -> QuerySet[Payment]:
    """Captured payments of completed sessions whose hold is over, with no dispute and no release yet."""
    cutoff = now - timedelta(hours=settings.EARNINGS_HOLD_HOURS)
    return (
        Payment.objects.filter(
            status=PaymentStatus.CAPTURED,
            booking__status=BookingStatus.CONFIRMED,
            booking__session__status=SessionStatus.COMPLETED,
            booking__session__completed_at__lte=cutoff,
        )
        .exclude(booking__disputes__isnull=False)
        .exclude(entries__reference__startswith="release:")
        .select_related("mentor")
    )


def payment_earnings_release(*, payment: Payment) -> bool:
    """Move the mentor's share of ``payment`` from pending to available, unless the learner
    reported a problem: the booking row is locked, as ``dispute_open`` locks it, so a report
    and the release never both win. True when this call released it (idempotent)."""
    with transaction.atomic():
        Booking.objects.select_for_update().filter(pk=payment.booking_id).first()
        if Booking.objects.filter(pk=payment.booking_id, disputes__isnull=False).exists():
            return False
        return payment_release(payment=payment)


def earnings_release_for_session(*, session: MentoringSession, now: datetime | None = None) -> int:
    """Release the mentor's share of ``session`` if its hold is over and nobody reported a problem."""
    now = now or timezone.now()
    return sum(
        payment_earnings_release(payment=payment)
        for payment in _payments_releasable(now=now).filter(booking__session=session)
    )


def earnings_release_due(*, now: datetime | None = None) -> int:
    """The periodic release (docs/decisions/0001-early-end-and-disputes.md): every mentor share
    whose ``EARNINGS_HOLD_HOURS`` after the session's end passed without a dispute becomes available. Idempotent: each
    payment's release entry has a unique reference, so running it twice releases once."""
    now = now or timezone.now()
    return sum(payment_earnings_release(payment=payment) for payment in _payments_releasable(now=now))


def bookings_sweep(*, now=None) -> dict[str, int]:
    """The periodic sweep: lapsed checkout holds are released, and requests still unanswered
    when their session starts are rejected (their payments released). Idempotent."""
    now = now or timezone.now()
    expired = holds_expire(now=now)
    rejected = 0
    started = MentoringSession.objects.filter(
        starts_at__lte=now, bookings__status__in=[BookingStatus.PENDING, BookingStatus.HELD]
    ).distinct()
    for session in started:
        rejected += bookings_reject_unanswered(session=session)
    return {"holds_expired": expired, "unanswered_rejected": rejected}


LEARNER_CANCEL_BEFORE = timedelta(hours=24)
CANCELLED_BY_LEARNER = "Cancelled by the learner."
CANCEL_POLICY = "Cancel up to 24 hours before the start for a full refund; after that the booking can't be cancelled."


def booking_cancel_by_learner(*, booking: Booking, learner: User) -> bool:
    """The learner withdraws a booking, under the policy in ``CANCEL_POLICY``.

    A request still waiting for the mentor (or a checkout in progress) is cancelled and its
    payment released: it was never captured, so nothing is charged. A confirmed booking may
    be cancelled until ``LEARNER_CANCEL_BEFORE`` before the start, with a full refund of
    price + fee; later, ``BookingError``. The refund goes first (idempotent at the gateway,
    keyed by the payment), then a compare-and-swap from confirmed, so a failed refund
    leaves the booking confirmed instead of cancelled without the money back.

    Returns True when this call cancelled the booking, False when it was cancelled already
    (a double submit). The mentor sees it in their lists as cancelled, and the slot opens
    for other learners.
    """
    if booking.learner_id != learner.pk:
        raise PermissionError("Only the booking's learner can cancel it.")
    booking.refresh_from_db()
    if booking.status in (BookingStatus.HELD, BookingStatus.PENDING):
        if _release(booking=booking, status=BookingStatus.CANCELLED, reason=CANCELLED_BY_LEARNER):
            return True
        booking.refresh_from_db()  # answered or cancelled meanwhile
    if booking.status == BookingStatus.CANCELLED:
        return False
    if booking.status != BookingStatus.CONFIRMED:
        raise BookingError(f"This booking is {booking.get_status_display().lower()}; there is nothing to cancel.")
    if timezone.now() + LEARNER_CANCEL_BEFORE > booking.session.starts_at:
        raise BookingError(
            "This session starts in less than 24 hours, so the booking can't be cancelled any more. " + CANCEL_POLICY
        )
    payment = Payment.objects.filter(booking=booking, status=PaymentStatus.CAPTURED).first()
    if payment is not None:
        payment_refund(payment=payment)
    with transaction.atomic():
        moved = Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED).update(
            status=BookingStatus.CANCELLED, status_reason=CANCELLED_BY_LEARNER, decided_at=timezone.now()
        )
    booking.refresh_from_db()
    return bool(moved)
