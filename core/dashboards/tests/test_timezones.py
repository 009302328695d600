"""Stored in UTC, shown in each viewer's zone: a mentor in London and a learner in Kolkata see
the same instant, before and after the UK's clocks go forward (the next last Sunday of March,
01:00 UTC, at least two days from now: sessions start in the future)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.bookings.tests.factories import book_and_pay
from core.mentoring.models import MentoringSession
from core.mentoring.tests.factories import approved_mentor

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def next_uk_spring_change(after: datetime) -> datetime:
    """01:00 UTC on the last Sunday of March, the first one more than two days after ``after``."""
    for year in range(after.year, after.year + 3):
        march_31 = datetime(year, 3, 31, 1, 0, tzinfo=UTC)
        change = march_31 - timedelta(days=(march_31.weekday() - 6) % 7)
        if change - timedelta(days=2) > after:
            return change
    raise AssertionError("no change in three years")


CHANGE = next_uk_spring_change(datetime.now(UTC))
BEFORE = (CHANGE - timedelta(days=1)).replace(hour=12)  # Saturday: London on GMT (UTC+0)
AFTER = (CHANGE + timedelta(days=1)).replace(hour=12)  # Monday: London on BST (UTC+1)


def test_the_instants_straddle_the_change():
    assert BEFORE.astimezone(LONDON).utcoffset() == timedelta(0)
    assert AFTER.astimezone(LONDON).utcoffset() == timedelta(hours=1)
    assert (CHANGE - timedelta(seconds=1)).astimezone(LONDON).utcoffset() == timedelta(0)
    assert CHANGE.astimezone(LONDON).utcoffset() == timedelta(hours=1)


@pytest.fixture
def london_mentor():
    mentor = approved_mentor()
    mentor.timezone = "Europe/London"
    mentor.save(update_fields=["timezone"])
    return mentor


@pytest.mark.parametrize(
    ("typed", "stored", "kolkata"),
    [
        (f"{BEFORE:%Y-%m-%d}T12:00", BEFORE, "5:30 PM"),  # 12:00 GMT = 12:00 UTC = 17:30 IST
        (f"{AFTER:%Y-%m-%d}T13:00", AFTER, "5:30 PM"),  # 13:00 BST = 12:00 UTC = 17:30 IST
    ],
)
def test_the_same_instant_on_both_sides_of_the_march_change(
    client, london_mentor, learner, typed, stored, kolkata
):  # fmt: skip
    client.force_login(london_mentor)
    response = client.post(
        "/dashboard/mentor/sessions/new/",
        {"title": "Spring session", "topics": "Python", "price": "1000", "starts_at": typed,
         "duration_minutes": "60"},
    )  # fmt: skip
    assert response.status_code == 302
    session = MentoringSession.objects.get(mentor=london_mentor)
    assert session.starts_at == stored

    hour = typed[11:13].lstrip("0")
    mentor_page = client.get("/dashboard/mentor/sessions/").content.decode()
    assert f"{int(hour) % 12 or 12}:00 PM" in mentor_page
    edit_page = client.get(f"/dashboard/mentor/sessions/{session.pk}/edit/").content.decode()
    assert f'value="{typed}"' in edit_page  # the form gives back what the mentor typed

    booking = book_and_pay(session, learner)  # learner's profile: Asia/Kolkata
    client.force_login(learner)
    learner_page = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert kolkata in learner_page and "Asia/Kolkata" in learner_page
    assert stored.isoformat().replace("+00:00", "") in learner_page  # the machine-readable instant
