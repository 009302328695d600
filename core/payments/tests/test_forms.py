"""``core/payments/forms.py``: the withdrawal form reports every problem of its fields in one
submit, and passes the code to the service, which checks it (``test_withdrawals``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.payments import ledger
from core.payments.forms import WithdrawalForm
from core.payments.models import AccountKind
from core.payments.services import withdrawal_request

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
    assert set(form.errors) == {"amount", "account_name", "ifsc", "account_number"}
    assert form.errors["amount"] == ["You can withdraw at most ₹900 right now."]


def test_a_bad_upi_address_and_a_tiny_amount_together(mentor, device):
    form = WithdrawalForm(
        {"amount": "50", "destination_kind": "vpa", "account_name": "Meera", "vpa": "meera", "otp_token": "12x"},
        user=mentor,
        available_paise=90_000,
    )
    assert not form.is_valid()
    assert set(form.errors) == {"amount", "vpa", "otp_token"}
    assert form.errors["amount"] == ["The smallest withdrawal is ₹100."]


def test_the_code_goes_to_the_service_and_its_verdict_comes_back_beside_the_field(mentor, device):
    ledger.post(
        reference="earned",
        memo="test earnings",
        lines=[
            ledger.Line(AccountKind.GATEWAY_CLEARING, 90_000),
            ledger.Line(AccountKind.MENTOR_AVAILABLE, -90_000, mentor),
        ],
    )
    data = {"amount": "900", "destination_kind": "vpa", "account_name": "Meera", "vpa": "meera@okhdfcbank"}
    form = WithdrawalForm({**data, "otp_token": _wrong(device)}, user=mentor, available_paise=90_000)
    assert form.is_valid(), form.errors  # the form does not judge the code
    kwargs = form.service_kwargs()
    assert (kwargs["amount_paise"], kwargs["otp_token"]) == (90_000, _wrong(device))

    with pytest.raises(ValidationError) as refused:
        withdrawal_request(user=mentor, **kwargs)
    form.add_service_errors(refused.value)
    assert form.errors["otp_token"] == ["That code is not right. Check the time on your phone and try again."]


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
