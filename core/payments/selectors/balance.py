"""Balances from the ledger (sums of postings, never stored numbers): a person's or the
platform's, and what the platform may withdraw. Each a fixed number of queries."""

from __future__ import annotations

from django.db.models import Sum
from django.db.models.functions import Coalesce

from core.payments.models import AccountKind, Payment, PaymentStatus, Posting
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


STATEMENT_ROWS = 200


def account_statement(*, account_id: int, rows: int = STATEMENT_ROWS) -> tuple[int, list[Posting], int]:
    """The ledger statement of one account: ``(opening balance, the last ``rows`` postings oldest
    first, each with ``balance_paise`` after it, closing balance)``. Three queries."""
    postings = Posting.objects.filter(account_id=account_id)
    closing = postings.aggregate(total=Coalesce(Sum("amount_paise"), 0))["total"]
    latest = list(postings.select_related("entry").order_by("-entry__created_at", "-entry_id", "-pk")[:rows])[::-1]
    opening = closing - sum(posting.amount_paise for posting in latest)
    running = opening
    for posting in latest:
        running += posting.amount_paise
        posting.balance_paise = running
    return opening, latest, closing
