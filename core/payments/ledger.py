"""The double-entry ledger: the only module that writes journal entries and postings.

Every money event is one ``JournalEntry`` whose postings sum to zero; its ``reference``
is unique, so posting the same event twice (a retried task, a repeated webhook) writes
nothing the second time. Balances are sums of postings, never stored numbers.

Sign convention: debit positive, credit negative. The gateway clearing account is an
asset (positive balance: money the gateway holds for us). Mentor earnings, platform
revenue and payouts in transit are what we owe or earned: their postings are negative,
and ``balance()`` reports them as positive amounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum

from core.payments.models import AccountKind, JournalEntry, LedgerAccount, Payment, Posting, Withdrawal
from core.users.models import User

ASSET_KINDS = (AccountKind.GATEWAY_CLEARING,)


@dataclass(frozen=True)
class Line:
    kind: str
    amount_paise: int
    user: User | None = None


class UnbalancedEntry(ValueError):
    pass


def account_get(*, kind: str, user: User | None = None) -> LedgerAccount:
    """The account of ``kind`` (of ``user`` for personal accounts), created on first use."""
    try:
        with transaction.atomic():
            return LedgerAccount.objects.get_or_create(kind=kind, user=user)[0]
    except IntegrityError:  # created by a concurrent request a moment ago
        return LedgerAccount.objects.get(kind=kind, user=user)


@transaction.atomic
def post(
    *,
    reference: str,
    memo: str,
    lines: Iterable[Line],
    payment: Payment | None = None,
    withdrawal: Withdrawal | None = None,
) -> tuple[JournalEntry, bool]:
    """Write one balanced entry. Returns ``(entry, created)``; an existing reference is returned as is."""
    lines = [line for line in lines if line.amount_paise]
    if not lines:
        raise UnbalancedEntry(f"{reference}: an entry needs postings")
    total = sum(line.amount_paise for line in lines)
    if total != 0:
        raise UnbalancedEntry(f"{reference}: postings sum to {total}, not 0")
    existing = JournalEntry.objects.filter(reference=reference).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            entry = JournalEntry.objects.create(reference=reference, memo=memo, payment=payment, withdrawal=withdrawal)
    except IntegrityError:  # the same event, posted concurrently
        return JournalEntry.objects.get(reference=reference), False
    Posting.objects.bulk_create(
        Posting(entry=entry, account=account_get(kind=line.kind, user=line.user), amount_paise=line.amount_paise)
        for line in lines
    )
    return entry, True


def balance(*, kind: str, user: User | None = None) -> int:
    """The balance in paise, positive for money held (assets) and for money owed or earned."""
    total = Posting.objects.filter(account__kind=kind, account__user=user).aggregate(total=Sum("amount_paise"))["total"]
    total = total or 0
    return total if kind in ASSET_KINDS else -total


def entries_balanced() -> bool:
    """True when every entry's postings sum to zero (checked by tests and the admin)."""
    return not (Posting.objects.values("entry").annotate(total=Sum("amount_paise")).exclude(total=0).exists())


# --- The money events ----------------------------------------------------------------------


def _what_for(payment: Payment) -> str:
    """``booking 12`` or ``gift gift-34``: what a payment is for, in memos."""
    if payment.booking_id is not None:
        return f"booking {payment.booking_id}"
    return f"{payment.purpose} {payment.reference}"


def _is_released(payment: Payment) -> bool:
    return JournalEntry.objects.filter(reference=f"release:{payment.pk}").exists()


def post_capture(*, payment: Payment) -> tuple[JournalEntry, bool]:
    """Money captured (the mentor accepted, or a plugin's purpose was paid): the gateway holds the
    amount; the mentor's share is pending."""
    return post(
        reference=f"capture:{payment.pk}",
        memo=f"Captured {payment.razorpay_payment_id} for {_what_for(payment)}",
        payment=payment,
        lines=[
            Line(AccountKind.GATEWAY_CLEARING, payment.amount_paise),
            Line(AccountKind.MENTOR_PENDING, -payment.mentor_share_paise, payment.mentor),
            Line(AccountKind.PLATFORM_REVENUE, -payment.app_share_paise),
        ],
    )


def post_refund(*, payment: Payment, refund_id: str) -> tuple[JournalEntry, bool]:
    """A captured payment refunded in full: the mentor's share is taken back from where it is,
    pending (a booking's, before its hold is over) or available (released: a plugin's purpose,
    available at once)."""
    share = AccountKind.MENTOR_AVAILABLE if _is_released(payment) else AccountKind.MENTOR_PENDING
    return post(
        reference=f"refund:{payment.pk}",
        memo=f"Refunded {payment.razorpay_payment_id} ({refund_id})",
        payment=payment,
        lines=[
            Line(share, payment.mentor_share_paise, payment.mentor),
            Line(AccountKind.PLATFORM_REVENUE, payment.app_share_paise),
            Line(AccountKind.GATEWAY_CLEARING, -payment.amount_paise),
        ],
    )


def post_release(*, payment: Payment, amount_paise: int | None = None) -> tuple[JournalEntry, bool]:
    """The hold is over: the mentor's share (or what a partial refund left of it, ``amount_paise``)
    moves from pending to available. One release per payment, whatever its amount."""
    amount = payment.mentor_share_paise if amount_paise is None else amount_paise
    return post(
        reference=f"release:{payment.pk}",
        memo=f"Released earnings of {_what_for(payment)}",
        payment=payment,
        lines=[
            Line(AccountKind.MENTOR_PENDING, amount, payment.mentor),
            Line(AccountKind.MENTOR_AVAILABLE, -amount, payment.mentor),
        ],
    )


def _part_refund_lines(payment: Payment, share: str, mentor_paise: int, app_paise: int) -> list[Line]:
    """A part refund leaves the gateway, taken from the mentor's ``share`` account (pending or
    available) and the platform's revenue."""
    return [
        Line(share, mentor_paise, payment.mentor),
        Line(AccountKind.PLATFORM_REVENUE, app_paise),
        Line(AccountKind.GATEWAY_CLEARING, -(mentor_paise + app_paise)),
    ]


def post_part_refund(
    *, payment: Payment, mentor_paise: int, app_paise: int, refund_id: str
) -> tuple[JournalEntry, bool]:
    """Staff refunded part of a plugin's purpose payment (a gift): the refund leaves the gateway,
    taken from the mentor's available share (a purpose payment's share is available at once) and
    the platform's revenue as ``core.money.refund_split`` divides it. One per payment."""
    return post(
        reference=f"refund-part:{payment.pk}",
        memo=f"Refunded part of {payment.razorpay_payment_id} ({refund_id}) for {_what_for(payment)}",
        payment=payment,
        lines=_part_refund_lines(payment, AccountKind.MENTOR_AVAILABLE, mentor_paise, app_paise),
    )


# --- Disputes (a learner reported a problem; staff settled it) -----------------------------


def post_dispute_refund(
    *, payment: Payment, dispute_id: int, mentor_paise: int, app_paise: int, refund_id: str
) -> tuple[JournalEntry, bool]:
    """Staff refunded part of a disputed payment: the refund leaves the gateway, taken from the
    mentor's pending share and the platform's revenue as ``core.money.refund_split`` divides it."""
    return post(
        reference=f"dispute-refund:{dispute_id}",
        memo=f"Dispute {dispute_id}: refunded part of {payment.razorpay_payment_id} ({refund_id})",
        payment=payment,
        lines=_part_refund_lines(payment, AccountKind.MENTOR_PENDING, mentor_paise, app_paise),
    )


# Money on its way out is kept per person (the platform's own: no user), so each person's
# "being paid out" is their own balance of PAYOUTS_IN_TRANSIT.
def _withdrawal_source(withdrawal: Withdrawal) -> Line:
    """Mentors withdraw available earnings; the platform (no user) withdraws its revenue."""
    if withdrawal.user_id is None:
        return Line(AccountKind.PLATFORM_REVENUE, withdrawal.amount_paise)
    return Line(AccountKind.MENTOR_AVAILABLE, withdrawal.amount_paise, withdrawal.user)


def post_withdrawal_requested(*, withdrawal: Withdrawal) -> tuple[JournalEntry, bool]:
    return post(
        reference=f"withdrawal:{withdrawal.pk}",
        memo=f"Withdrawal {withdrawal.pk} requested",
        withdrawal=withdrawal,
        lines=[
            _withdrawal_source(withdrawal),
            Line(AccountKind.PAYOUTS_IN_TRANSIT, -withdrawal.amount_paise, withdrawal.user),
        ],
    )


def post_payout_processed(*, withdrawal: Withdrawal) -> tuple[JournalEntry, bool]:
    return post(
        reference=f"payout:{withdrawal.pk}",
        memo=f"Withdrawal {withdrawal.pk} paid out",
        withdrawal=withdrawal,
        lines=[
            Line(AccountKind.PAYOUTS_IN_TRANSIT, withdrawal.amount_paise, withdrawal.user),
            Line(AccountKind.GATEWAY_CLEARING, -withdrawal.amount_paise),
        ],
    )


def post_payout_failed(*, withdrawal: Withdrawal) -> tuple[JournalEntry, bool]:
    """A failed payout returns the amount to where it came from."""
    source = _withdrawal_source(withdrawal)
    return post(
        reference=f"payout-failed:{withdrawal.pk}",
        memo=f"Withdrawal {withdrawal.pk} failed; amount returned",
        withdrawal=withdrawal,
        lines=[
            Line(AccountKind.PAYOUTS_IN_TRANSIT, withdrawal.amount_paise, withdrawal.user),
            Line(source.kind, -withdrawal.amount_paise, source.user),
        ],
    )


def post_payout_reversed(*, withdrawal: Withdrawal) -> tuple[JournalEntry, bool]:
    """A paid-out withdrawal the bank sent back: the gateway holds the amount again, and it is
    returned to where it came from (a mentor's available earnings, or the platform's revenue)."""
    source = _withdrawal_source(withdrawal)
    return post(
        reference=f"payout-reversed:{withdrawal.pk}",
        memo=f"Withdrawal {withdrawal.pk} reversed by the bank; amount returned",
        withdrawal=withdrawal,
        lines=[
            Line(AccountKind.GATEWAY_CLEARING, withdrawal.amount_paise),
            Line(source.kind, -withdrawal.amount_paise, source.user),
        ],
    )
