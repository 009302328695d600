"""The project's own template filters and tags, where they promise what a built-in gives."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone as django_timezone
from hypothesis import given
from hypothesis import strategies as st

from core.templatetags.peerlearn import _is_dashboard_page, dash_link_attrs


def _render(text: str, **context) -> str:
    return Template("{% load peerlearn tz %}" + text).render(Context(context))


@given(
    moment=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 30), timezones=st.sampled_from([UTC])
    ),
    offset_minutes=st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_iso_utc_writes_what_utc_then_date_c_writes(moment, offset_minutes):
    shown_in = timezone(timedelta(minutes=offset_minutes))
    value = moment.astimezone(shown_in)
    with django_timezone.override(ZoneInfo("Asia/Kolkata")):
        assert _render("{{ value|iso_utc }}", value=value) == _render("{{ value|utc|date:'c' }}", value=value)


@pytest.mark.parametrize("value", [None, "", "2026-01-01", date(2026, 1, 1), 5])
def test_iso_utc_of_something_that_is_not_a_datetime_is_empty(value):
    assert _render("{{ value|iso_utc }}", value=value) == ""


def test_dashboard_links_swap_the_dashboard_and_other_links_do_not():
    assert 'hx-target="#dash-main"' in dash_link_attrs(reverse("core:learner-browse"))
    assert dash_link_attrs("/profile/") == ""
    assert dash_link_attrs("/no/such/page/") == ""


urlpatterns = []  # this module as a URLconf without a single page


def test_the_remembered_answer_is_forgotten_when_the_urlconf_changes():
    browse = "/dashboard/learner/browse/"
    assert _is_dashboard_page(browse) is True
    with override_settings(ROOT_URLCONF=__name__):
        assert _is_dashboard_page(browse) is False
    assert _is_dashboard_page(browse) is True
