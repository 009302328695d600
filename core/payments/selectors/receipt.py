"""The learner's receipts: what they paid for each booking, and what came back (a fixed number of
queries, whatever the number of rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, Sum

from core.payments.models import BOOKING_PURPOSE, Payment, PaymentStatus
from core.payments.purposes import purpose_label, purposes_declared
from core.users.models import User

RECEIPT_STATUS_DISPLAY = {
    "held": "Held, not charged",
    "paid": "Paid",
    "refund_pending": "Refund on its way",
    "refunded": "Refunded",
    "partly_refunded": "Partly refunded",
    "released": "Released, not charged",
    "failed": "Failed",
}


@dataclass(frozen=True)
class ReceiptRow:
    """A learner's payment, itemised: price + fee = amount, and what came back.

    For a booking, ``session_title`` / ``session_starts_at`` / ``booking_reference`` describe it;
    for a plugin's purpose (a gift), ``session_title`` is the purpose's label ("Gift"),
    ``description`` what it was for, ``booking_reference`` the plugin's reference, and
    ``booking_id`` / ``session_starts_at`` are None.

    ``status`` is one of ``RECEIPT_STATUS_DISPLAY``: *held* while the mentor has not answered
    (authorized, not captured), *paid* once captured, *released* when the hold was let go
    (rejected, slot taken, cancelled: never charged), *refund_pending* / *refunded* after a
    refund of a captured payment.
    """

    payment_id: int
    booking_id: int | None
    booking_reference: str
    session_title: str
    session_starts_at: datetime | None
    mentor_name: str
    learner_name: str
    learner_email: str
    paid_at: datetime  # when the learner paid (the authorization)
    captured_at: datetime | None
    closed_at: datetime | None
    price_paise: int
    fee_paise: int
    amount_paise: int
    refunded_paise: int
    released_paise: int
    status: str
    gateway: str
    gateway_payment_id: str
    purpose: str = BOOKING_PURPOSE
    description: str = ""

    @property
    def is_booking(self) -> bool:
        return self.purpose == BOOKING_PURPOSE

    @property
    def status_display(self) -> str:
        return RECEIPT_STATUS_DISPLAY[self.status]

    @property
    def charged_paise(self) -> int:
        """What the learner is out of pocket now: nothing while held or after a release."""
        if self.status in ("paid", "partly_refunded", "refund_pending", "refunded"):
            return self.amount_paise - self.refunded_paise
        return 0


def _receipt_status(payment: Payment) -> str:
    if payment.status == PaymentStatus.AUTHORIZED:
        return "held"
    if payment.status == PaymentStatus.CAPTURED:
        if payment.razorpay_refund_id:
            return "refund_pending"
        return "partly_refunded" if payment.refunded_paise else "paid"  # part refunded after a report
    if payment.status == PaymentStatus.REFUNDED:
        return "refunded"
    if payment.status == PaymentStatus.VOIDED:
        return "released"
    return "failed"


RECEIPT_RELATED = ("booking", "booking__session", "mentor", "learner")


def _receipts(queryset) -> list[ReceiptRow]:
    rows = []
    declared = None
    if hasattr(queryset, "select_related"):
        queryset = queryset.select_related(*RECEIPT_RELATED)
    for payment in queryset:
        status = _receipt_status(payment)
        booking = payment.booking
        if booking is None and declared is None:
            declared = purposes_declared()
        rows.append(
            ReceiptRow(
                payment_id=payment.pk,
                booking_id=payment.booking_id,
                booking_reference=booking.reference if booking else payment.reference,
                session_title=booking.session.title if booking else purpose_label(payment.purpose, declared=declared),
                session_starts_at=booking.session.starts_at if booking else None,
                purpose=payment.purpose,
                description=payment.description,
                mentor_name=payment.mentor.name,
                learner_name=payment.learner.name,
                learner_email=payment.learner.email,
                paid_at=payment.authorized_at,
                captured_at=payment.captured_at,
                closed_at=payment.closed_at,
                price_paise=payment.price_paise,
                fee_paise=payment.fee_paise,
                amount_paise=payment.amount_paise,
                refunded_paise=payment.refunded_paise,
                released_paise=payment.amount_paise if status == "released" else 0,
                status=status,
                gateway=payment.gateway,
                gateway_payment_id=payment.razorpay_payment_id or "",
            )
        )
    return rows


def _paid_by(learner: User):
    """Payments the learner actually made: checkouts never paid (created, or failed before an
    authorization) moved no money and are not receipts."""
    return Payment.objects.filter(learner=learner, authorized_at__isnull=False)


def receipt_queryset_for_learner(*, learner: User):
    """The learner's receipts as a queryset of payments (for cursor pages; ``receipt_rows`` shapes them)."""
    return _paid_by(learner).select_related(*RECEIPT_RELATED)


def receipt_rows(payments) -> list[ReceiptRow]:
    """Payments of ``receipt_queryset_for_learner`` (a queryset, or a page of it) as receipts."""
    return _receipts(payments)


def receipt_list_for_learner(*, learner: User, limit: int = 25, offset: int = 0) -> list[ReceiptRow]:
    """A window of the learner's receipts, newest payment first (one query)."""
    return _receipts(_paid_by(learner).order_by("-authorized_at", "-pk")[offset : offset + limit])


def receipt_count_for_learner(*, learner: User) -> int:
    """How many receipts the learner has (one query)."""
    return _paid_by(learner).count()


def receipt_get_for_learner(*, learner: User, pk: int) -> ReceiptRow | None:
    """One of the learner's own receipts, or None (someone else's is None too) (one query)."""
    rows = _receipts(_paid_by(learner).filter(pk=pk))
    return rows[0] if rows else None


@dataclass(frozen=True)
class ReceiptTotals:
    paid_paise: int  # captured, less refunds
    held_paise: int  # authorized, waiting for the mentor
    refunded_paise: int


def receipt_totals_for_learner(*, learner: User) -> ReceiptTotals:
    """Sums over all the learner's payments (one query)."""
    totals = _paid_by(learner).aggregate(
        captured=Sum("amount_paise", filter=Q(status__in=[PaymentStatus.CAPTURED, PaymentStatus.REFUNDED])),
        refunded=Sum("refunded_paise"),
        held=Sum("amount_paise", filter=Q(status=PaymentStatus.AUTHORIZED)),
    )
    refunded = totals["refunded"] or 0
    return ReceiptTotals(
        paid_paise=(totals["captured"] or 0) - refunded, held_paise=totals["held"] or 0, refunded_paise=refunded
    )
