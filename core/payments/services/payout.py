"""Paying a withdrawal out: send the payout through the gateway, and settle it on the news
(the task, a webhook or the reconciler). It queues nothing."""

from __future__ import annotations

from django.db import transaction

from core import hooks
from core.payments import ledger
from core.payments.gateways import Destination, get_gateway
from core.payments.models import (
    Withdrawal,
    WithdrawalStatus,
)

PAYOUT_DONE_STATUSES = {"processed"}
PAYOUT_FAILED_STATUSES = {"failed", "reversed", "rejected", "cancelled"}


def withdrawal_payout_send(*, withdrawal: Withdrawal) -> Withdrawal:
    """Pay a pending withdrawal through RazorpayX (or test mode), at most once.

    The idempotency key is the withdrawal's own id (saved before the call), so a retry after
    a timeout gets the same payout back. Without RazorpayX the withdrawal waits for an
    admin, who marks it paid or failed in Django admin.
    """
    gateway = get_gateway()
    if not gateway.payouts_enabled():
        return withdrawal
    if not Withdrawal.objects.filter(
        pk=withdrawal.pk, status__in=[WithdrawalStatus.PENDING, WithdrawalStatus.PROCESSING]
    ).update(status=WithdrawalStatus.PROCESSING):
        withdrawal.refresh_from_db()
        return withdrawal
    payout = gateway.payout_create(
        amount_paise=withdrawal.amount_paise,
        destination=Destination(
            kind=withdrawal.destination_kind,
            name=withdrawal.account_name,
            ifsc=withdrawal.ifsc,
            account_number=withdrawal.account_number,
            vpa=withdrawal.vpa,
        ),
        reference_id=withdrawal.idempotency_key,
        idempotency_key=withdrawal.idempotency_key,
    )
    Withdrawal.objects.filter(pk=withdrawal.pk).update(payout_id=payout.id)
    withdrawal.refresh_from_db()
    return withdrawal_settle(withdrawal=withdrawal, payout_status=payout.status, reason=f"Payout {payout.status}")


def withdrawal_settle_applies(*, withdrawal: Withdrawal, payout_status: str) -> bool:
    """Whether news of ``payout_status`` fits the state we hold (so it can be applied as it is).

    A payout in transit takes any news; a paid-out one only "processed" again or "reversed"
    (Razorpay reverses a processed payout when the bank returns it); a failed one only
    another failure. Anything else contradicts what we recorded: ask the gateway.
    """
    withdrawal.refresh_from_db(fields=["status"])
    if withdrawal.status in (WithdrawalStatus.PENDING, WithdrawalStatus.PROCESSING):
        return True
    if withdrawal.status == WithdrawalStatus.COMPLETED:
        return payout_status in PAYOUT_DONE_STATUSES | {"reversed"}
    return payout_status in PAYOUT_FAILED_STATUSES


def withdrawal_settle(*, withdrawal: Withdrawal, payout_status: str, reason: str = "") -> Withdrawal:
    """Record a payout's final state: completed, or failed with the amount back (each once).

    A state only moves forward, with one exception the bank makes: a paid-out payout that is
    reversed returns its amount to where it came from (a balanced entry of its own) and the
    withdrawal becomes failed, saying so. Any other later news about a settled payout is
    ignored. The withdrawer hears of each change (``withdrawal_settled``, after the commit).
    """
    in_transit = [WithdrawalStatus.PENDING, WithdrawalStatus.PROCESSING]
    if payout_status in PAYOUT_DONE_STATUSES:
        status, post, reason, came_from = WithdrawalStatus.COMPLETED, ledger.post_payout_processed, "", in_transit
    elif payout_status == "reversed":
        status, post, came_from = WithdrawalStatus.FAILED, None, [*in_transit, WithdrawalStatus.COMPLETED]
        detail = "" if reason in ("", f"Payout {payout_status}") else f" ({reason})"
        reason = f"Returned by the bank{detail}; the amount is back in the balance."
    elif payout_status in PAYOUT_FAILED_STATUSES:
        status, post, came_from = WithdrawalStatus.FAILED, ledger.post_payout_failed, in_transit
    else:
        return withdrawal  # still on its way
    with transaction.atomic():
        before = Withdrawal.objects.select_for_update().filter(pk=withdrawal.pk).values_list("status", flat=True).get()
        if before in came_from and Withdrawal.objects.filter(pk=withdrawal.pk, status=before).update(
            status=status, failure_reason=reason[:200]
        ):
            if post is not None:
                post(withdrawal=withdrawal)
            elif before == WithdrawalStatus.COMPLETED:
                ledger.post_payout_reversed(withdrawal=withdrawal)
            else:  # reversed before we heard it was paid: the same as a failure
                ledger.post_payout_failed(withdrawal=withdrawal)
            transaction.on_commit(
                lambda: hooks.withdrawal_settled.send_robust(
                    sender=Withdrawal, withdrawal=withdrawal, payout_status=payout_status
                )
            )
    withdrawal.refresh_from_db()
    return withdrawal
