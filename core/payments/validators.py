"""Checks for payout destinations: Indian bank accounts (IFSC) and UPI addresses."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
ACCOUNT_NUMBER = re.compile(r"^\d{9,18}$")
VPA = re.compile(r"^[a-zA-Z0-9.\-_]{2,256}@[a-zA-Z][a-zA-Z0-9]{1,63}$")


def validate_ifsc(value: str) -> None:
    if not IFSC.match(value or ""):
        raise ValidationError(
            "An IFSC has 11 characters: 4 letters, a zero, then 6 letters or digits (e.g. HDFC0001234)."
        )


def validate_account_number(value: str) -> None:
    if not ACCOUNT_NUMBER.match(value or ""):
        raise ValidationError("A bank account number has 9 to 18 digits.")


def validate_vpa(value: str) -> None:
    if not VPA.match(value or ""):
        raise ValidationError("A UPI address looks like name@bank (e.g. asha@okhdfcbank).")
