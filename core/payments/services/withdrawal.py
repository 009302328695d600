"""Asking for a withdrawal (a mentor's, or the platform's): check, debit the balance, queue the payout.

The payout itself (``payout``) runs in the task this queues, so services and tasks import one way.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import user_has_device

from core.money import format_inr
from core.payments import ledger, selectors, tasks
from core.payments.models import (
    AccountKind,
    DestinationKind,
    LedgerAccount,
    Withdrawal,
)
from core.users.models import User
from core.users.services import TWO_FACTOR_OFF, totp_code_use
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


def withdrawal_second_factor_require(*, user: User) -> None:
    """Refuse (ValidationError ``two_factor_off``) a person without a confirmed authenticator app:
    nobody withdraws without one. ``withdrawal_request`` asks first; a page may ask before it even
    reads the form, to say why at once."""
    if not user_has_device(user, confirmed=True):
        raise ValidationError(TWO_FACTOR_OFF, code="two_factor_off")


def withdrawal_request(
    *,
    user: User | None,
    amount_paise: int,
    destination_kind: str,
    account_name: str,
    ifsc: str = "",
    account_number: str = "",
    vpa: str = "",
    otp_token: str,
    requested_by: User | None = None,
) -> Withdrawal:
    """Ask to be paid ``amount_paise`` of the available balance (``user=None``: the platform's revenue
    from sessions that took place; its share of upcoming ones may still be refunded).

    Two-factor comes first (docs/decisions/0011-two-factor-and-logins.md): ``otp_token`` is a
    current code from the authenticator app of whoever asks, the mentor, or for the platform the
    staff member ``requested_by``. Without a confirmed app, or with a wrong or used code, nothing
    is written (a wrong code still counts towards the app's back-off). The code is used up only
    when everything else is right.

    The balance is checked and debited in one transaction under a lock on the source
    account (PostgreSQL row lock; SQLite's IMMEDIATE transactions serialise writers), so
    two requests at once can never take more than there is. Processed within 24 hours.
    """
    asker = user if user is not None else requested_by
    if asker is None or (user is None and not asker.is_staff):
        raise PermissionError("The platform's revenue is withdrawn by staff (requested_by).")
    withdrawal_second_factor_require(user=asker)
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
        try:
            totp_code_use(user=asker, token=otp_token)
        except ValidationError as exc:
            wrong_code = exc  # raised once this transaction commits, which keeps the count of wrong codes
        else:
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
    raise ValidationError({"otp_token": wrong_code.error_list})
