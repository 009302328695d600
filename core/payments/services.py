"""Writes about money outside bookings: withdrawals (mentors' and the platform's)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core.money import format_inr
from core.payments import ledger
from core.payments.models import AccountKind, DestinationKind, LedgerAccount, Withdrawal
from core.payments.validators import validate_account_number, validate_ifsc, validate_vpa
from core.users.models import User

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
    """Ask to be paid ``amount_paise`` of the available balance (``user=None``: the platform's revenue).

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
    return withdrawal
