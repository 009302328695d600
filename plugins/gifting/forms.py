"""The gift form: a preset (₹50, ₹100, ₹200, ₹500) or a custom whole-rupee amount, a short
message, and the token that makes a double submit one gift."""

from __future__ import annotations

from django import forms

from plugins.gifting.services import MAX_RUPEES, MESSAGE_MAX, MIN_RUPEES, PRESETS_RUPEES, TOKEN, new_token

CUSTOM = "custom"


class GiftForm(forms.Form):
    preset = forms.ChoiceField(
        label="Amount",
        choices=[*((str(rupees), f"₹{rupees}") for rupees in PRESETS_RUPEES), (CUSTOM, "Other")],
        initial=str(PRESETS_RUPEES[1]),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an amount.", "invalid_choice": "Choose one of the amounts, or Other."},
    )
    custom = forms.IntegerField(
        label="Other amount (₹)",
        required=False,
        min_value=MIN_RUPEES,
        max_value=MAX_RUPEES,
        widget=forms.NumberInput(attrs={"min": MIN_RUPEES, "max": MAX_RUPEES, "step": 1, "inputmode": "numeric"}),
        error_messages={
            "invalid": "A gift is a whole number of rupees.",
            "min_value": f"The smallest gift is ₹{MIN_RUPEES}.",
            "max_value": f"The largest gift is ₹{MAX_RUPEES:,}.",
        },
    )
    message = forms.CharField(
        label="Message",
        required=False,
        max_length=MESSAGE_MAX,
        strip=True,
        widget=forms.TextInput(attrs={"maxlength": MESSAGE_MAX, "placeholder": "Thanks for the session!"}),
        help_text=f"Your mentor sees it with the gift (up to {MESSAGE_MAX} characters).",
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", new_token())

    def clean_message(self) -> str:
        message = self.cleaned_data.get("message", "")
        if message and not message.isprintable():
            raise forms.ValidationError("The message has characters that cannot be shown.")
        return message

    def clean_token(self) -> str:
        token = self.cleaned_data.get("token", "")
        return token if TOKEN.match(token or "") else new_token()

    def clean(self):
        data = super().clean()
        preset = data.get("preset")
        if preset == CUSTOM:
            if data.get("custom") is None and "custom" not in self.errors:
                self.add_error("custom", "Enter the amount, in whole rupees.")
        elif preset:
            data["custom"] = None
        return data

    @property
    def price_paise(self) -> int:
        """The gift in paise (valid forms only)."""
        preset = self.cleaned_data["preset"]
        rupees = self.cleaned_data["custom"] if preset == CUSTOM else int(preset)
        return rupees * 100
