"""Reads about money, shaped for the dashboards: statements, balances, receipts, withdrawals.

Balances come from the ledger (sums of postings), never from stored numbers. Every
function here is a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractHour, TruncWeek
from django.utils import timezone

from core.money import format_inr, refund_split
from core.payments.models import AccountKind, JournalEntry, Payment, PaymentStatus, Posting, Withdrawal
from core.users.models import User

ASSET_KINDS = (AccountKind.GATEWAY_CLEARING,)


def balances_get(*, user: User | None) -> dict[str, int]:
    """Every ledger balance of ``user`` (None: the platform's accounts) in paise, in one query.

    Keys are ``AccountKind`` values; money owed or earned is reported positive, as
    ``ledger.balance`` does.
    """
    rows = (
        Posting.objects.filter(account__user=user)
        .values("account__kind")
        .annotate(total=Sum("amount_paise"))
        .values_list("account__kind", "total")
    )
    balances = {kind: 0 for kind in AccountKind.values}
    for kind, total in rows:
        balances[kind] = total if kind in ASSET_KINDS else -total
    return balances


@dataclass(frozen=True)
class EarningRow:
    """One line of a mentor's statement: a captured (or later refunded) booking payment."""

    payment_id: int
    booking_id: int
    booking_reference: str
    session_title: str
    learner_name: str
    captured_at: datetime
    gross_paise: int  # the session price
    fee_paise: int  # the platform's commission on the price
    net_paise: int  # the mentor's share
    status: str  # "pending" | "available" | "refunded"

    @property
    def status_display(self) -> str:
        return {"pending": "Pending", "available": "Available", "refunded": "Refunded"}[self.status]


def earning_count_for_mentor(*, mentor: User) -> int:
    return Payment.objects.filter(mentor=mentor, captured_at__isnull=False).count()


def earning_list_for_mentor(*, mentor: User, limit: int | None = None, offset: int = 0) -> list[EarningRow]:
    """The mentor's statement, newest first: all of it, or ``limit`` lines from ``offset`` (one query)."""
    released = JournalEntry.objects.filter(payment=OuterRef("pk"), reference__startswith="release:")
    # Plain values, not model instances: a statement of a thousand lines would otherwise build
    # four objects a line and parse a dozen timestamps of each that it never shows.
    queryset = (
        Payment.objects.filter(mentor=mentor, captured_at__isnull=False)
        .annotate(is_released=Exists(released))
        .order_by("-captured_at", "-pk")
        .values(
            "pk",
            "booking_id",
            "booking__reference",
            "booking__session__title",
            "learner__name",
            "learner__email",
            "captured_at",
            "price_paise",
            "amount_paise",
            "mentor_share_paise",
            "refunded_paise",
            "status",
            "is_released",
        )
    )
    if limit is not None:
        queryset = queryset[offset : offset + limit]
    rows = []
    for payment in queryset:
        net = payment["mentor_share_paise"]
        if payment["status"] == PaymentStatus.REFUNDED:
            status = "refunded"
        else:
            status = "available" if payment["is_released"] else "pending"
            if payment["refunded_paise"]:  # partly refunded after a dispute: the mentor's part is gone
                net -= refund_split(
                    amount_paise=payment["amount_paise"],
                    mentor_share_paise=payment["mentor_share_paise"],
                    refund_paise=payment["refunded_paise"],
                ).mentor_paise
        rows.append(
            EarningRow(
                payment_id=payment["pk"],
                booking_id=payment["booking_id"],
                booking_reference=payment["booking__reference"],
                session_title=payment["booking__session__title"],
                learner_name=payment["learner__name"] or payment["learner__email"],
                captured_at=payment["captured_at"],
                gross_paise=payment["price_paise"],
                fee_paise=payment["price_paise"] - payment["mentor_share_paise"],
                net_paise=net,
                status=status,
            )
        )
    return rows


@dataclass(frozen=True)
class EarningTotals:
    today_paise: int
    month_paise: int

    @property
    def today_display(self) -> str:
        return format_inr(self.today_paise)

    @property
    def month_display(self) -> str:
        return format_inr(self.month_paise)


def earning_totals_for_mentor(*, mentor: User, now: datetime | None = None) -> EarningTotals:
    """What the mentor earned (captured, not refunded) today and this month, in their timezone (one query)."""
    zone = ZoneInfo(mentor.timezone or "Asia/Kolkata")
    local = timezone.localtime(now or timezone.now(), zone)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = day_start.replace(day=1)
    totals = Payment.objects.filter(
        mentor=mentor, status=PaymentStatus.CAPTURED, captured_at__gte=month_start
    ).aggregate(
        month=Sum("mentor_share_paise"),
        today=Sum("mentor_share_paise", filter=Q(captured_at__gte=day_start)),
    )
    return EarningTotals(today_paise=totals["today"] or 0, month_paise=totals["month"] or 0)


def withdrawal_list_for_user(*, user: User | None, limit: int = 50) -> list[Withdrawal]:
    """``user``'s withdrawals (None: the platform's), newest first (one query)."""
    return list(Withdrawal.objects.filter(user=user).order_by("-created_at", "-pk")[:limit])


def withdrawal_has_any(*, user: User) -> bool:
    return Withdrawal.objects.filter(user=user).exists()


@dataclass(frozen=True)
class WeekPoint:
    week: str  # ISO date of the week's Monday, in the mentor's timezone
    earnings_paise: int
    bookings: int


def analytics_weekly_for_mentor(*, mentor: User, weeks: int = 12, now: datetime | None = None) -> list[WeekPoint]:
    """Earnings (captured shares) and confirmed bookings per week for the last ``weeks`` weeks.

    Every week is present, with zeros where nothing happened, so charts show real gaps (one query).
    """
    zone = ZoneInfo(mentor.timezone or "Asia/Kolkata")
    local_now = timezone.localtime(now or timezone.now(), zone)
    this_monday = (local_now - timedelta(days=local_now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    first = this_monday - timedelta(weeks=weeks - 1)
    rows = (
        Payment.objects.filter(mentor=mentor, captured_at__gte=first)
        .exclude(status=PaymentStatus.REFUNDED)
        .annotate(week=TruncWeek("captured_at", tzinfo=zone))
        .values("week")
        .annotate(earnings=Sum("mentor_share_paise"), bookings=Count("pk"))
    )
    by_week = {row["week"].date(): row for row in rows}
    points = []
    for index in range(weeks):
        monday = (first + timedelta(weeks=index)).date()
        row = by_week.get(monday, {})
        points.append(
            WeekPoint(week=monday.isoformat(), earnings_paise=row.get("earnings") or 0, bookings=row.get("bookings", 0))
        )
    return points


def analytics_busiest_hours_for_mentor(*, mentor: User) -> list[int]:
    """Confirmed bookings by the hour of the day their session starts, in the mentor's timezone:
    24 counts, index 0 = midnight (one query)."""
    zone = ZoneInfo(mentor.timezone or "Asia/Kolkata")
    counts = [0] * 24
    rows = (
        Payment.objects.filter(mentor=mentor, captured_at__isnull=False)
        .exclude(status=PaymentStatus.REFUNDED)
        .annotate(hour=ExtractHour("booking__session__starts_at", tzinfo=zone))
        .values("hour")
        .annotate(total=Count("pk"))
    )
    for row in rows:
        counts[row["hour"]] = row["total"]
    return counts


# --- The learner's receipts -------------------------------------------------------------------

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
    """A learner's payment for a booking, itemised: price + fee = amount, and what came back.

    ``status`` is one of ``RECEIPT_STATUS_DISPLAY``: *held* while the mentor has not answered
    (authorized, not captured), *paid* once captured, *released* when the hold was let go
    (rejected, slot taken, cancelled: never charged), *refund_pending* / *refunded* after a
    refund of a captured payment.
    """

    payment_id: int
    booking_id: int
    booking_reference: str
    session_title: str
    session_starts_at: datetime
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


def _receipts(queryset) -> list[ReceiptRow]:
    rows = []
    for payment in queryset.select_related("booking", "booking__session", "mentor", "learner"):
        status = _receipt_status(payment)
        rows.append(
            ReceiptRow(
                payment_id=payment.pk,
                booking_id=payment.booking_id,
                booking_reference=payment.booking.reference,
                session_title=payment.booking.session.title,
                session_starts_at=payment.booking.session.starts_at,
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


def platform_unearned_paise() -> int:
    """The platform's share of captured payments whose session has not taken place yet.

    It is in platform revenue from the capture on, but a cancelled session refunds it, so the
    platform may withdraw it only once the mentor's share is released too (one query).
    """
    unreleased = Payment.objects.filter(status=PaymentStatus.CAPTURED).exclude(
        entries__reference__startswith="release:"
    )
    return unreleased.aggregate(total=Sum("app_share_paise"))["total"] or 0


def platform_withdrawable_paise() -> int:
    """What the platform may withdraw now: its revenue from sessions that took place."""
    revenue = balances_get(user=None)[AccountKind.PLATFORM_REVENUE]
    return max(revenue - platform_unearned_paise(), 0)
