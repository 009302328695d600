"""The mentor's session form: what a person types, turned into what ``session_create`` takes.

The start is typed in the mentor's own timezone and stored in UTC; the price is typed in
rupees and kept in paise. The service checks the rules (price bounds, future start, no
overlap); its per-field errors are shown on this form's fields.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from core.formfields import LocalDateTimeField
from core.money import format_inr, is_whole_rupees, rupees_to_paise, split, split_rounds
from core.users.suggestions import split_terms, suggest_terms

DURATIONS = [(30, "30 minutes"), (45, "45 minutes"), (60, "1 hour"), (90, "1½ hours"), (120, "2 hours")]
MAX_TOPICS = 12

# The service's field names → this form's.
SERVICE_FIELDS = {"price_paise": "price", "starts_at": "starts_at", "duration_minutes": "duration_minutes"}


class SessionForm(forms.Form):
    title = forms.CharField(
        max_length=120,
        help_text="Say what the learner walks away with, e.g. “Master recursion in one hour”.",
        error_messages={"required": "Give the session a title."},
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
        help_text="Who it is for and what you will do together.",
    )
    topics = forms.CharField(
        max_length=600,
        help_text="Separate topics with commas, e.g. “Loops, Functions, Recursion”.",
        error_messages={"required": "Please add topics, so learners know what you will cover."},
    )
    price = forms.CharField(
        label="Price (₹)",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": "Set a price in rupees."},
    )
    starts_at = LocalDateTimeField(
        label="Date and time",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": "Pick a date and time.", "invalid": "Enter a date and time."},
    )
    duration_minutes = forms.TypedChoiceField(
        label="Duration", choices=DURATIONS, coerce=int, initial=settings.SESSION_DURATION_DEFAULT_MINUTES
    )
    # Set once the mentor has seen the typo suggestions: submitting again keeps what they typed.
    suggestions_seen = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, timezone_name: str = "Asia/Kolkata", **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(timezone_name)
        self.fields["starts_at"].zone = self.zone
        self.fields["starts_at"].help_text = f"In your timezone, {timezone_name}."
        low, high = settings.SESSION_PRICE_MIN_PAISE, settings.SESSION_PRICE_MAX_PAISE
        self.fields[
            "price"
        ].help_text = f"Whole rupees, between {format_inr(low)} and {format_inr(high)}. Learners pay a fee on top."
        self.suggestions: dict[str, dict[str, str]] = {}

    def clean(self):
        cleaned = super().clean()
        found = suggest_terms(cleaned.get("topics") or [])
        if found:
            self.suggestions["topics"] = found
            if not cleaned.get("suggestions_seen") and not self.errors:
                self.add_error(
                    "topics", "Check the spelling suggestions below, or submit again to keep what you typed."
                )
        return cleaned

    def clean_topics(self) -> list[str]:
        topics = split_terms(self.cleaned_data["topics"])
        if not topics:
            raise ValidationError("Please add topics, so learners know what you will cover.")
        if len(topics) > MAX_TOPICS:
            raise ValidationError(f"At most {MAX_TOPICS} topics.")
        if any(len(topic) > 60 for topic in topics):
            raise ValidationError("Keep each topic under 60 characters.")
        return topics

    def clean_price(self) -> int:
        try:
            paise = rupees_to_paise(self.cleaned_data["price"])
        except ValueError as exc:
            raise ValidationError("Type the price in rupees, e.g. 1000.") from exc
        if not is_whole_rupees(paise):
            raise ValidationError(f"Prices are whole rupees, without paise: {format_inr(paise)} is not one.")
        return paise

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data.get("description", ""),
            "topics": data["topics"],
            "price_paise": data["price"],
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the matching fields (or above the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(SERVICE_FIELDS.get(field, field if field in self.fields else None), errors)


def price_preview(price_text: str) -> str:
    """“Learner pays ₹1,100 incl. fee · you earn ₹900”, or a hint when the price is not valid yet."""
    try:
        amounts = split(rupees_to_paise(price_text))
    except ValueError:
        return "Type a price to see what the learner pays and what you earn."
    if amounts.price_paise == 0:
        return "Type a price to see what the learner pays and what you earn."
    if not is_whole_rupees(amounts.price_paise):
        return "Prices are whole rupees, without paise."
    line = (
        f"Learner pays {format_inr(amounts.amount_paise)} incl. fee · you earn {format_inr(amounts.mentor_share_paise)}"
    )
    if split_rounds(amounts.price_paise):
        line += " (the fee is rounded to the nearest paisa, your share down)"
    return line
