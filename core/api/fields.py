"""Serializer fields the API's serializers share."""

from __future__ import annotations

from datetime import UTC

from django.utils.dateparse import parse_datetime
from rest_framework import serializers

MAX_ITEMS = 30


class TextList(serializers.ListField):
    """A short list of short texts (topics, skills): at most 30, each 1 to 60 characters."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.CharField(max_length=60))
        kwargs.setdefault("max_length", MAX_ITEMS)
        super().__init__(**kwargs)


class Instant(serializers.DateTimeField):
    """A moment in time: given with its offset (``2026-12-24T18:30:00+05:30``), answered in UTC."""

    default_error_messages = {
        "naive": "Give the time with its offset or Z, e.g. 2026-12-24T18:30:00+05:30.",
        "year": "Give a year between 2000 and 2200.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None  # DRF's own parse says what is wrong
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        result = super().to_internal_value(value)
        if not 2000 <= result.year <= 2200:
            self.fail("year")
        return result
