"""A mentor's approval: until then their sessions are hidden (and the mentor is told so when
publishing); on approval the landing shows them at once and the mentor hears of it, in the
app and by email; withdrawing it hides them again at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.mentoring.tests.factories import session_make
from core.realtime.models import Notification, NotificationKind
from core.users.services import mentor_approve
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    return user_make(email="nisha@example.com", name="Nisha Mentor", role="mentor")


def _landing(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_approval_shows_the_sessions_on_the_landing_at_once(client, newcomer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        session_make(mentor=newcomer, title="Kotlin coroutines, gently")
    assert "Kotlin coroutines, gently" not in _landing(client)  # hidden, and the page is now cached
    assert "Kotlin coroutines, gently" not in client.get("/live/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        mentor_approve(mentor=newcomer)
    assert "Kotlin coroutines, gently" in _landing(client)
    assert "Kotlin coroutines, gently" in client.get("/live/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        mentor_approve(mentor=newcomer, approved=False)
    assert "Kotlin coroutines, gently" not in _landing(client)


def test_the_mentor_hears_of_the_approval_once_in_the_app_and_by_email(newcomer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mentor_approve(mentor=newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        mentor_approve(mentor=newcomer)  # approving again is no news
    notes = list(Notification.objects.filter(user=newcomer))
    assert [(note.kind, note.title, note.url) for note in notes] == [
        (NotificationKind.MENTOR_APPROVED, "You're approved: your sessions are public", "/dashboard/mentor/sessions/")
    ]
    assert [message.to for message in mail.outbox] == [["nisha@example.com"]]
    assert "approved your mentor profile" in mail.outbox[0].body
    assert "/dashboard/mentor/sessions/" in mail.outbox[0].body

    # Withdrawn, then approved again: a new approval, a new message.
    with django_capture_on_commit_callbacks(execute=True):
        mentor_approve(mentor=newcomer, approved=False)
    assert Notification.objects.filter(user=newcomer).count() == 1 and len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        mentor_approve(mentor=newcomer)
    assert Notification.objects.filter(user=newcomer).count() == 2 and len(mail.outbox) == 2


def test_an_unapproved_mentor_who_publishes_is_told_the_session_is_hidden(client, newcomer):
    client.force_login(newcomer)
    response = client.post(
        "/dashboard/mentor/sessions/new/",
        _form("Kotlin coroutines, gently", _in_three_days()),
        follow=True,
    )
    page = response.content.decode()
    assert "Session live!" not in page and "Promote it" not in page
    assert "is saved, but hidden from learners until our team approves your profile" in page
    assert 'data-testid="hidden-until-approved"' in page

    mentor_approve(mentor=newcomer)
    response = client.post(
        "/dashboard/mentor/sessions/new/",
        _form("Kotlin flows", _in_three_days(hours=3)),
        follow=True,
    )
    page = response.content.decode()
    assert "Session live! “Kotlin flows” is published." in page
    assert 'data-testid="hidden-until-approved"' not in page
    # The banner's wrapper stays, so an open page drops the banner when the approval arrives.
    assert '<div id="approval-live" data-live-refresh="mentor_approved">' in page


def _form(title: str, starts_at: str) -> dict:
    return {"title": title, "topics": "Kotlin", "price": "800", "starts_at": starts_at, "duration_minutes": "60"}


def _in_three_days(hours: int = 0) -> str:
    moment = timezone.localtime(timezone.now() + timedelta(days=3, hours=hours))
    return moment.strftime("%Y-%m-%dT%H:%M")
