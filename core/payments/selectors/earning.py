"""A mentor's earnings, shaped for their dashboard: the statement, today's and this month's
totals, and the weekly analytics. Every function here is a fixed number of queries, whatever
the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractHour, TruncWeek
from django.utils import timezone

from core.money import format_inr, refund_split
from core.payments.models import BOOKING_PURPOSE, JournalEntry, Payment, PaymentStatus
from core.payments.purposes import purpose_label, purposes_declared
from core.users.models import User


@dataclass(frozen=True)
class EarningRow:
    """One line of a mentor's statement: a captured (or later refunded) payment.

    For a booking, ``session_title`` and ``booking_reference`` name the session and the booking;
    for a plugin's purpose (a gift), ``session_title`` is the purpose's label ("Gift"),
    ``booking_reference`` the payer's description of it, and ``booking_id`` None."""

    payment_id: int
    booking_id: int | None
    booking_reference: str
    session_title: str
    learner_name: str
    captured_at: datetime
    gross_paise: int  # the session price
    fee_paise: int  # the platform's commission on the price
    net_paise: int  # the mentor's share
    status: str  # "pending" | "available" | "refunded"
    purpose: str = BOOKING_PURPOSE

    @property
    def status_display(self) -> str:
        return {"pending": "Pending", "available": "Available", "refunded": "Refunded"}[self.status]


def earning_count_for_mentor(*, mentor: User) -> int:
    return Payment.objects.filter(mentor=mentor, captured_at__isnull=False).count()


def earning_queryset_for_mentor(*, mentor: User):
    """The lines of the mentor's statement as plain values, unordered: a queryset for cursor pages
    (on ``captured_at``, ``pk``), which ``earning_rows`` shapes."""
    released = JournalEntry.objects.filter(payment=OuterRef("pk"), reference__startswith="release:")
    # Plain values, not model instances: a statement of a thousand lines would otherwise build
    # four objects a line and parse a dozen timestamps of each that it never shows.
    return (
        Payment.objects.filter(mentor=mentor, captured_at__isnull=False)
        .annotate(is_released=Exists(released))
        .values(
            "pk",
            "purpose",
            "description",
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


def earning_list_for_mentor(*, mentor: User, limit: int | None = None, offset: int = 0) -> list[EarningRow]:
    """The mentor's statement, newest first: all of it, or ``limit`` lines from ``offset`` (one query)."""
    queryset = earning_queryset_for_mentor(mentor=mentor).order_by("-captured_at", "-pk")
    if limit is not None:
        queryset = queryset[offset : offset + limit]
    return earning_rows(queryset)


def earning_rows(payments) -> list[EarningRow]:
    """Values of ``earning_queryset_for_mentor`` (a queryset, or a page of it) as statement lines."""
    rows = []
    declared = purposes_declared()
    for payment in payments:
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
        is_booking = payment["purpose"] == BOOKING_PURPOSE
        rows.append(
            EarningRow(
                payment_id=payment["pk"],
                booking_id=payment["booking_id"],
                booking_reference=payment["booking__reference"] if is_booking else payment["description"],
                session_title=payment["booking__session__title"]
                if is_booking
                else purpose_label(payment["purpose"], declared=declared),
                purpose=payment["purpose"],
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
        .annotate(earnings=Sum("mentor_share_paise"), bookings=Count("pk", filter=Q(purpose=BOOKING_PURPOSE)))
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
        Payment.objects.filter(mentor=mentor, captured_at__isnull=False, purpose=BOOKING_PURPOSE)
        .exclude(status=PaymentStatus.REFUNDED)
        .annotate(hour=ExtractHour("booking__session__starts_at", tzinfo=zone))
        .values("hour")
        .annotate(total=Count("pk"))
    )
    for row in rows:
        counts[row["hour"]] = row["total"]
    return counts
