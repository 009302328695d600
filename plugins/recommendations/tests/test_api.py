"""Recommendations through the public API: the learner's suggestions with their reasons, and
"Not interested"."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.api.tests.helpers import bearer
from core.mentoring.tests.factories import approved_mentor, session_make
from core.users.tests.factories import user_make
from plugins.recommendations import services
from plugins.recommendations.models import Dismissal

pytestmark = pytest.mark.django_db

BASE = "/api/v1/p/recommendations"


@pytest.fixture
def python_learner():
    return user_make(email="py@example.com", name="Pia Learner", role="learner", details={"interests": ["Python"]})


def _sessions(count: int, *, start: int = 0):
    guru = approved_mentor(email=f"guru{start}@example.com")
    return [
        session_make(mentor=guru, title=f"Python clinic {start + n}", topics=["Python"], hours_from_now=24 + start + n)
        for n in range(count)
    ]


def test_suggestions_with_reasons_then_not_interested(python_learner):
    sessions = _sessions(2)
    client = bearer(python_learner)
    pending = client.get(f"{BASE}/sessions/").json()
    assert pending == {"pending": True, "results": []}  # nothing ranked yet: queued
    services.recompute(user=python_learner)
    found = client.get(f"{BASE}/sessions/").json()
    assert found["pending"] is False
    assert sorted(row["session_id"] for row in found["results"]) == sorted(s.pk for s in sessions)
    first = found["results"][0]
    assert first["reason"] and first["topics"] == ["Python"] and first["learner_pays_paise"] > first["price_paise"]
    dismissed = client.post(f"{BASE}/sessions/{first['session_id']}/dismiss/")
    assert dismissed.status_code == 200
    assert dismissed.json() == {"session_id": first["session_id"], "title": first["title"]}
    assert Dismissal.objects.filter(user=python_learner).count() == 1
    assert first["session_id"] not in [row["session_id"] for row in client.get(f"{BASE}/sessions/").json()["results"]]


def test_who_may_ask(client, mentor, python_learner):
    assert client.get(f"{BASE}/sessions/").status_code == 401
    assert client.post(f"{BASE}/sessions/1/dismiss/").status_code == 401
    refused = bearer(mentor).get(f"{BASE}/sessions/")
    assert refused.status_code == 403 and refused.json()["detail"] == "Only learners get suggestions."
    assert bearer(python_learner).post(f"{BASE}/sessions/999999/dismiss/").status_code == 404


def test_bad_input_is_a_400(python_learner):
    client = bearer(python_learner)
    for limit in ("0", "13", "abc", "1\x00", "²"):
        answer = client.get(f"{BASE}/sessions/", {"limit": limit})
        assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "limit", limit


def test_the_list_costs_the_same_queries_however_long(python_learner):
    _sessions(2)
    client = bearer(python_learner)
    services.recompute(user=python_learner)

    def counted(rows):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(f"{BASE}/sessions/", {"limit": 12}).json()["results"]) == rows
        return len(queries)

    two = counted(2)
    _sessions(4, start=10)
    services.catalogue_forget()
    services.recompute(user=python_learner)
    assert counted(6) == two
