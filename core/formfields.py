"""Date and time form fields: what a person types, turned into values every later step can use.

A browser sends dates and wall-clock times in the person's own timezone. Python's dates end
with the year 9999, so "9999-12-31T23:59" parses, then overflows as soon as it is moved to
UTC or a session's length is added to it (a 500). Every form field that takes a date or a
time is one of these: they accept the years ``MIN_YEAR`` to ``MAX_YEAR`` only, so everything
after the form can add days and change zones freely.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError

MIN_YEAR = 1900
MAX_YEAR = 2100
OUT_OF_RANGE = f"Pick a date between {MIN_YEAR} and {MAX_YEAR}."


def _year_check(value: date) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


class LocalDateField(forms.DateField):
    """A day (``<input type="date">``) between ``MIN_YEAR`` and ``MAX_YEAR``."""

    def to_python(self, value) -> date | None:
        day = super().to_python(value)
        if day is not None:
            _year_check(day)
        return day


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time (``<input type="datetime-local">``) typed in ``zone``, the
    person's own timezone whatever the server's, cleaned to an aware datetime in that zone.
    The form sets ``zone`` from the person's profile."""

    zone = ZoneInfo("Asia/Kolkata")

    def to_python(self, value) -> datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        _year_check(moment)
        return moment.replace(tzinfo=None).replace(tzinfo=self.zone)
