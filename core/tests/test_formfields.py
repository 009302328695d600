"""``core/formfields.py``: dates and times a person types never overflow later steps."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django import forms

from core.formfields import MAX_YEAR, MIN_YEAR, OUT_OF_RANGE, LocalDateField, LocalDateTimeField


class _Form(forms.Form):
    day = LocalDateField(required=False)
    moment = LocalDateTimeField(required=False, input_formats=["%Y-%m-%dT%H:%M"])

    def __init__(self, *args, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moment"].zone = ZoneInfo(zone)


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/Los_Angeles", "Pacific/Kiritimati"])
@pytest.mark.parametrize(
    "typed", ["9999-12-31T23:59", "0001-01-01T00:00", f"{MAX_YEAR + 1}-01-01T00:00", f"{MIN_YEAR - 1}-12-31T23:59"]
)
def test_a_time_beyond_the_years_is_refused_with_a_message(zone, typed):
    form = _Form({"moment": typed, "day": typed[:10]}, zone=zone)

    assert not form.is_valid()
    assert form.errors == {"moment": [OUT_OF_RANGE], "day": [OUT_OF_RANGE]}


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/Los_Angeles", "Pacific/Kiritimati"])
@pytest.mark.parametrize("typed", [f"{MAX_YEAR}-12-31T23:59", f"{MIN_YEAR}-01-01T00:00"])
def test_the_last_and_first_accepted_moments_survive_a_move_to_utc_and_a_day_added(zone, typed):
    form = _Form({"moment": typed, "day": typed[:10]}, zone=zone)

    assert form.is_valid(), form.errors
    moment = form.cleaned_data["moment"]
    assert moment.tzinfo == ZoneInfo(zone)
    assert moment.replace(tzinfo=None) == datetime.fromisoformat(typed)
    moment.astimezone(ZoneInfo("UTC")) + timedelta(days=1)
    form.cleaned_data["day"] + timedelta(days=1)


def test_the_wall_clock_is_the_persons_zone_whatever_offset_the_text_carries():
    form = _Form({"moment": "2030-03-01T10:00"}, zone="America/New_York")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["moment"] == datetime(2030, 3, 1, 10, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.parametrize("typed", ["\x00", "2030-13-01T10:00", "tomorrow", "9" * 5000])
def test_garbage_is_invalid_not_an_error(typed):
    form = _Form({"moment": typed, "day": typed}, zone="Asia/Kolkata")

    assert not form.is_valid()
    assert set(form.errors) == {"moment", "day"}
