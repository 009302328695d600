"""Reminders a day, 15 and 10 minutes before a booked session, and a summary after it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.bookings.services import booking_accept
from core.bookings.tests.factories import book_and_pay
from core.mentoring.tests.factories import approved_mentor, session_make
from core.realtime.models import Notification, NotificationKind
from core.realtime.services import notification_preferences_update, session_reminders_send
from core.realtime.tests import refusing_mail
from core.room.attendance import session_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def guru():
    return approved_mentor()


def _confirmed(guru, learner, *, hours_from_now: float):
    session = session_make(mentor=guru, hours_from_now=hours_from_now, title="Graphs for interviews")
    booking = book_and_pay(session, learner)
    booking_accept(booking=booking, mentor=guru)
    mail.outbox.clear()
    return session


def _subjects(user) -> list[str]:
    return [message.subject for message in mail.outbox if user.email in message.to]


def test_each_reminder_once_for_both_people_as_the_start_comes_near(guru, learner):
    session = _confirmed(guru, learner, hours_from_now=30)
    start = session.starts_at
    assert session_reminders_send(now=start - timedelta(hours=25)) == {
        "reminder_24h": 0, "reminder_15m": 0, "starting_10m": 0,
    }  # fmt: skip
    assert session_reminders_send(now=start - timedelta(hours=23))["reminder_24h"] == 2
    assert session_reminders_send(now=start - timedelta(hours=22))["reminder_24h"] == 0  # once
    assert any("Tomorrow: Graphs for interviews" in subject for subject in _subjects(learner))
    assert any("Tomorrow: Graphs for interviews" in subject for subject in _subjects(guru))

    counts = session_reminders_send(now=start - timedelta(minutes=14))
    assert (counts["reminder_15m"], counts["starting_10m"]) == (2, 0)
    counts = session_reminders_send(now=start - timedelta(minutes=9))
    assert (counts["reminder_15m"], counts["starting_10m"]) == (0, 2)
    assert session_reminders_send(now=start - timedelta(minutes=5)) == {
        "reminder_24h": 0, "reminder_15m": 0, "starting_10m": 0,
    }  # fmt: skip
    note = Notification.objects.get(user=learner, kind=NotificationKind.SESSION_STARTING)
    assert note.title == "Starting in 10 minutes: Graphs for interviews"
    assert note.url == f"/session/{session.room_id}/"
    assert len(_subjects(learner)) == 2  # the day-before and the 15-minute emails


@pytest.mark.expect_error_log("core.realtime.services.reminder")
def test_a_refused_reminder_email_holds_back_nobody_elses_and_is_tried_again(guru, learner, other_learner, settings):
    sessions = [
        _confirmed(guru, person, hours_from_now=hours) for person, hours in ((other_learner, 30), (learner, 32))
    ]
    start = sessions[0].starts_at  # both are due for their day-before email two hours later
    settings.EMAIL_BACKEND = refusing_mail.BACKEND  # Bilal's mail server refuses

    assert session_reminders_send(now=start - timedelta(hours=21))["reminder_24h"] == 3  # all but Bilal's
    assert len(_subjects(learner)) == 1 and len(_subjects(guru)) == 2 and _subjects(other_learner) == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert session_reminders_send(now=start - timedelta(hours=20))["reminder_24h"] == 1  # his, now
    assert len(_subjects(other_learner)) == 1 and len(_subjects(learner)) == 1


def test_no_tomorrow_email_for_a_booking_made_within_the_day(guru, learner):
    session = _confirmed(guru, learner, hours_from_now=3)
    assert session_reminders_send(now=timezone.now())["reminder_24h"] == 0
    assert session_reminders_send(now=session.starts_at - timedelta(minutes=15))["reminder_15m"] == 2


def test_reminders_follow_the_persons_choices(guru, learner):
    session = _confirmed(guru, learner, hours_from_now=30)
    notification_preferences_update(user=learner, prefs={NotificationKind.SESSION_STARTING: {"email": False}})
    assert session_reminders_send(now=session.starts_at - timedelta(hours=23))["reminder_24h"] == 1
    assert _subjects(learner) == []


def test_a_summary_after_the_session_once(guru, learner, django_capture_on_commit_callbacks):
    session = _confirmed(guru, learner, hours_from_now=30)
    with django_capture_on_commit_callbacks(execute=True):
        session_complete(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        session_complete(session=session)  # ending twice completes, and summarises, once
    summaries = [subject for subject in _subjects(learner) if "Session summary" in subject]
    assert len(summaries) == 1 and summaries[0].endswith("Session summary: Graphs for interviews")
    learner_note = Notification.objects.get(user=learner, kind=NotificationKind.SESSION_SUMMARY)
    assert learner_note.url == f"/session/{session.room_id}/feedback/"
    mentor_note = Notification.objects.get(user=guru, kind=NotificationKind.SESSION_SUMMARY)
    assert (
        "₹900 becomes available on" in mentor_note.body and "unless the learner reports a problem" in mentor_note.body
    )
    assert "moved to your available" not in mentor_note.body
    # The minutes both were present (no one joined here), never the scheduled length.
    assert "you were both present for 0 minutes" in learner_note.body and "60 minutes" not in learner_note.body


def test_the_summary_states_the_minutes_both_were_present(guru, learner, django_capture_on_commit_callbacks):
    from core.room.models import RoomPresence

    session = _confirmed(guru, learner, hours_from_now=30)
    start = session.starts_at
    for user, joined, left in ((guru, 0, 30), (learner, 5, 12)):
        left_at = start + timedelta(minutes=left)
        RoomPresence.objects.create(
            session=session, user=user, joined_at=start + timedelta(minutes=joined), seen_at=left_at, left_at=left_at
        )
    with django_capture_on_commit_callbacks(execute=True):
        session_complete(session=session, now=start + timedelta(minutes=30))
    note = Notification.objects.get(user=learner, kind=NotificationKind.SESSION_SUMMARY)
    assert "you were both present for 7 minutes" in note.body
    assert any("you were both present for 7 minutes" in message.body for message in mail.outbox)
