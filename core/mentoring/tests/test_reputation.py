"""Reputation where it counts: the landing's best mentors rank by verified rating and sessions
given, cards show the rating and review count, the session preview shows the completion rate."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from core.mentoring.selectors import PRIOR_RATING, mentor_list_best, mentor_records_get
from core.mentoring.services import session_cancel
from core.mentoring.tests.factories import approved_mentor, session_booked, session_make
from core.room.attendance import session_complete
from core.room.feedback import feedback_submit
from core.room.presence import presence_join
from core.users.models import Role
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db

_learners = itertools.count()


def _given(mentor, *, rating: int | None = None) -> None:
    """One session of ``mentor`` that a new learner booked and both attended, rated ``rating``
    (unrated with None)."""
    learner = user_make(email=f"learner-{next(_learners)}@example.com", role=Role.LEARNER)
    session, booking = session_booked(mentor=mentor, learner=learner)
    presence_join(session=session, user=mentor)
    presence_join(session=session, user=learner)
    session_complete(session=session)
    if rating is not None:
        feedback_submit(booking=booking, learner=learner, rating=rating)


def test_best_mentors_rank_by_verified_rating_not_by_sessions_coming_up():
    one_review = approved_mentor("one@example.com", "One Review")
    proven = approved_mentor("proven@example.com", "Proven Mentor")
    busy_new = approved_mentor("busy@example.com", "Busy Newcomer")
    poor = approved_mentor("poor@example.com", "Poor Ratings")
    _given(one_review, rating=5)
    for rating in (5, 5, 5, 5, 5, 4):
        _given(proven, rating=rating)
    _given(poor, rating=2)
    _given(poor, rating=2)
    for mentor in (one_review, proven, poor):
        session_make(mentor=mentor, title=f"{mentor.name}'s next", hours_from_now=30)
    for hours in (2, 5, 9):
        session_make(mentor=busy_new, title=f"Busy {hours}", hours_from_now=hours)

    cards = mentor_list_best()

    # Six reviews averaging 4.8 beat one 5-star; a newcomer sits at the prior, above poor ratings.
    assert [card.name for card in cards] == ["Proven Mentor", "One Review", "Busy Newcomer", "Poor Ratings"]
    proven_card = cards[0]
    assert (proven_card.rating.average, proven_card.rating.count, proven_card.record.sessions_completed) == (4.8, 6, 6)
    assert cards[2].rating is None and cards[2].score == PRIOR_RATING


def test_with_equal_ratings_sessions_given_come_before_sessions_coming_up():
    experienced = approved_mentor("exp@example.com", "Experienced")
    busy = approved_mentor("busy@example.com", "Busy")
    _given(experienced)  # given, not rated: both sit at the prior
    session_make(mentor=experienced, title="One more", hours_from_now=40)
    for hours in (2, 3):
        session_make(mentor=busy, title=f"Busy {hours}", hours_from_now=hours)

    assert [card.name for card in mentor_list_best()] == ["Experienced", "Busy"]


def test_the_landing_cards_show_the_rating_and_review_count(client):
    proven = approved_mentor("proven@example.com", "Proven Mentor")
    _given(proven, rating=5)
    _given(proven, rating=4)
    session_make(mentor=proven, title="Next one", hours_from_now=30)
    approved_mentor("new@example.com", "New Mentor")
    session_make(mentor=approved_mentor("fresh@example.com", "Fresh Mentor"), title="Fresh", hours_from_now=3)

    page = client.get("/").content.decode()

    assert "<strong>4.5</strong>" in page and "2 reviews" in page and "2 sessions given" in page
    assert "No reviews yet" in page  # Fresh Mentor: nothing invented


def test_the_session_preview_shows_the_mentors_completion_rate(client, learner):
    guru = approved_mentor()
    _given(guru, rating=5)
    _given(guru)
    _given(guru)
    cancelled = session_make(mentor=guru, title="Called off", hours_from_now=50)
    session_cancel(session=cancelled, by=guru)
    upcoming = session_make(mentor=guru, title="Coming up", hours_from_now=20)

    record = mentor_records_get(mentor_ids=[guru.pk])[guru.pk]
    assert (record.sessions_completed, record.sessions_cancelled, record.completion_percent) == (3, 1, 75)
    page = client.get(reverse("mentoring:session-detail", args=[upcoming.pk])).content.decode()
    assert "Held <strong>75 %</strong> of their sessions (3 of 4)" in page


def test_a_new_mentors_preview_says_so_instead_of_a_rate(client):
    upcoming = session_make(mentor=approved_mentor(), title="First ever", hours_from_now=20)
    page = client.get(reverse("mentoring:session-detail", args=[upcoming.pk])).content.decode()
    assert "New on PeerLearn: no session given yet" in page
