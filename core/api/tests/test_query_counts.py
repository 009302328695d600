"""Core's public and learner lists cost the same queries for 2 rows as for 6 (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.api.tests.helpers import bearer
from core.dashboards.tests.factories import bookings_bulk
from core.users.services import mentor_approve
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db


def _queries(client, url: str, size: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200, response.json()
    assert len(response.json()["results"]) == size, url
    return len(queries)


@pytest.mark.parametrize("url", ["/api/v1/bookings/", "/api/v1/receipts/"])
def test_a_learners_lists(learner, mentor, url):
    client = bearer(learner)
    bookings_bulk(mentor=mentor, count=2, learner=learner)
    few = _queries(client, url, 2)
    bookings_bulk(mentor=mentor, count=4, learner=learner, days_from_now=5)
    assert _queries(client, url, 6) == few


def test_a_mentors_bookings(mentor):
    client = bearer(mentor)
    bookings_bulk(mentor=mentor, count=2)
    few = _queries(client, "/api/v1/bookings/", 2)
    bookings_bulk(mentor=mentor, count=4, days_from_now=5)
    assert _queries(client, "/api/v1/bookings/", 6) == few


def _mentor_with_sessions(index: int) -> None:
    """An approved mentor with two public sessions open for booking (their bookings cancelled)."""
    person = user_make(email=f"mentor{index}@example.com", role="mentor")
    mentor_approve(mentor=person)
    bookings_bulk(mentor=person, count=2, status="cancelled", days_from_now=3 + index)


@pytest.mark.parametrize(("url", "per_mentor"), [("/api/v1/sessions/", 2), ("/api/v1/mentors/", 1)])
def test_the_catalogue(db, url, per_mentor):
    anonymous = APIClient()
    _mentor_with_sessions(0)
    few = _queries(anonymous, url, per_mentor)
    _mentor_with_sessions(1)
    _mentor_with_sessions(2)
    assert _queries(anonymous, url, 3 * per_mentor) == few
