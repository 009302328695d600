"""The recommender answers ``recommended_sessions`` from the learner's own records only."""

from datetime import timedelta

import pytest

from core import pluginmanager
from core.bookings.tests.factories import book_and_pay
from core.mentoring.tests.factories import approved_mentor, session_booked, session_make
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def pythonista(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return user_make(email="py@example.com", name="Pia", role="learner", details={"interests": ["Python", "SQL"]})


def test_bookable_sessions_on_the_learners_interests_each_with_its_reason(pythonista, other_learner, mentor):
    guru = approved_mentor()
    python = session_make(mentor=guru, title="Python basics", topics=["python", "Loops"])
    sql = session_make(mentor=guru, title="Joins", topics=["SQL"], hours_from_now=48)
    session_make(mentor=guru, title="Go basics", topics=["Go"], hours_from_now=72)  # not followed
    already = session_make(mentor=guru, title="Python, booked", topics=["Python"], hours_from_now=30)
    book_and_pay(already, pythonista)  # their own request: not suggested again
    taken, _ = session_booked(mentor=mentor, learner=other_learner, starts_in=timedelta(hours=3), topics=["Python"])

    found = pluginmanager.call_first("recommended_sessions", user=pythonista, limit=6)
    assert [(r.session.id, r.reason) for r in found] == [
        (python.pk, "Because you follow python"),  # the session's own spelling of the topic
        (sql.pk, "Because you follow SQL"),
    ]
    assert taken.pk not in {r.session.id for r in found}  # confirmed for someone else: not bookable
    assert [r.session.id for r in pluginmanager.call_first("recommended_sessions", user=pythonista, limit=1)] == [
        python.pk
    ]


def test_the_dashboard_shows_them_with_the_reason(client, pythonista):
    session = session_make(mentor=approved_mentor(), title="SQL joins", topics=["SQL"])
    client.force_login(pythonista)
    panel = client.get("/dashboard/learner/").content.decode().split('data-testid="recommended"')[1]
    assert f'href="/sessions/{session.pk}/"' in panel and "Because you follow SQL" in panel


def test_nothing_for_a_learner_without_matching_sessions_nor_for_a_mentor(pythonista, mentor):
    session_make(mentor=approved_mentor(), title="Go basics", topics=["Go"])
    assert pluginmanager.call_first("recommended_sessions", user=pythonista, limit=6) == []  # core's default
    assert pluginmanager.call_first("recommended_sessions", user=mentor, limit=6) == []
