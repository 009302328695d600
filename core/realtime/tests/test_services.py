"""Notifications are saved, then broadcast after commit; preferences are respected; emails go once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from channels.layers import get_channel_layer
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings

from core.realtime import selectors, services
from core.realtime.consumers import user_group
from core.realtime.models import EmailDelivery, Notification, NotificationKind, NotificationPreference

pytestmark = pytest.mark.django_db

KIND = NotificationKind.BOOKING_CONFIRMED


_loop: asyncio.AbstractEventLoop | None = None


@pytest.fixture(autouse=True)
def _one_loop_per_test():
    """The listening side of a test runs on one event loop: channel layers bind their queues and
    locks to the loop that first waits on them (a new loop per call fails on Redis)."""
    global _loop
    _loop = asyncio.new_event_loop()
    yield
    _loop.close()
    _loop = None


def _listen(user) -> str:
    """A channel in ``user``'s group, as an open tab would have."""
    layer = get_channel_layer()
    channel = _loop.run_until_complete(layer.new_channel())
    _loop.run_until_complete(layer.group_add(user_group(user.pk), channel))
    return channel


def _received(channel: str, timeout: float = 0.2) -> dict | None:
    async def receive():
        try:
            return await asyncio.wait_for(get_channel_layer().receive(channel), timeout)
        except TimeoutError:
            return None

    return _loop.run_until_complete(receive())


def test_a_notification_is_saved_before_it_is_broadcast(learner, django_capture_on_commit_callbacks):
    channel = _listen(learner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = services.notification_send(
            user=learner, kind=KIND, title="Confirmed: Intro to Django", body="With Meera.", url="/bookings/1/"
        )
    # Saved, and nothing sent while the transaction could still roll back.
    assert Notification.objects.filter(pk=notification.pk, user=learner, read_at=None).exists()
    assert len(callbacks) == 1
    assert _received(channel) is None
    callbacks[0]()
    message = _received(channel)
    assert message["type"] == "notify"
    assert message["payload"] == {
        "type": "notification",
        "id": notification.pk,
        "kind": "booking_confirmed",
        "title": "Confirmed: Intro to Django",
        "body": "With Meera.",
        "url": "/bookings/1/",
        "created_at": notification.created_at.isoformat(),
        "is_unread": True,
        "unread": 1,
    }


def test_others_do_not_hear_it(learner, other_learner, django_capture_on_commit_callbacks):
    theirs = _listen(other_learner)
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_send(user=learner, kind=KIND, title="Only for Asha")
    assert _received(theirs) is None


def test_ids_only_grow(learner):
    first = services.notification_send(user=learner, kind=KIND, title="One")
    second = services.notification_send(user=learner, kind=KIND, title="Two")
    assert second.pk > first.pk


def test_in_app_off_saves_and_sends_nothing(learner, django_capture_on_commit_callbacks):
    services.notification_preferences_update(user=learner, prefs={KIND: {"in_app": False}})
    channel = _listen(learner)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.notification_send(user=learner, kind=KIND, title="Muted") is None
    assert callbacks == []
    assert not Notification.objects.filter(user=learner).exists()
    assert _received(channel) is None
    # Other kinds are still on.
    assert services.notification_send(user=learner, kind=NotificationKind.PAYMENT_REFUNDED, title="Refund")


def test_only_local_paths_and_known_kinds(learner):
    with pytest.raises(ValueError, match="path on this site"):
        services.notification_send(user=learner, kind=KIND, title="x", url="https://evil.example/")
    with pytest.raises(ValueError, match="path on this site"):
        services.notification_send(user=learner, kind=KIND, title="x", url="//evil.example/")
    with pytest.raises(ValueError, match="Unknown notification kind"):
        services.notification_send(user=learner, kind="nope", title="x")


def test_long_titles_are_cut_to_fit(learner):
    notification = services.notification_send(user=learner, kind=KIND, title="A" * 300, body="B" * 900)
    notification.refresh_from_db()
    assert len(notification.title) == 200 and notification.title.endswith("…")
    assert len(notification.body) == 500


# --- Mark read ---------------------------------------------------------------------------------


def test_mark_all_read_touches_only_ones_own(learner, other_learner, django_capture_on_commit_callbacks):
    for title in ("One", "Two"):
        services.notification_send(user=learner, kind=KIND, title=title)
    theirs = services.notification_send(user=other_learner, kind=KIND, title="Theirs")
    channel = _listen(learner)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notification_mark_read(user=learner) == 2
    assert selectors.notification_unread_count(user=learner) == 0
    assert selectors.notification_unread_count(user=other_learner) == 1
    # The person's other tabs hear the new count.
    assert _received(channel)["payload"] == {"type": "unread", "unread": 0}
    assert services.notification_mark_read(user=learner, ids=[theirs.pk]) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_some_read(learner):
    one = services.notification_send(user=learner, kind=KIND, title="One")
    two = services.notification_send(user=learner, kind=KIND, title="Two")
    assert services.notification_mark_read(user=learner, ids=[one.pk]) == 1
    assert services.notification_mark_read(user=learner, ids=[one.pk]) == 0  # already read
    assert [n.pk for n in Notification.objects.filter(user=learner, read_at=None)] == [two.pk]


# --- Preferences --------------------------------------------------------------------------------


def test_preferences_default_on_and_update_per_channel(learner):
    assert selectors.wants(learner, KIND, "email") and selectors.wants(learner, KIND, "in_app")
    services.notification_preferences_update(user=learner, prefs={KIND: {"email": False}})
    assert not selectors.wants(learner, KIND, "email")
    assert selectors.wants(learner, KIND, "in_app")
    rows = services.notification_preferences_update(user=learner, prefs={KIND: {"in_app": False, "email": True}})
    assert NotificationPreference.objects.filter(user=learner).count() == 1
    row = next(row for row in rows if row.kind == KIND)
    assert (row.email, row.in_app) == (True, False)
    # Kinds that never send an email say so (None), and are never "wanted" by email.
    chat = next(row for row in rows if row.kind == NotificationKind.CHAT_MESSAGE)
    assert chat.email is None
    assert not selectors.wants(learner, NotificationKind.CHAT_MESSAGE, "email")


@pytest.mark.parametrize(
    "prefs",
    [{"nope": {"email": False}}, {KIND: {"sms": False}}, {KIND: {"email": "no"}}],
    ids=["unknown kind", "unknown channel", "not a boolean"],
)
def test_bad_preferences_change_nothing(learner, prefs):
    with pytest.raises(ValueError):
        services.notification_preferences_update(user=learner, prefs=prefs)
    assert not NotificationPreference.objects.filter(user=learner).exists()


# --- Emails ---------------------------------------------------------------------------------------


def _email(user, key="booking_confirmed:booking:1") -> bool:
    return services.notification_email_send(
        user=user,
        kind=KIND,
        key=key,
        subject="Confirmed: Intro to Django",
        context={
            "session": {"title": "Intro to Django", "starts_at": datetime(2026, 3, 28, 12, 0, tzinfo=UTC)},
            "mentor": {"name": "Meera Mentor"},
            "booking": {"reference": "BK-TEST"},
            "url": "http://testserver/bookings/1/",
        },
    )


def test_an_email_is_sent_once_per_event(learner):
    assert _email(learner) is True
    assert _email(learner) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert message.subject == "[PeerLearn] Confirmed: Intro to Django"
    assert "BK-TEST" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "BK-TEST" in html
    assert EmailDelivery.objects.get(user=learner).sent_at is not None
    assert _email(learner, key="booking_confirmed:booking:2") is True  # another event, another email


def test_email_off_sends_nothing(learner):
    services.notification_preferences_update(user=learner, prefs={KIND: {"email": False}})
    assert _email(learner) is False
    assert mail.outbox == []


class _BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionError("SMTP is down")


def test_a_failed_send_is_retried_not_lost(learner):
    with override_settings(EMAIL_BACKEND=f"{__name__}._BrokenBackend"), pytest.raises(ConnectionError):
        _email(learner)
    assert not EmailDelivery.objects.exists()
    assert _email(learner) is True
    assert len(mail.outbox) == 1


def test_email_times_are_in_the_recipients_timezone(learner, other_learner):
    learner.timezone = "Asia/Kolkata"
    learner.save(update_fields=["timezone"])
    other_learner.timezone = "Europe/London"
    other_learner.save(update_fields=["timezone"])
    _email(learner)
    _email(other_learner)
    kolkata, london = (next(m for m in mail.outbox if user.email in m.to) for user in (learner, other_learner))
    # 12:00 UTC on 28 March 2026: 5:30 PM in Kolkata; noon in London (still GMT, BST starts on the 29th).
    assert "Saturday 28 March 2026, 5:30 PM IST" in kolkata.body
    assert "Saturday 28 March 2026, 12:00 PM GMT" in london.body
    assert "Asia/Kolkata" in kolkata.body and "Europe/London" in london.body
