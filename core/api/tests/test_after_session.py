"""After a completed session, through the API: the payment's hold, a report (the mentor's share
waits for staff), "Did the session go as booked?" after an early end, and feedback once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.api.tests.helpers import bearer
from core.bookings.models import Dispute, DisputeSource
from core.mentoring.models import MentoringSession
from core.mentoring.tests.factories import session_booked
from core.room.attendance import session_complete
from core.room.models import Feedback
from core.room.presence import presence_join

pytestmark = pytest.mark.django_db


@pytest.fixture
def attended(mentor, learner):
    """A session both joined, which ended a minute ago, and its confirmed booking."""
    session, booking = session_booked(mentor=mentor, learner=learner)
    presence_join(session=session, user=mentor)
    presence_join(session=session, user=learner)
    session_complete(session=session)
    booking.refresh_from_db()
    return session, booking


def test_after_the_session_the_learner_reads_the_hold_and_reports_a_problem(attended, learner, mentor):
    _, booking = attended
    path = f"/api/v1/bookings/{booking.pk}/"
    after = bearer(learner).get(path + "after/").json()
    assert after["can_report"] is True and after["dispute"] is None and after["payment_released"] is False
    assert bearer(mentor).get(path + "after/").json()["can_report"] is False

    empty = bearer(learner).post(path + "report/", {"reason": ""}, format="json")
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "reason"
    assert bearer(mentor).post(path + "report/", {"reason": "x"}, format="json").status_code == 403
    reported = bearer(learner).post(path + "report/", {"reason": "The mentor left early."}, format="json")
    assert reported.status_code == 200
    assert reported.json()["dispute"]["status"] == "open" and reported.json()["can_report"] is False
    dispute = Dispute.objects.get(booking=booking)
    assert dispute.source == DisputeSource.API and dispute.reason == "The mentor left early."
    again = bearer(learner).post(path + "report/", {"reason": "Again."}, format="json")
    assert again.status_code == 200 and Dispute.objects.count() == 1  # the same report


def test_a_report_after_the_hold_ended_is_a_409_with_the_reason(attended, learner):
    session, booking = attended
    MentoringSession.objects.filter(pk=session.pk).update(completed_at=timezone.now() - timedelta(days=3))
    late = bearer(learner).post(f"/api/v1/bookings/{booking.pk}/report/", {"reason": "Late."}, format="json")
    assert late.status_code == 409
    assert late.json()["detail"] == (
        "The time to report a problem with this session is over: the payment went to the mentor."
    )


def test_feedback_once_from_a_learner_who_attended(attended, learner, other_learner):
    _, booking = attended
    path = f"/api/v1/bookings/{booking.pk}/feedback/"
    assert bearer(learner).post(path, {"rating": 6}, format="json").status_code == 400
    assert bearer(other_learner).post(path, {"rating": 5}, format="json").status_code == 404
    rated = bearer(learner).post(path, {"rating": 5, "comment": " Clear and patient. "}, format="json")
    assert rated.status_code == 201 and rated.json() == {"rating": 5, "comment": "Clear and patient."}
    twice = bearer(learner).post(path, {"rating": 4}, format="json")
    assert twice.status_code == 409 and twice.json()["detail"] == "You have rated this session already. Thank you!"
    assert list(Feedback.objects.values_list("rating", flat=True)) == [5]


def test_no_after_the_session_answer_before_it_ends(mentor, learner):
    _, booking = session_booked(mentor=mentor, learner=learner, starts_in=timedelta(hours=30))
    assert bearer(learner).get(f"/api/v1/bookings/{booking.pk}/after/").status_code == 204


def test_went_as_booked_is_asked_only_after_an_early_end(attended, learner):
    _, booking = attended
    path = f"/api/v1/bookings/{booking.pk}/went-as-booked/"
    refused = bearer(learner).post(path, {"went_as_booked": True}, format="json")
    assert refused.status_code == 409 and refused.json()["detail"] == "This session was not ended early."
    MentoringSession.objects.filter(pk=booking.session_id).update(ended_early=True)
    answered = bearer(learner).post(path, {"went_as_booked": False}, format="json")
    assert answered.status_code == 200 and answered.json()["dispute"]["status"] == "open"
    assert Dispute.objects.get(booking=booking).source == DisputeSource.ENDED_EARLY
