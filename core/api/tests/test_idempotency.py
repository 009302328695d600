"""``Idempotency-Key`` on the POSTs that create a booking or move money: the same key gives the
same answer (once, even when the copies arrive together), a reused key with another request is
refused, and answers are forgotten after 24 hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.api.idempotency import idempotent_requests_purge
from core.api.models import IdempotentRequest
from core.api.tests.helpers import bearer
from core.bookings.models import Booking
from core.mentoring.tests.factories import session_make
from core.payments.models import Payment
from core.payments.tests.races import _stampede
from core.users.services import mentor_approve

KEY = "3f1d1b2e-5b0c-4c9a-9d55-2d7f0f0b8a11"


@pytest.fixture
def session(mentor):
    mentor_approve(mentor=mentor)
    return session_make(mentor=mentor, hours_from_now=72)


def book(client, session, key=KEY, **extra):
    return client.post(
        "/api/v1/bookings/", {"session_id": session.pk, **extra}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


@pytest.mark.django_db
def test_the_same_key_answers_the_same_without_booking_twice(learner, session):
    client = bearer(learner)
    first, second = book(client, session), book(client, session)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json() and second["Location"] == first["Location"]
    assert second["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Booking.objects.filter(learner=learner).count() == 1 and Payment.objects.count() == 1
    without_key = client.post("/api/v1/bookings/", {"session_id": session.pk}, format="json")
    assert without_key.status_code == 409  # no key: a second booking is tried, and the service refuses it


@pytest.mark.django_db
def test_a_refusal_is_kept_too(learner, mentor, session):
    as_mentor = bearer(mentor)
    first, second = book(as_mentor, session), book(as_mentor, session)
    assert first.status_code == second.status_code == 403 and second["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_a_key_reused_for_another_request_is_refused(learner, session, mentor):
    client = bearer(learner)
    book(client, session)
    other = session_make(mentor=mentor, title="Another", hours_from_now=96)
    refused = book(client, other)
    assert refused.status_code == 422 and refused.json()["code"] == "unprocessable"
    assert Booking.objects.filter(learner=learner).count() == 1


@pytest.mark.django_db
def test_keys_are_per_person(learner, other_learner, session):
    assert book(bearer(learner), session).status_code == 201
    second = book(bearer(other_learner), session)  # the same key, someone else: their own request
    assert "Idempotent-Replayed" not in second
    assert second.json()["detail"] == "Someone is booking this slot right now. Try again in a few minutes."


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", "ключ"])
def test_a_malformed_key_is_a_400(learner, session, key):
    refused = book(bearer(learner), session, key=key)
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_answers_are_forgotten_after_24_hours(learner, session):
    client = bearer(learner)
    book(client, session)
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = book(client, session)
    assert "Idempotent-Replayed" not in again and again.status_code == 409  # ran again: booked already
    book(client, session, key="another-key")
    day_ago = timezone.now() - timedelta(hours=24, seconds=1)
    IdempotentRequest.objects.filter(key="another-key").update(created_at=day_ago)
    assert idempotent_requests_purge() == 1 and IdempotentRequest.objects.count() == 1


@pytest.mark.services  # threads share a database file or server, not the in-memory SQLite of a plain run
@pytest.mark.django_db(transaction=True)
def test_copies_sent_at_the_same_moment_book_once(postgres_database, learner, session):
    """Eight copies of one request at once (a retry storm): one booking, one order; every copy is
    told the booking or to wait (409), none books twice."""

    def send(_index):
        answer = book(bearer(learner), session)
        return (answer.status_code, answer.json().get("id") or answer.json().get("code"))

    outcomes = _stampede(range(8), send)
    booking = Booking.objects.get(learner=learner)
    assert Payment.objects.count() == 1
    assert set(outcomes) <= {(201, booking.pk), (409, "conflict")}, outcomes
    assert outcomes[(201, booking.pk)] >= 1
    assert book(bearer(learner), session).json()["id"] == booking.pk  # and afterwards, the answer
