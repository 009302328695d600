"""The facade plugins call (``core.plugin_api``): what each function answers, from real records."""

from __future__ import annotations

import inspect
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from core import plugin_api
from core.bookings.tests.factories import book_and_pay
from core.mentoring.services import session_complete
from core.mentoring.tests.factories import approved_mentor, session_booked, session_make
from core.room.presence import presence_join, presence_leave
from core.room.topics import topic_set
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db


def _in_room(session, user, *, start_minute: int, end_minute: int) -> None:
    presence, _ = presence_join(session=session, user=user, now=session.starts_at + timedelta(minutes=start_minute))
    presence_leave(presence_id=presence.pk, now=session.starts_at + timedelta(minutes=end_minute))


def test_sessions_attended_as_learner_and_as_mentor_with_topics_and_presence(mentor, learner, other_learner):
    taken, _ = session_booked(
        mentor=mentor, learner=learner, starts_in=-timedelta(hours=3), minutes=60, topics=["Forms", "Validation"]
    )
    _in_room(taken, mentor, start_minute=0, end_minute=50)
    _in_room(taken, learner, start_minute=10, end_minute=25)
    _in_room(taken, learner, start_minute=20, end_minute=40)  # a second tab: counted once
    topic_set(session=taken, index=1, is_done=True, by=mentor)
    session_complete(session=taken)
    missed, _ = session_booked(mentor=mentor, learner=other_learner, starts_in=-timedelta(hours=2), minutes=30)
    _in_room(missed, mentor, start_minute=0, end_minute=20)  # the learner never came
    session_complete(session=missed)
    upcoming, _ = session_booked(mentor=mentor, learner=learner, starts_in=timedelta(hours=5))  # not completed

    [as_learner] = plugin_api.sessions_attended(user=learner)
    assert (as_learner.id, as_learner.role, as_learner.scheduled_minutes) == (taken.pk, "learner", 60)
    assert (as_learner.present_minutes, as_learner.together_minutes) == (30, 30)
    assert as_learner.topics == ("Forms", "Validation") and as_learner.topics_covered == ("Validation",)

    as_mentor = plugin_api.sessions_attended(user=mentor)
    assert [(s.id, s.role, s.present_minutes, s.together_minutes) for s in as_mentor] == [
        (missed.pk, "mentor", 20, 0),  # newest first; the learner was absent
        (taken.pk, "mentor", 50, 30),
    ]
    assert plugin_api.sessions_attended(user=other_learner) == []  # booked, never came in
    assert plugin_api.sessions_attended(user=mentor, limit=1) == as_mentor[:1]
    assert upcoming.pk not in {s.id for s in as_mentor}


def test_people_attended_and_feedback_stats_come_from_the_rooms_and_reviews(mentor, learner, other_learner):
    from core.room.feedback import feedback_submit

    assert plugin_api.people_attended() == []
    assert plugin_api.feedback_stats(user=learner) == plugin_api.FeedbackStats(0, 0, None)
    taken, booking = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(hours=3), minutes=60)
    _in_room(taken, mentor, start_minute=0, end_minute=60)
    _in_room(taken, learner, start_minute=0, end_minute=60)
    session_complete(session=taken)
    second, other_booking = session_booked(mentor=mentor, learner=other_learner, starts_in=-timedelta(hours=2))
    _in_room(second, mentor, start_minute=0, end_minute=60)
    _in_room(second, other_learner, start_minute=0, end_minute=60)
    session_complete(session=second)
    session_booked(mentor=mentor, learner=learner, starts_in=timedelta(hours=5))  # not completed: nobody new

    feedback_submit(booking=booking, learner=learner, rating=5)
    feedback_submit(booking=other_booking, learner=other_learner, rating=4)

    assert plugin_api.people_attended() == sorted([mentor, learner, other_learner], key=lambda user: user.pk)
    assert plugin_api.session_participants(session_id=taken.pk) == [mentor, learner]
    assert plugin_api.session_participants(session_id=session_make(mentor=mentor).pk) == [mentor]
    assert plugin_api.session_participants(session_id=0) == []
    assert plugin_api.feedback_stats(user=learner) == plugin_api.FeedbackStats(
        given=1, received=0, received_average=None
    )
    assert plugin_api.feedback_stats(user=mentor) == plugin_api.FeedbackStats(given=0, received=2, received_average=4.5)


def test_person_timezone_and_the_topic_vocabulary(learner):
    from zoneinfo import ZoneInfo

    assert plugin_api.person_timezone(user=learner) == ZoneInfo("Asia/Kolkata")
    learner.timezone = "America/New_York"
    assert plugin_api.person_timezone(user=learner) == ZoneInfo("America/New_York")
    learner.timezone = "Not/AZone"  # never saved (the field refuses it), but never a crash either
    assert plugin_api.person_timezone(user=learner) == ZoneInfo("Asia/Kolkata")
    assert "Python" in plugin_api.topic_vocabulary() and "SQL" in plugin_api.topic_vocabulary()


def test_sessions_bookable_are_open_public_sessions_on_the_topic(mentor, learner, other_learner):
    guru = approved_mentor()
    python = session_make(mentor=guru, title="Python basics", topics=["Python"])
    other = session_make(mentor=guru, title="Go basics", topics=["Go"], hours_from_now=30)
    taken, _ = session_booked(mentor=mentor, learner=other_learner, starts_in=timedelta(hours=3), topics=["Python"])
    unapproved = user_make(email="new@example.com", role="mentor")
    hidden = session_make(mentor=unapproved, title="Hidden", topics=["Python"])

    found = [card.id for card in plugin_api.sessions_bookable(limit=10)]
    assert python.pk in found and other.pk in found
    assert taken.pk not in found and hidden.pk not in found
    assert [card.id for card in plugin_api.sessions_bookable(topic="python")] == [python.pk]
    assert len(plugin_api.sessions_bookable(limit=1)) == 1
    assert plugin_api.sessions_bookable(limit=0) == []
    # By id: only those still open, soonest first, as the same cards; ids no row can have are no match.
    by_id = plugin_api.sessions_bookable(ids=[other.pk, taken.pk, hidden.pk, python.pk, 0, -1, 2**70, True, "x"])
    assert by_id == [card for card in plugin_api.sessions_bookable(limit=10) if card.id in {python.pk, other.pk}]
    assert [card.id for card in by_id] == [python.pk, other.pk]
    assert plugin_api.sessions_bookable(ids=[other.pk, python.pk], limit=1)[0].id == python.pk
    assert plugin_api.sessions_bookable(ids=[]) == []
    # Each mentor's soonest open sessions (the taken one and the unapproved mentor's left out).
    later = session_make(mentor=guru, title="Rust basics", topics=["Rust"], hours_from_now=60)
    by_mentor = plugin_api.mentor_sessions_bookable(mentor_ids=[guru.pk, mentor.pk, unapproved.pk, 0, True])
    assert {key: [card.id for card in cards] for key, cards in by_mentor.items()} == {guru.pk: [python.pk, other.pk]}
    assert [card.id for card in plugin_api.mentor_sessions_bookable(mentor_ids=[guru.pk], per_mentor=3)[guru.pk]] == [
        python.pk,
        other.pk,
        later.pk,
    ]
    assert plugin_api.mentor_sessions_bookable(mentor_ids=[guru.pk], per_mentor=0) == {}
    upcoming = [card.id for card in plugin_api.sessions_public_upcoming(limit=10)]
    assert taken.pk in upcoming and hidden.pk not in upcoming  # booked, yet public


def test_bookings_of_a_learner_are_their_own(learner, other_learner):
    guru = approved_mentor()
    mine = book_and_pay(session_make(mentor=guru, title="Mine"), learner)
    book_and_pay(session_make(mentor=guru, title="Theirs", hours_from_now=30), other_learner)
    rows = plugin_api.bookings_of_learner(learner=learner)
    assert [(row.id, row.session_title) for row in rows] == [(mine.pk, "Mine")]


def test_one_booking_of_a_learner_with_its_mentor_and_session(mentor, learner, other_learner):
    session, booking = session_booked(mentor=mentor, learner=learner, starts_in=timedelta(hours=3))
    found = plugin_api.booking_of_learner(learner=learner, booking_id=booking.pk)
    assert (found.id, found.status, found.is_confirmed) == (booking.pk, "confirmed", True)
    assert (found.mentor, found.learner, found.session_id, found.room_id) == (
        mentor,
        learner,
        session.pk,
        session.room_id,
    )
    assert (found.session_status, found.completed_at, found.ends_at) == ("active", None, session.ends_at)
    assert plugin_api.booking_of_learner(learner=other_learner, booking_id=booking.pk) is None  # never another's
    assert plugin_api.booking_of_learner(learner=mentor, booking_id=booking.pk) is None  # the learner's own only
    assert plugin_api.booking_of_learner(learner=learner, booking_id=booking.pk + 1000) is None
    assert plugin_api.booking_of_learner(learner=learner, booking_id=str(booking.pk)) is None  # ids are ints


def test_a_split_before_paying_is_the_one_charged(settings):
    parts = plugin_api.payment_split(price_paise=10_000)
    assert (parts.fee_paise, parts.amount_paise, parts.mentor_share_paise) == (1_000, 11_000, 9_000)
    settings.PLATFORM_FEE_PERCENT = 12
    assert plugin_api.payment_split(price_paise=10_000).amount_paise == 11_200
    with pytest.raises(ValueError):
        plugin_api.payment_split(price_paise="100")


def test_learner_interests_and_goals(mentor):
    learner = user_make(
        email="l@example.com",
        role="learner",
        details={"interests": ["Python", "Data Science"], "career_goals": "Become a data analyst"},
    )
    assert plugin_api.learner_interests(user=learner) == ["Python", "Data Science"]
    assert plugin_api.learner_goals(user=learner) == "Become a data analyst"
    assert plugin_api.learner_interests(user=mentor) == []
    assert plugin_api.learner_goals(user=mentor) == ""


def test_what_a_recommender_reads_catalogue_track_records_and_anonymous_sequences(mentor, learner, other_learner):
    from core.mentoring.services import session_cancel
    from core.room.feedback import feedback_submit
    from core.users.models import MentorProfile

    guru = approved_mentor()
    MentorProfile.objects.filter(user=guru).update(domains=["Data"])
    python = session_make(mentor=guru, title="Python basics", topics=["Python"], description="Pandas and plots.")
    later = session_make(mentor=guru, title="SQL joins", topics=["SQL"], hours_from_now=48)
    held, booking = session_booked(mentor=mentor, learner=other_learner, starts_in=-timedelta(hours=3))
    _in_room(held, mentor, start_minute=0, end_minute=60)
    _in_room(held, other_learner, start_minute=0, end_minute=60)
    session_complete(session=held)
    feedback_submit(booking=booking, learner=other_learner, rating=5)
    session_cancel(session=session_make(mentor=mentor, title="Called off", hours_from_now=5), by=mentor)
    book_and_pay(python, learner)  # waiting for the mentor: a paid request
    book_and_pay(python, other_learner)

    detailed = plugin_api.sessions_bookable_detailed()
    assert [(item.card.id, item.description, item.mentor_domains) for item in detailed] == [
        (python.pk, "Pandas and plots.", ("Data",)),
        (later.pk, "", ("Data",)),
    ]  # soonest first; the held session and mentor's unapproved ones are not open
    assert plugin_api.sessions_bookable_detailed(limit=1)[0].card.id == python.pk

    records = plugin_api.mentor_records(mentor_ids=[mentor.pk, guru.pk])
    assert (records[mentor.pk].ratings.average, records[mentor.pk].ratings.count) == (5.0, 1)
    assert (records[mentor.pk].sessions_completed, records[mentor.pk].sessions_cancelled) == (1, 1)
    assert records[mentor.pk].completion == 0.5
    assert records[guru.pk] == plugin_api.MentorRecord() and records[guru.pk].completion == 1.0

    sequences = plugin_api.booking_sequences()
    assert sorted(sequences) == sorted(
        [[(guru.pk, "Python basics")], [(mentor.pk, held.title), (guru.pk, "Python basics")]]
    )
    assert all(isinstance(step, tuple) and len(step) == 2 for sequence in sequences for step in sequence)
    assert plugin_api.booking_sequences(since=timezone.now() + timedelta(minutes=1)) == []
    assert plugin_api.booking_counts_recent() == {(guru.pk, "Python basics"): 2, (mentor.pk, held.title): 1}


def test_every_function_is_documented_here_and_in_the_guide():
    guide = (Path(settings.BASE_DIR) / "docs" / "plugins.md").read_text(encoding="utf-8")
    functions = [name for name in plugin_api.__all__ if inspect.isfunction(getattr(plugin_api, name))]
    assert len(functions) >= 5
    for name in functions:
        assert (getattr(plugin_api, name).__doc__ or "").strip(), f"{name} has no docstring"
        assert f"``{name}``" in plugin_api.__doc__, f"the module docstring does not list {name}"
        assert f"`{name}(" in guide, f"docs/plugins.md does not describe {name}"
