"""``/`` is cached whole for anonymous visitors and refreshed by every change."""

from datetime import timedelta

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.utils import timezone

from cms.models import LandingPage
from core.mentoring.services import session_cancel, session_create
from core.users.services import mentor_approve
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def guru():
    mentor = user_make(email="guru@example.com", name="Guru Mentor", role="mentor")
    mentor_approve(mentor=mentor)
    return mentor


def test_a_cached_landing_costs_no_queries(client, django_assert_num_queries):
    cache.clear()
    first = client.get("/")
    with django_assert_num_queries(0):
        second = client.get("/")
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert "csrftoken" not in second.cookies


def test_a_new_and_a_cancelled_session_show_at_once(client, guru, django_capture_on_commit_callbacks):
    cache.clear()
    assert b"Fresh session" not in client.get("/").content
    with django_capture_on_commit_callbacks(execute=True):
        session = session_create(
            mentor=guru, title="Fresh session", price_paise=100000, starts_at=timezone.now() + timedelta(hours=3)
        )
    assert b"Fresh session" in client.get("/").content
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session, by=guru)
    assert b"Fresh session" not in client.get("/").content


def test_a_published_edit_shows_at_once(client):
    cache.clear()
    client.get("/")
    landing = LandingPage.objects.get()
    landing.body[0].value["heading"] = "A brand new promise"
    landing.save_revision().publish()
    assert b"A brand new promise" in client.get("/").content


def test_pending_messages_get_a_fresh_page(client, rf):
    cache.clear()
    client.get("/")
    request = rf.get("/")
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "You have signed out.")
    response = client.get("/")  # prime nothing; now send the message cookie
    storage.update(response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value
    assert b"You have signed out." in client.get("/").content
