"""The session preview page: public for live and upcoming sessions of approved mentors."""

import pytest

from core.bookings.services import booking_checkout_start
from core.mentoring.services import session_cancel
from core.mentoring.tests.factories import session_make
from core.users.services import mentor_approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(mentor):
    mentor_approve(mentor=mentor)
    return session_make(
        mentor=mentor, title="Intro to Django", price_paise=100_000, description="Models.", topics=["ORM", "Views"]
    )


def test_preview_itemises_the_fee_and_offers_book_and_pay_to_learners(client, learner, session):
    client.force_login(learner)
    response = client.get(f"/sessions/{session.pk}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Session ₹1,000 + platform fee ₹100 = ₹1,100" in text
    assert "Intro to Django" in text and "Meera Mentor" in text and "ORM" in text and "60 min" in text
    assert f'action="/bookings/start/{session.pk}/"' in text and "csrfmiddlewaretoken" in text
    assert "<time datetime=" in text
    assert "Test mode — no real money" in text


def test_anonymous_gets_a_login_link_with_next_and_mentors_no_button(client, mentor, session):
    text = client.get(f"/sessions/{session.pk}/").content.decode()
    assert f"/accounts/login/?next=/sessions/{session.pk}/" in text
    assert "/bookings/start/" not in text
    client.force_login(mentor)
    text = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "/bookings/start/" not in text and "Only learners can book" in text


def test_a_hold_by_someone_else_says_so(client, learner, other_learner, session):
    booking_checkout_start(session=session, learner=learner)
    client.force_login(other_learner)
    text = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Someone is booking this slot right now" in text
    assert "/bookings/start/" not in text


def test_sessions_that_are_not_public_are_404(client, learner, mentor, other_mentor):
    unapproved = session_make(mentor=other_mentor, title="Not approved yet")
    assert client.get(f"/sessions/{unapproved.pk}/").status_code == 404
    mentor_approve(mentor=mentor)
    cancelled = session_make(mentor=mentor, title="Cancelled")
    session_cancel(session=cancelled, by=mentor)
    assert client.get(f"/sessions/{cancelled.pk}/").status_code == 404
    assert client.get("/sessions/999999/").status_code == 404


def test_landing_cards_link_to_the_preview(client, session):
    assert f'href="/sessions/{session.pk}/"' in client.get("/").content.decode()
