import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import hooks
from core.mentoring import live
from core.mentoring.models import MentoringSession, SessionStatus
from core.mentoring.services import session_cancel, session_create, session_update
from core.mentoring.tests.factories import approved_mentor, session_make

pytestmark = pytest.mark.django_db


def _future(hours=24):
    return timezone.now() + timedelta(hours=hours)


def test_create_stores_utc_times_and_a_secret_room_id(mentor):
    starts = _future()
    session = session_create(
        mentor=mentor, title=" Intro to Django ", price_paise=100000, starts_at=starts, topics=["Models", "Views"]
    )
    session.refresh_from_db()
    assert session.title == "Intro to Django"
    assert session.starts_at == starts
    assert session.ends_at == starts + timedelta(minutes=60)
    assert session.duration_minutes == 60
    assert session.status == SessionStatus.ACTIVE
    assert len(session.room_id) >= 20
    other = session_create(mentor=mentor, title="Second", price_paise=100000, starts_at=_future(48))
    assert other.room_id != session.room_id


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"price_paise": 9999}, "price_paise", "The price must be between ₹100 and ₹50,000."),
        ({"price_paise": 5_000_001}, "price_paise", "The price must be between ₹100 and ₹50,000."),
        ({"title": "  "}, "title", "Give the session a title."),
        ({"starts_at": "past"}, "starts_at", "The start time must be in the future."),
        ({"duration_minutes": 5}, "duration_minutes", "A session lasts between 15 minutes and 4 hours."),
    ],
)
def test_create_refuses_bad_input_with_a_message_per_field(mentor, changes, field, message):
    values = {"title": "Intro", "price_paise": 100000, "starts_at": _future(), "duration_minutes": 60}
    values.update(changes)
    if values["starts_at"] == "past":
        values["starts_at"] = timezone.now() - timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        session_create(mentor=mentor, **values)
    assert error.value.message_dict[field] == [message]
    assert not MentoringSession.objects.exists()


def test_learners_cannot_publish(learner):
    with pytest.raises(ValidationError) as error:
        session_create(mentor=learner, title="Intro", price_paise=100000, starts_at=_future())
    assert "Only mentors can publish sessions." in error.value.message_dict["mentor"]


def test_a_mentors_sessions_may_not_overlap(mentor, other_mentor):
    first = session_create(mentor=mentor, title="First", price_paise=100000, starts_at=_future(24))
    with pytest.raises(ValidationError) as error:
        session_create(
            mentor=mentor, title="Clash", price_paise=100000, starts_at=first.starts_at + timedelta(minutes=30)
        )
    assert error.value.message_dict["starts_at"] == ["This overlaps your session “First”. Pick another time."]
    # Back to back is fine, and so is another mentor at the same time.
    session_create(mentor=mentor, title="Next", price_paise=100000, starts_at=first.ends_at)
    session_create(mentor=other_mentor, title="Same time", price_paise=100000, starts_at=first.starts_at)
    # A cancelled session frees its slot.
    assert session_cancel(session=first, by=mentor)
    session_create(mentor=mentor, title="Instead", price_paise=100000, starts_at=first.starts_at)


def test_update_changes_a_future_session_and_checks_again(mentor, other_mentor):
    session = session_make(mentor=mentor)
    later = session_make(mentor=mentor, title="Later", hours_from_now=30)
    updated = session_update(session=session, by=mentor, price_paise=150000, duration_minutes=90)
    assert (updated.price_paise, updated.duration_minutes) == (150000, 90)
    with pytest.raises(ValidationError):
        session_update(session=session, by=mentor, starts_at=later.starts_at)
    with pytest.raises(PermissionError):
        session_update(session=session, by=other_mentor, title="Mine now")
    with pytest.raises(ValueError, match="room_id"):
        session_update(session=session, by=mentor, room_id="guessable")


def test_cancel_is_compare_and_swap(mentor, other_mentor, staff):
    session = session_make(mentor=mentor)
    with pytest.raises(PermissionError):
        session_cancel(session=session, by=other_mentor)
    assert session_cancel(session=session, by=mentor) is True
    assert session_cancel(session=session, by=mentor) is False
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.cancelled_at is not None
    assert session_cancel(session=session_make(mentor=mentor, title="Other"), by=staff) is True


def test_signals_fire_after_commit(mentor, django_capture_on_commit_callbacks):
    received = []

    def record(sender, signal, session, **kwargs):
        received.append((signal, session.title))

    for signal in (hooks.session_created, hooks.session_updated, hooks.session_cancelled):
        signal.connect(record, dispatch_uid="test-record")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            session = session_make(mentor=mentor)
        with django_capture_on_commit_callbacks(execute=True):
            session_update(session=session, by=mentor, title="Renamed")
        with django_capture_on_commit_callbacks(execute=True):
            session_cancel(session=session, by=mentor)
    finally:
        for signal in (hooks.session_created, hooks.session_updated, hooks.session_cancelled):
            signal.disconnect(dispatch_uid="test-record")
    assert received == [
        (hooks.session_created, "Intro to Django"),
        (hooks.session_updated, "Renamed"),
        (hooks.session_cancelled, "Renamed"),
    ]


def _next_push(layer, channel, change: str) -> dict:
    """The next landing push about ``change`` (a layer may deliver a push more than once)."""

    async def receive():
        while True:
            message = await asyncio.wait_for(layer.receive(channel), timeout=5)
            if message["payload"]["changed"]["change"] == change:
                return message

    return async_to_sync(receive)()


def test_every_change_pushes_fresh_rows_to_the_landing_group(django_capture_on_commit_callbacks):
    mentor = approved_mentor()
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(live.GROUP, channel)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            session = session_make(mentor=mentor, title="Pushed session")
        message = _next_push(layer, channel, "created")
        payload = message["payload"]
        assert message["type"] == "landing.sections"
        assert payload["changed"] == {"id": session.pk, "title": "Pushed session", "change": "created"}
        assert payload["counts"] == {"live": 0, "upcoming": 1, "mentors": 1}
        assert f'id="session-{session.pk}"' in payload["sessions_html"]
        assert session.room_id not in payload["sessions_html"] + payload["mentors_html"]

        with django_capture_on_commit_callbacks(execute=True):
            session_cancel(session=session, by=mentor)
        payload = _next_push(layer, channel, "cancelled")["payload"]
        assert payload["changed"]["change"] == "cancelled"
        assert payload["counts"]["upcoming"] == 0
        assert f'id="session-{session.pk}"' not in payload["sessions_html"]
        assert "No live sessions right now" in payload["sessions_html"]
    finally:
        async_to_sync(layer.group_discard)(live.GROUP, channel)
