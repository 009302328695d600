"""Stored in UTC, shown in each viewer's zone: a mentor in London and a learner in Kolkata see
the same instant, before and after the UK's clocks go forward (the next last Sunday of March,
01:00 UTC, at least two days from now: sessions start in the future)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.bookings.tests.factories import book_and_pay
from core.mentoring.models import MentoringSession
from core.mentoring.tests.factories import approved_mentor, session_booked, session_make

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


# --- A signed-in person's times are the server's, in their profile's zone; a visitor's are the browser's ---


def _tokyo(user):
    user.timezone = "Asia/Tokyo"
    user.save(update_fields=["timezone"])
    return user


def test_a_signed_in_persons_cards_are_rendered_in_their_zone_and_left_alone(client, learner):
    mentor = approved_mentor()
    start = (timezone.now() + timedelta(days=3)).replace(hour=12, minute=0, second=0, microsecond=0)
    session = session_make(mentor=mentor, title="Tokyo-time session", hours_from_now=72)
    MentoringSession.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    client.force_login(_tokyo(learner))
    for url in ("/dashboard/learner/browse/", f"/sessions/{session.pk}/", "/live/"):
        page = client.get(url).content.decode()
        if url != "/live/":
            assert '<html lang="en-IN" data-time-zone="Asia/Tokyo">' in page, url
        times = re.findall(r"<time[^>]*>([^<]*)</time>", page)
        assert any("9:00 PM" in text for text in times), (url, times)  # 12:00 UTC in Tokyo
        assert not any("5:30 PM" in text or "IST" in text for text in times), (url, times)

    client.logout()
    page = client.get("/").content.decode()
    assert "data-time-zone" not in page  # a visitor's browser rewrites the labels into its own zone
    assert "5:30 PM IST</time>" in page and "data-local-time" in page


def test_the_room_shows_the_start_in_the_profiles_zone(client, mentor, learner):
    session, _booking = session_booked(mentor=mentor, learner=learner, starts_in=timedelta(minutes=5))
    client.force_login(_tokyo(learner))
    page = client.get(f"/session/{session.room_id}/").content.decode()
    local = session.starts_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{local:%-I:%M %p} JST</time>" in page
    assert 'data-time-zone="Asia/Tokyo"' in page and "data-local-time" not in page
