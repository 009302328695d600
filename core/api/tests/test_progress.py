"""A learner's progress through the API: the Progress tab's figures from the room's records."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.api.tests.helpers import bearer
from core.dashboards.tests.factories import bookings_bulk
from core.mentoring.models import SessionStatus
from core.room.models import RoomPresence, TopicCheck

pytestmark = pytest.mark.django_db


def test_progress_counts_the_time_together_and_the_topics_ticked(learner, other_learner, mentor):
    empty = bearer(learner).get("/api/v1/me/progress/").json()
    assert empty == {"sessions_attended": 0, "minutes_learned": 0, "topics": [], "recent": []}
    attended, _no_show = bookings_bulk(  # the second session went ahead without them
        mentor=mentor, count=2, learner=learner, days_from_now=-3, session_status=SessionStatus.COMPLETED
    )
    session = attended.session
    RoomPresence.objects.create(
        session=session, user=mentor, joined_at=session.starts_at, seen_at=session.ends_at, left_at=session.ends_at
    )
    RoomPresence.objects.create(  # the learner came 20 minutes late
        session=session,
        user=learner,
        joined_at=session.starts_at + timedelta(minutes=20),
        seen_at=session.ends_at,
        left_at=session.ends_at,
    )
    TopicCheck.objects.create(session=session, index=0, is_done=True, checked_by=mentor, updated_at=session.ends_at)
    progress = bearer(learner).get("/api/v1/me/progress/").json()
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60) - 20
    assert progress["sessions_attended"] == 1 and progress["minutes_learned"] == minutes
    assert progress["topics"] == [{"topic": session.topics[0], "sessions": 1}]
    assert [row["session_id"] for row in progress["recent"]] == [session.pk]
    assert progress["recent"][0]["starts_at"].endswith("Z")
    # Another learner's progress shows none of it; a mentor has none
    assert bearer(other_learner).get("/api/v1/me/progress/").json()["sessions_attended"] == 0
    assert bearer(mentor).get("/api/v1/me/progress/").status_code == 403
