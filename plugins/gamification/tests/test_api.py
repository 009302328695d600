"""A person's standing through the public API: points, streaks, badges and progress, as their
profile shows them."""

from __future__ import annotations

import pytest

from core.api.tests.helpers import bearer
from plugins.gamification import services
from plugins.gamification.tests.factories import attended

pytestmark = pytest.mark.django_db

URL = "/api/v1/p/gamification/me/"


def test_a_new_learner_has_nothing_yet(learner):
    body = bearer(learner).get(URL).json()
    assert (body["points"], body["current_streak"], body["best_streak"], body["sessions_counted"]) == (0, 0, 0, 0)
    assert body["badges"] == []
    assert [(rule["reason"], rule["points"]) for rule in body["point_rules"]] == [
        ("session", 10),
        ("feedback", 5),
        ("streak_week", 5),
    ]


def test_after_a_session_that_counts(learner, mentor):
    attended(mentor, learner, days_ago=1)
    services.standing_sync(user=learner)
    body = bearer(learner).get(URL).json()
    display = services.display_for(user=learner, progress=5)
    assert body["sessions_counted"] == 1
    assert body["points"] == display.points and body["points"] >= 10
    assert [badge["name"] for badge in body["badges"]] == [badge.name for badge in display.badges]
    assert [(p["name"], p["need"]) for p in body["progress"]] == [(p.name, p.need) for p in display.progress]
    assert all(0 <= p["percent"] <= 100 for p in body["progress"])
    # Each person reads their own standing only: the mentor's is theirs.
    assert bearer(mentor).get(URL).json()["sessions_counted"] == 1


def test_anonymous_is_refused(client):
    answer = client.get(URL)
    assert answer.status_code == 401 and answer["Content-Type"] == "application/problem+json"
