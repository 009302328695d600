"""Asking for a withdrawal (a mentor's, or the platform's): check, debit the balance, queue the payout.

The payout itself (``payout``) runs in the task this queues, so services and tasks import one way.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core.money import format_inr
from core.payments import ledger, selectors, tasks
from core.payments.models import (
    AccountKind,
    DestinationKind,
    LedgerAccount,
    Withdrawal,
)
from core.users.models import User
from core.users.validators import validate_account_number, validate_ifsc, validate_vpa

MIN_WITHDRAWAL_PAISE = 100_00


def _validate_destination(*, kind: str, account_name: str, ifsc: str, account_number: str, vpa: str) -> None:
    errors = {}
    if not account_name.strip():
        errors["account_name"] = ["Give the account holder's name."]
    if kind == DestinationKind.BANK:
        for field, value, check in (
            ("ifsc", ifsc, validate_ifsc),
            ("account_number", account_number, validate_account_number),
        ):
            try:
                check(value)
            except ValidationError as exc:
                errors[field] = exc.messages
    elif kind == DestinationKind.UPI:
        try:
            validate_vpa(vpa)
        except ValidationError as exc:
            errors["vpa"] = exc.messages
    else:
        errors["destination_kind"] = ["Choose a bank account or UPI."]
    if errors:
        raise ValidationError(errors)


def withdrawal_request(
    *,
    user: User | None,
    amount_paise: int,
    destination_kind: str,
    account_name: str,
    ifsc: str = "",
    account_number: str = "",
    vpa: str = "",
) -> Withdrawal:
    """Ask to be paid ``amount_paise`` of the available balance (``user=None``: the platform's revenue
    from sessions that took place; its share of upcoming ones may still be refunded).

    The balance is checked and debited in one transaction under a lock on the source
    account (PostgreSQL row lock; SQLite's IMMEDIATE transactions serialise writers), so
    two requests at once can never take more than there is. Processed within 24 hours.
    """
    ifsc, vpa = ifsc.strip().upper(), vpa.strip()
    _validate_destination(
        kind=destination_kind, account_name=account_name, ifsc=ifsc, account_number=account_number.strip(), vpa=vpa
    )
    if amount_paise < MIN_WITHDRAWAL_PAISE:
        raise ValidationError({"amount_paise": [f"The smallest withdrawal is {format_inr(MIN_WITHDRAWAL_PAISE)}."]})
    kind = AccountKind.PLATFORM_REVENUE if user is None else AccountKind.MENTOR_AVAILABLE
    with transaction.atomic():
        source = ledger.account_get(kind=kind, user=user)
        LedgerAccount.objects.select_for_update().filter(pk=source.pk).first()
        available = ledger.balance(kind=kind, user=user)
        if user is None:
            available = max(available - selectors.platform_unearned_paise(), 0)
        if amount_paise > available:
            raise ValidationError(
                {"amount_paise": [f"You can withdraw at most {format_inr(available)} right now."]}, code="overdraw"
            )
        withdrawal = Withdrawal.objects.create(
            user=user,
            amount_paise=amount_paise,
            destination_kind=destination_kind,
            account_name=account_name.strip(),
            ifsc=ifsc if destination_kind == DestinationKind.BANK else "",
            account_number=account_number.strip() if destination_kind == DestinationKind.BANK else "",
            vpa=vpa if destination_kind == DestinationKind.UPI else "",
        )
        ledger.post_withdrawal_requested(withdrawal=withdrawal)
        transaction.on_commit(lambda: tasks.withdrawal_payout_send_task.delay(withdrawal.pk))
    return withdrawal
