"""The withdrawal form: an amount in rupees, a destination, and a code from the authenticator app."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.money import format_inr, rupees_to_paise
from core.payments.models import DestinationKind
from core.payments.services import MIN_WITHDRAWAL_PAISE
from core.users.validators import validate_account_number, validate_ifsc, validate_vpa

# The service's field names → this form's.
SERVICE_FIELDS = {"amount_paise": "amount"}


class WithdrawalForm(forms.Form):
    """The amount (format, minimum, balance) and each destination field are reported at once; the
    code is passed through to ``withdrawal_request``, which checks it (the two-factor rule lives in
    the service) and uses it up only when everything else is right."""

    amount = forms.CharField(
        label="Amount (₹)",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": "How much do you want to withdraw?"},
    )
    destination_kind = forms.ChoiceField(
        label="Pay to", choices=DestinationKind.choices, widget=forms.RadioSelect, initial=DestinationKind.UPI
    )
    account_name = forms.CharField(label="Account holder's name", max_length=120, required=False)
    vpa = forms.CharField(label="UPI ID", max_length=100, required=False, help_text="For example name@okhdfcbank.")
    ifsc = forms.CharField(label="IFSC", max_length=11, required=False, help_text="11 characters, e.g. HDFC0001234.")
    account_number = forms.CharField(label="Account number", max_length=18, required=False)
    otp_token = forms.CharField(
        label="Code from your authenticator app",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}),
        error_messages={"required": "Type the 6-digit code from your authenticator app."},
    )

    SAVED = "saved"

    def __init__(self, *args, user, saved: dict | None = None, available_paise: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.saved = saved
        self.available_paise = available_paise  # None: the service alone checks the balance
        if saved:
            # The destination saved in Settings comes first, so a withdrawal is amount + code;
            # its account number never goes back to the browser.
            field = self.fields["destination_kind"]
            field.choices = [(self.SAVED, f"Saved: {describe_destination(saved)}"), *field.choices]
            field.initial = self.SAVED

    def clean_amount(self) -> int:
        try:
            paise = rupees_to_paise(self.cleaned_data["amount"])
        except ValueError as exc:
            raise ValidationError("Type the amount in rupees, e.g. 900 or 899.50.") from exc
        if paise <= 0:
            raise ValidationError("Type an amount above zero.")
        if paise < MIN_WITHDRAWAL_PAISE:
            raise ValidationError(f"The smallest withdrawal is {format_inr(MIN_WITHDRAWAL_PAISE)}.")
        if self.available_paise is not None and paise > self.available_paise:
            raise ValidationError(f"You can withdraw at most {format_inr(self.available_paise)} right now.")
        return paise

    def clean_otp_token(self) -> str:
        token = self.cleaned_data["otp_token"].strip()
        if not token.isdigit():
            raise ValidationError("The code is the 6 digits your authenticator app shows.")
        return token

    def clean(self) -> dict:
        data = super().clean()
        self._clean_destination(data)
        return data

    def _clean_destination(self, data: dict) -> None:
        """The service's destination rules, field by field, so that each shows beside its field."""
        kind = data.get("destination_kind")
        if kind is None or kind == self.SAVED:  # none chosen (said beside the field), or the saved one
            return
        if not data.get("account_name", "").strip():
            self.add_error("account_name", "Give the account holder's name.")
        checks = {
            DestinationKind.UPI: [("vpa", validate_vpa, str.strip)],
            DestinationKind.BANK: [
                ("ifsc", validate_ifsc, lambda value: value.strip().upper()),
                ("account_number", validate_account_number, str.strip),
            ],
        }
        for field, check, normalise in checks.get(kind, []):
            try:
                check(normalise(data.get(field, "")))
            except ValidationError as exc:
                self.add_error(field, exc)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        if data["destination_kind"] == self.SAVED and self.saved:
            return {"amount_paise": data["amount"], "otp_token": data["otp_token"], **self.saved}
        return {
            "amount_paise": data["amount"],
            "otp_token": data["otp_token"],
            "destination_kind": data["destination_kind"],
            "account_name": data.get("account_name", ""),
            "ifsc": data.get("ifsc", ""),
            "account_number": data.get("account_number", ""),
            "vpa": data.get("vpa", ""),
        }

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            name = SERVICE_FIELDS.get(field, field)
            self.add_error(name if name in self.fields else None, errors)


def describe_destination(destination: dict) -> str:
    """“UPI meera@okhdfcbank” or “Bank account ••••1234 (HDFC0001234)”, never the whole number."""
    if destination["destination_kind"] == DestinationKind.UPI:
        return f"UPI {destination['vpa']}"
    return f"Bank account ••••{destination['account_number'][-4:]} ({destination['ifsc']})"
