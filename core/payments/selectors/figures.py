"""The platform's money over time, read from the ledger (never from a stored total): what was
captured (GMV), refunded, and kept as revenue, per period and per day, week or month.

Every figure is a sum of postings of one kind of journal entry (``core.payments.ledger`` names
them by their reference's prefix), so the monthly report and the admin's home agree with the
ledger to the paisa, and a test can prove it by summing the postings itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek

from core.payments.models import AccountKind, Posting, Withdrawal, WithdrawalStatus

CAPTURES = Q(entry__reference__startswith="capture:")
REFUNDS = (
    Q(entry__reference__startswith="refund:")
    | Q(entry__reference__startswith="refund-part:")
    | Q(entry__reference__startswith="dispute-refund:")
)
GATEWAY = Q(account__kind=AccountKind.GATEWAY_CLEARING)
REVENUE = Q(account__kind=AccountKind.PLATFORM_REVENUE, entry__withdrawal__isnull=True)
PAYOUTS = Q(entry__reference__startswith="payout:")

TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


@dataclass(frozen=True)
class MoneyFigures:
    """Paise in one period: captured from payers (GMV), refunded to them, the platform's revenue
    net of refunds, and what was paid out to mentors and the platform."""

    gmv_paise: int = 0
    refunds_paise: int = 0
    revenue_paise: int = 0
    payouts_paise: int = 0


def _sums() -> dict:
    return {
        "gmv": Coalesce(Sum("amount_paise", filter=CAPTURES & GATEWAY), 0),
        "refunds": Coalesce(Sum("amount_paise", filter=REFUNDS & GATEWAY), 0),
        "revenue": Coalesce(Sum("amount_paise", filter=REVENUE), 0),
        "payouts": Coalesce(Sum("amount_paise", filter=PAYOUTS & GATEWAY), 0),
    }


def _figures(row: dict) -> MoneyFigures:
    # Signs: the gateway's account is debited (+) by captures and credited (-) by refunds and
    # payouts; revenue is credited (-) when earned and debited (+) when refunded.
    return MoneyFigures(
        gmv_paise=row["gmv"],
        refunds_paise=-row["refunds"],
        revenue_paise=-row["revenue"],
        payouts_paise=-row["payouts"],
    )


def money_figures(*, start: datetime, end: datetime) -> MoneyFigures:
    """The platform's money from ``start`` (included) to ``end`` (excluded). One query."""
    row = Posting.objects.filter(entry__created_at__gte=start, entry__created_at__lt=end).aggregate(**_sums())
    return _figures(row)


def money_series(*, start: datetime, end: datetime, unit: str, zone: tzinfo) -> dict[date, MoneyFigures]:
    """``money_figures`` per ``unit`` ("day", "week" or "month", in ``zone``), keyed by the
    period's first day; periods without money are absent. One query."""
    trunc = TRUNC[unit]
    rows = (
        Posting.objects.filter(entry__created_at__gte=start, entry__created_at__lt=end)
        .annotate(period=trunc("entry__created_at", tzinfo=zone))
        .values("period")
        .annotate(**_sums())
        .order_by("period")
    )
    return {row["period"].date(): _figures(row) for row in rows}


def payouts_due() -> tuple[int, int]:
    """``(count, paise)`` of withdrawals waiting to be paid out (mentors' and the platform's)."""
    row = Withdrawal.objects.filter(status__in=[WithdrawalStatus.PENDING, WithdrawalStatus.PROCESSING]).aggregate(
        count=Count("pk"), paise=Coalesce(Sum("amount_paise"), 0)
    )
    return row["count"], row["paise"]
