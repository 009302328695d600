"""The landing page's live sections: real sessions, honest empty states, constant queries."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.mentoring.services import session_create
from core.users.services import mentor_approve
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db


def _approved(index: int, batch: str = ""):
    mentor = user_make(email=f"mentor{batch}{index}@example.com", name=f"Mentor {index}", role="mentor")
    mentor_approve(mentor=mentor)
    return mentor


def _sessions(count: int, batch: str = "", first_hour: int = 1) -> None:
    mentors = [_approved(index, batch) for index in range(min(count, 5))]
    for index in range(count):
        session_create(
            mentor=mentors[index % len(mentors)],
            title=f"Session {batch}{index}",
            price_paise=100000 + 100 * index,  # whole rupees, as prices are
            starts_at=timezone.now() + timedelta(hours=first_hour + 2 * index),
        )


def test_empty_states_are_honest(client):
    cache.clear()
    response = client.get("/")
    assert response.status_code == 200
    assert b"No live sessions right now" in response.content
    assert b"No mentors to show yet" in response.content


def test_real_sessions_show_with_price_and_mentor(client):
    _sessions(2)
    cache.clear()
    content = client.get("/").content.decode()
    assert "Session 0" in content
    assert "Session 1" in content
    assert "₹1,000" in content
    assert "Mentor 0" in content
    assert "No live sessions right now" not in content


def _queries_for_landing(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_query_count_of_the_landing_is_constant(client):
    _sessions(1)
    with_one = _queries_for_landing(client)
    _sessions(30, batch="more", first_hour=500)
    with_many = _queries_for_landing(client)
    assert with_one == with_many


def test_live_endpoint_answers_the_same_rows(client):
    _sessions(3)
    cache.clear()
    body = client.get("/live/").json()
    assert body["type"] == "sections"
    assert body["counts"] == {"live": 0, "upcoming": 3, "mentors": 3}
    assert body["sessions_html"].count('class="session-card') >= 3


def test_catching_up_costs_nothing_when_nothing_changed(client, django_capture_on_commit_callbacks):
    cache.clear()
    body = client.get("/live/").json()
    version = body["version"]
    assert client.get(f"/live/?since={version}").status_code == 204
    mentor = _approved(0)
    with django_capture_on_commit_callbacks(execute=True):
        session_create(
            mentor=mentor, title="Catch me", price_paise=100000, starts_at=timezone.now() + timedelta(hours=2)
        )
    fresh = client.get(f"/live/?since={version}")
    assert fresh.status_code == 200
    assert fresh.json()["version"] != version
    assert "Catch me" in fresh.json()["sessions_html"]


def test_the_page_carries_the_version_of_its_rows(client):
    cache.clear()
    version = client.get("/live/").json()["version"]
    assert f'data-live-version="{version}"'.encode() in client.get("/").content
