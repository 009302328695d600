"""``core/payments/forms.py``: the withdrawal form reports every problem in one submit."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.payments.forms import WithdrawalForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(mentor) -> TOTPDevice:
    return TOTPDevice.objects.create(user=mentor, name="phone", confirmed=True)


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _wrong(device) -> str:
    return f"{(int(_code(device)) + 500_000) % 1_000_000:06d}"


def test_every_error_of_a_bank_withdrawal_at_once(mentor, device):
    form = WithdrawalForm(
        {
            "amount": "5000",
            "destination_kind": "bank_account",
            "account_name": " ",
            "ifsc": "HDFC123",
            "account_number": "12ab",
            "otp_token": _wrong(device),
        },
        user=mentor,
        available_paise=90_000,
    )
    assert not form.is_valid()
    assert set(form.errors) == {"amount", "account_name", "ifsc", "account_number", "otp_token"}
    assert form.errors["amount"] == ["You can withdraw at most ₹900 right now."]
    assert "That code is not right" in form.errors["otp_token"][0]


def test_a_bad_upi_address_and_a_tiny_amount_together(mentor, device):
    form = WithdrawalForm(
        {"amount": "50", "destination_kind": "vpa", "account_name": "Meera", "vpa": "meera", "otp_token": "12x"},
        user=mentor,
        available_paise=90_000,
    )
    assert not form.is_valid()
    assert set(form.errors) == {"amount", "vpa", "otp_token"}
    assert form.errors["amount"] == ["The smallest withdrawal is ₹100."]


def test_a_right_code_beside_other_errors_is_not_used_up(mentor, device):
    code = _code(device)
    data = {"amount": "5000", "destination_kind": "vpa", "account_name": "Meera", "vpa": "meera@okhdfcbank"}
    first = WithdrawalForm({**data, "otp_token": code}, user=mentor, available_paise=90_000)
    assert not first.is_valid() and set(first.errors) == {"amount"}

    second = WithdrawalForm({**data, "amount": "900", "otp_token": code}, user=mentor, available_paise=90_000)
    assert second.is_valid(), second.errors
    assert second.service_kwargs()["amount_paise"] == 90_000

    third = WithdrawalForm({**data, "amount": "900", "otp_token": code}, user=mentor, available_paise=90_000)
    assert not third.is_valid() and set(third.errors) == {"otp_token"}  # now it is used


def test_a_saved_destination_needs_no_destination_fields(mentor, device):
    saved = {
        "destination_kind": "vpa",
        "account_name": "Meera",
        "vpa": "meera@okhdfcbank",
        "ifsc": "",
        "account_number": "",
    }
    form = WithdrawalForm(
        {"amount": "900", "destination_kind": "saved", "otp_token": _code(device)},
        user=mentor,
        saved=saved,
        available_paise=90_000,
    )
    assert form.is_valid(), form.errors
