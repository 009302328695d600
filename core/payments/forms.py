"""The withdrawal form: an amount in rupees, a destination, and a code from the authenticator app."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django_otp import match_token

from core.money import rupees_to_paise
from core.payments.models import DestinationKind

# The service's field names → this form's.
SERVICE_FIELDS = {"amount_paise": "amount"}


class WithdrawalForm(forms.Form):
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

    def __init__(self, *args, user, saved: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.saved = saved
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
        return paise

    def clean_otp_token(self) -> str:
        token = self.cleaned_data["otp_token"].strip()
        if not token.isdigit() or match_token(self.user, token) is None:
            raise ValidationError("That code is not right. Check the time on your phone and try again.")
        return token

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        if data["destination_kind"] == self.SAVED and self.saved:
            return {"amount_paise": data["amount"], **self.saved}
        return {
            "amount_paise": data["amount"],
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
