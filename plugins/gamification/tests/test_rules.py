"""The rules engine alone: what a person's records earn (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.gamification import rules
from plugins.gamification.rules import Attended, Feedback, Rule

KOLKATA = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")
START = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday

FIRST = Rule(id=1, kind=rules.SESSIONS, audience="both", threshold=1, name="First session")
PRO = Rule(id=2, kind=rules.TOPIC_SESSIONS, audience="both", threshold=10, name="{topic} Pro")
STREAK = Rule(id=3, kind=rules.STREAK_WEEKS, audience="both", threshold=4, name="4-week streak")
TOP = Rule(id=4, kind=rules.TOP_RATED, audience="mentor", threshold=20, name="Top rated", min_average=4.5)
HOURS = Rule(id=5, kind=rules.HOURS, audience="learner", threshold=2, name="2 hours")
REVIEWER = Rule(id=6, kind=rules.FEEDBACK_GIVEN, audience="learner", threshold=3, name="Reviewer")
RULES = (FIRST, PRO, STREAK, TOP, HOURS, REVIEWER)


def _session(n: int, *, at: datetime | None = None, together: int = 60, topics=("Python",), role="learner"):
    return Attended(
        id=n,
        role=role,
        starts_at=at or START + timedelta(days=n),
        scheduled_minutes=60,
        together_minutes=together,
        topics=tuple(topics),
    )


NO_FEEDBACK = Feedback()


def _standing(sessions, *, feedback=NO_FEEDBACK, tz=KOLKATA, today=date(2026, 12, 7), rules_=RULES):
    return rules.standing(
        attended=sessions, feedback=feedback, tz=tz, rules=rules_, today=today, vocabulary=("Python", "SQL")
    )


def test_a_session_counts_from_half_its_length_together():
    assert _standing([_session(1, together=29)]).earned == {}
    assert _standing([_session(1, together=30)]).earned == {(1, ""): "First session"}
    assert not _session(1, together=0).counts and not Attended(1, "learner", START, 0, 0).counts
    assert not Attended(1, "learner", START, 60, 60, refunded=True).counts


def test_python_pro_after_ten_sessions_on_it_with_progress_before():
    nine = [_session(n, topics=("python", "Django")) for n in range(9)]
    before = _standing(nine)
    assert (2, "python") not in before.earned
    progress = {(p.rule.id, p.topic): p.text for p in before.progress}
    assert progress[(2, "python")] == "9 of 10 Python sessions"  # PeerLearn's spelling, not "python"
    assert progress[(2, "django")] == "9 of 10 Django sessions"
    after = _standing([*nine, _session(9, topics=("PYTHON ",))])
    assert after.earned[(2, "python")] == "Python Pro"
    assert after.topic_sessions == {"python": 10, "django": 9}


def test_sessions_that_do_not_count_give_nothing():
    absent = [_session(n, together=10) for n in range(12)]
    standing = _standing(absent)
    assert standing.earned == {} and standing.points == {} and standing.sessions == 0


def test_streaks_count_calendar_weeks_in_a_row_and_the_current_one_stays_alive_a_week():
    weekly = [_session(n, at=START + timedelta(weeks=n)) for n in range(5)]  # 5 Mondays in a row
    gap_then_two = [_session(10 + n, at=START + timedelta(weeks=7 + n)) for n in range(2)]
    standing = _standing([*weekly, *gap_then_two], today=(START + timedelta(weeks=9)).date())
    assert (standing.best_streak, standing.current_streak) == (5, 2)
    assert standing.earned[(3, "")] == "4-week streak"  # earned on the best run
    later = _standing([*weekly, *gap_then_two], today=(START + timedelta(weeks=10)).date())
    assert later.current_streak == 0  # a whole week passed without a session
    two_in_one_week = [_session(1, at=START), _session(2, at=START + timedelta(days=6))]
    assert _standing(two_in_one_week, today=START.date()).best_streak == 1


def test_weeks_are_the_persons_own_monday_to_sunday():
    # Sunday 20:00 in New York is Monday 06:30 in Kolkata: a new week for one, not the other.
    sunday_evening_ny = datetime(2026, 11, 9, 1, 0, tzinfo=UTC)
    saturday = datetime(2026, 11, 7, 15, 0, tzinfo=UTC)
    sessions = [_session(1, at=saturday), _session(2, at=sunday_evening_ny)]
    assert _standing(sessions, tz=NEW_YORK, today=date(2026, 11, 10)).best_streak == 1
    assert _standing(sessions, tz=KOLKATA, today=date(2026, 11, 10)).best_streak == 2


def test_weeks_across_the_daylight_saving_change_stay_in_a_row():
    # New York leaves daylight saving on Sunday 1 November 2026: the Mondays either side are 7
    # calendar days apart even though 169 hours separate them.
    before = datetime(2026, 10, 26, 23, 30, tzinfo=UTC)  # Monday 19:30 EDT
    after = datetime(2026, 11, 3, 0, 30, tzinfo=UTC)  # Monday 19:30 EST
    weeks = _standing([_session(1, at=before), _session(2, at=after)], tz=NEW_YORK, today=date(2026, 11, 3))
    assert weeks.weeks == (date(2026, 10, 26), date(2026, 11, 2))
    assert weeks.best_streak == 2 and weeks.current_streak == 2


def test_points_follow_their_stated_rules():
    sessions = [_session(n, at=START + timedelta(weeks=n)) for n in range(3)] + [_session(9, together=5)]
    standing = _standing(sessions, feedback=Feedback(given=2))
    assert standing.points_total == 3 * rules.POINTS_SESSION + 2 * rules.POINTS_FEEDBACK + 2 * rules.POINTS_STREAK_WEEK
    assert [reason for reason, _points, _text in rules.POINT_RULES] == ["session", "feedback", "streak_week"]


def test_top_rated_needs_enough_reviews_at_the_average():
    mentoring = [_session(1, role="mentor")]
    assert (4, "") not in _standing(mentoring, feedback=Feedback(received=19, received_average=5.0)).earned
    assert (4, "") not in _standing(mentoring, feedback=Feedback(received=25, received_average=4.4)).earned
    assert _standing(mentoring, feedback=Feedback(received=20, received_average=4.5)).earned[(4, "")] == "Top rated"


def test_audiences_count_only_sessions_in_that_part():
    as_mentor = [_session(n, role="mentor") for n in range(3)]
    assert (5, "") not in _standing(as_mentor).earned  # hours for learners
    assert _standing([_session(n) for n in range(2)]).earned[(5, "")] == "2 hours"
    assert _standing([], feedback=Feedback(given=3)).earned == {(6, ""): "Reviewer"}


# --- Any events, in any order, twice: the same as from scratch -----------------------------------

events = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=120),  # days after START
        st.integers(min_value=0, max_value=60),  # minutes together of 60
        st.sampled_from([("Python",), ("python", "SQL"), ("Algebra",), ()]),
        st.sampled_from(["learner", "mentor"]),
    ),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(events=events, order=st.randoms(use_true_random=False), feedback=st.integers(min_value=0, max_value=5))
def test_awarding_after_each_event_in_any_order_twice_equals_a_recompute(events, order, feedback):
    sessions = [
        _session(n, at=START + timedelta(days=day), together=together, topics=topics, role=role)
        for n, (day, together, topics, role) in enumerate(events)
    ]
    today = (START + timedelta(days=130)).date()
    from_scratch = _standing(sessions, feedback=Feedback(given=feedback), today=today)

    # What the signal handlers do: after each event, add what the records then earn (never remove).
    arrivals = sessions + sessions  # every event delivered twice
    order.shuffle(arrivals)
    badges: dict = {}
    points: dict = {}
    seen: dict[int, Attended] = {}
    for session in arrivals:
        seen[session.id] = session
        now = _standing(list(seen.values()), feedback=Feedback(given=feedback), today=today)
        for key, name in now.earned.items():
            badges.setdefault(key, name)
        for key, value in now.points.items():
            points.setdefault(key, value)
    final = _standing(list(seen.values()), feedback=Feedback(given=feedback), today=today)
    for key, name in final.earned.items():
        badges.setdefault(key, name)
    for key, value in final.points.items():
        points.setdefault(key, value)
    assert badges == from_scratch.earned
    assert points == from_scratch.points


@pytest.mark.parametrize("hours, shown", [(1.99, "1.9"), (2.0, "2"), (0.5, "0.5")])
def test_hours_are_never_rounded_up(hours, shown):
    assert rules._hours(hours) == shown
