"""Stored in UTC, shown in each viewer's zone: a mentor in London and a learner in Kolkata see
the same instant, before and after the UK's clocks go forward (30 March 2031, 01:00 UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.bookings.tests.factories import book_and_pay
from core.mentoring.models import MentoringSession
from core.mentoring.tests.factories import approved_mentor

pytestmark = pytest.mark.django_db

BEFORE = datetime(2031, 3, 29, 12, 0, tzinfo=UTC)  # London on GMT (UTC+0)
AFTER = datetime(2031, 3, 31, 12, 0, tzinfo=UTC)  # London on BST (UTC+1)


@pytest.fixture
def london_mentor():
    mentor = approved_mentor()
    mentor.timezone = "Europe/London"
    mentor.save(update_fields=["timezone"])
    return mentor


@pytest.mark.parametrize(
    ("typed", "stored", "kolkata"),
    [
        ("2031-03-29T12:00", BEFORE, "5:30 PM"),  # 12:00 GMT = 12:00 UTC = 17:30 IST
        ("2031-03-31T13:00", AFTER, "5:30 PM"),  # 13:00 BST = 12:00 UTC = 17:30 IST
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
