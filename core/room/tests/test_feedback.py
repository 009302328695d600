"""Feedback: only the learner, only after a completed session they attended, once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core import hooks
from core.mentoring.selectors import rating_summary_for_mentors
from core.mentoring.tests.factories import session_booked
from core.room.attendance import session_complete
from core.room.feedback import feedback_submit
from core.room.models import Feedback
from core.room.presence import presence_join
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(mentor, learner):
    return session_booked(mentor=mentor, learner=learner)


@pytest.fixture
def attended(booked, mentor, learner):
    session, booking = booked
    presence_join(session=session, user=mentor)
    presence_join(session=session, user=learner)
    session_complete(session=session)
    return session, booking


def test_an_attending_learner_rates_a_completed_session_once(attended, learner, django_capture_on_commit_callbacks):
    _, booking = attended
    given = []

    def receiver(sender, feedback, **kwargs):
        given.append(feedback.pk)

    hooks.feedback_given.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            feedback = feedback_submit(booking=booking, learner=learner, rating=5, comment="  Clear and kind.  ")
    finally:
        hooks.feedback_given.disconnect(receiver)
    assert (feedback.rating, feedback.comment) == (5, "Clear and kind.")
    assert given == [feedback.pk]
    with pytest.raises(ValidationError, match="already"):
        feedback_submit(booking=booking, learner=learner, rating=1)
    assert Feedback.objects.count() == 1


def test_feedback_waits_for_the_session_to_be_completed(booked, learner):
    session, booking = booked
    presence_join(session=session, user=learner)
    with pytest.raises(ValidationError, match="once it is completed"):
        feedback_submit(booking=booking, learner=learner, rating=4)


def test_a_learner_who_never_joined_cannot_rate(booked, learner):
    session, booking = booked
    session_complete(session=session)
    with pytest.raises(ValidationError, match="did not join"):
        feedback_submit(booking=booking, learner=learner, rating=1)
    assert not Feedback.objects.exists()


def test_only_the_learner_rates(attended, mentor, other_learner):
    _, booking = attended
    for person in (mentor, other_learner):
        with pytest.raises(ValidationError, match="Only the learner"):
            feedback_submit(booking=booking, learner=person, rating=5)


@pytest.mark.parametrize("rating", [0, 6, "5", True, None, 4.5])
def test_a_rating_is_1_to_5(attended, learner, rating):
    _, booking = attended
    with pytest.raises(ValidationError):
        feedback_submit(booking=booking, learner=learner, rating=rating)


def test_the_database_refuses_a_rating_outside_1_to_5(attended):
    from django.db import IntegrityError, transaction

    _, booking = attended
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(booking=booking, rating=6)


def test_ratings_summarise_per_mentor(attended, learner, mentor, other_mentor):
    _, booking = attended
    feedback_submit(booking=booking, learner=learner, rating=4)
    summary = rating_summary_for_mentors(mentor_ids=[mentor.pk, other_mentor.pk])
    assert summary[mentor.pk].average == 4.0 and summary[mentor.pk].count == 1
    assert other_mentor.pk not in summary


# --- The page ---------------------------------------------------------------------------------------


def test_the_form_saves_once_and_then_thanks(client, attended, learner):
    session, booking = attended
    url = f"/session/{session.room_id}/feedback/"
    client.force_login(learner)
    page = client.get(url)
    assert page.status_code == 200
    assert "mentoring/feedback.html" in [template.name for template in page.templates]
    assert 'name="rating"' in page.content.decode()
    invalid = client.post(url, {"comment": "no stars"})
    assert invalid.status_code == 200 and "Choose 1 to 5 stars." in invalid.content.decode()
    response = client.post(url, {"rating": "4", "comment": "<script>alert(1)</script>"})
    assert response.status_code == 302 and response["Location"] == url
    thanks = client.get(url).content.decode()
    assert "4 out of 5" in thanks and "&lt;script&gt;" in thanks and "<script>alert" not in thanks
    client.post(url, {"rating": "1"})
    assert Feedback.objects.get(booking=booking).rating == 4


def test_the_form_explains_why_it_is_not_open_yet(client, booked, learner):
    session, _ = booked
    client.force_login(learner)
    page = client.get(f"/session/{session.room_id}/feedback/").content.decode()
    assert "once it is completed" in page and 'name="rating"' not in page
    assert client.post(f"/session/{session.room_id}/feedback/", {"rating": "5"}).status_code == 200
    assert not Feedback.objects.exists()


def test_the_form_is_for_the_learner_only(client, attended, mentor, other_learner, staff):
    session, _ = attended
    for person in (mentor, other_learner, staff):
        (force_login_verified if person == staff else type(client).force_login)(client, person)
        assert client.get(f"/session/{session.room_id}/feedback/").status_code == 403


def test_verified_reviews_show_on_the_mentors_next_session(client, attended, mentor, learner):
    from core.mentoring.tests.factories import session_make
    from core.users.services import mentor_approve

    mentor_approve(mentor=mentor)
    _, booking = attended
    upcoming = session_make(mentor=mentor, title="Next one", hours_from_now=72)
    page = client.get(f"/sessions/{upcoming.pk}/").content.decode()
    assert "No reviews yet." in page
    feedback_submit(booking=booking, learner=learner, rating=4, comment="Patient and clear.")
    page = client.get(f"/sessions/{upcoming.pk}/").content.decode()
    assert "<strong>4.0</strong> / 5 from 1 review by learners who attended" in page
    assert "Patient and clear." in page and "Asha" in page


def test_ratings_over_time_on_the_mentors_analytics(client, attended, mentor, learner):
    _, booking = attended
    client.force_login(mentor)
    assert "No ratings yet." in client.get("/dashboard/mentor/analytics/").content.decode()
    feedback_submit(booking=booking, learner=learner, rating=4)
    response = client.get("/dashboard/mentor/analytics/")
    assert response.context["chart_data"]["ratings"][-1] == 4.0
    assert response.context["chart_data"]["ratings"][:-1] == [None] * 11
    assert "1 rating in 12 weeks, all from learners who attended." in response.content.decode()
