"""The learner's browse filters: what a person types in the GET form, turned into what
``session_search_public`` takes.

Prices are typed in whole rupees and passed on in paise; dates are days in the learner's own
timezone, passed on as the instants that day starts and the day after the last one starts.
A field typed wrongly gets a message and is left out of the search; the others still apply.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms

from core.formfields import LocalDateField
from core.money import rupees_to_paise


class BrowseForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Python, system design, a mentor's name…", "autocomplete": "off"}
        ),
    )
    topic = forms.CharField(label="Topic or domain", required=False, max_length=60)
    price_min = forms.CharField(
        label="Min price (₹)",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "Any", "autocomplete": "off"}),
    )
    price_max = forms.CharField(
        label="Max price (₹)",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "Any", "autocomplete": "off"}),
    )
    date_from = LocalDateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Pick a date."},
    )
    date_to = LocalDateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Pick a date."},
    )

    def __init__(self, *args, timezone_name: str = "Asia/Kolkata", **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(timezone_name or "Asia/Kolkata")

    @staticmethod
    def _rupees(value: str) -> int | None:
        value = (value or "").strip()
        if not value:
            return None
        try:
            return rupees_to_paise(value)
        except ValueError:
            raise forms.ValidationError("Type an amount in rupees, like 500.") from None

    def clean_price_min(self) -> int | None:
        return self._rupees(self.cleaned_data.get("price_min"))

    def clean_price_max(self) -> int | None:
        return self._rupees(self.cleaned_data.get("price_max"))

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", "The max price is below the min price.")
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def _day_start(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=self.zone)

    def search_kwargs(self) -> dict:
        """The valid filters as ``session_search_public`` arguments (call after ``is_valid()``)."""
        data = getattr(self, "cleaned_data", {})
        first, last = data.get("date_from"), data.get("date_to")
        return {
            "text": data.get("q") or "",
            "topic": data.get("topic") or "",
            "price_min_paise": data.get("price_min"),
            "price_max_paise": data.get("price_max"),
            "starts_from": self._day_start(first) if first else None,
            "starts_before": self._day_start(last + timedelta(days=1)) if last else None,
        }

    @property
    def is_filtered(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) not in (None, "") for name in self.fields)
