"""A mentor's public page, ``/mentors/<pk>-<name>/``: who they are, their verified record, their
sessions open for booking and their latest reviews; one address per mentor (others redirect);
nobody but an active, approved mentor has one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import plugin_api
from core.bookings.tests.factories import book_and_pay
from core.mentoring.tests.factories import approved_mentor, session_booked, session_make
from core.room.attendance import session_complete
from core.room.models import Feedback
from core.users.models import MentorProfile
from core.users.services import mentor_approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def guru():
    mentor = approved_mentor(email="guru@example.com", name="Guru Prasad")
    MentorProfile.objects.filter(user=mentor).update(
        bio="Ten years of Django.", skills=["Django", "PostgreSQL"], domains=["Programming"]
    )
    return mentor


def test_the_page_shows_who_they_are_their_record_and_sessions_open_for_booking(client, guru, learner, other_learner):
    past, booking = session_booked(mentor=guru, learner=other_learner, starts_in=-timedelta(hours=3))
    session_complete(session=past)
    Feedback.objects.create(booking=booking, rating=4, comment="Clear and patient.")
    open_one = session_make(mentor=guru, title="Async Python", hours_from_now=30)
    taken = session_make(mentor=guru, title="Taken already", hours_from_now=40)
    book_and_pay(taken, learner)
    taken.bookings.update(status="confirmed")

    response = client.get(f"/mentors/{guru.pk}-guru-prasad/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Guru Prasad · Mentor on PeerLearn</title>" in page
    assert f'<link rel="canonical" href="http://testserver/mentors/{guru.pk}-guru-prasad/">' in page
    assert '<h1 id="mentor-name" class="booking-title">Guru Prasad</h1>' in page
    assert "Ten years of Django." in page and ">PostgreSQL<" in page and "Programming" in page
    assert "<strong>4.0</strong> / 5 from 1 review by learners who attended" in page
    assert "1 session given on PeerLearn" in page
    assert "Clear and patient." in page
    sessions = page.split('data-testid="mentor-sessions"')[1].split("</section>")[0]
    assert f'href="/sessions/{open_one.pk}/"' in sessions and "Taken already" not in sessions


def test_a_new_mentor_says_so_and_has_nothing_made_up(client, guru):
    page = client.get(f"/mentors/{guru.pk}-guru-prasad/").content.decode()

    assert "New on PeerLearn" in page and "/ 5 from" not in page
    assert "Guru Prasad has no session open for booking right now." in page
    assert "No reviews yet." in page


@pytest.mark.parametrize("path", ["/mentors/{pk}/", "/mentors/{pk}-old-name/"])
def test_every_other_address_redirects_to_the_one_address(client, guru, path):
    response = client.get(path.format(pk=guru.pk))

    assert response.status_code == 301 and response["Location"] == f"/mentors/{guru.pk}-guru-prasad/"


def test_nobody_but_an_active_approved_mentor_has_a_page(client, mentor, learner, guru):
    assert client.get(f"/mentors/{mentor.pk}/").status_code == 404  # not approved
    assert client.get(f"/mentors/{learner.pk}/").status_code == 404
    assert client.get("/mentors/999999/").status_code == 404
    guru.is_active = False
    guru.save(update_fields=["is_active"])
    assert client.get(f"/mentors/{guru.pk}-guru-prasad/").status_code == 404
    mentor_approve(mentor=mentor)
    assert client.get(f"/mentors/{mentor.pk}/").status_code == 301


def test_the_session_page_links_to_its_mentors_page(client, guru):
    session = session_make(mentor=guru, title="Async Python", hours_from_now=30)

    page = client.get(f"/sessions/{session.pk}/").content.decode()

    assert f'About <a href="/mentors/{guru.pk}-guru-prasad/">Guru Prasad</a>' in page


def test_plugins_get_the_pages_of_mentors_who_have_one_in_one_query(guru, mentor, learner):
    with CaptureQueriesContext(connection) as queries:
        pages = plugin_api.mentor_pages(mentor_ids=[guru.pk, mentor.pk, learner.pk])

    assert pages == {guru.pk: f"/mentors/{guru.pk}-guru-prasad/"}
    assert len(queries) == 1


def test_the_page_costs_the_same_queries_however_long_the_record(client, guru, learner):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/mentors/{guru.pk}-guru-prasad/").status_code == 200
        return len(queries)

    session_make(mentor=guru, title="One", hours_from_now=30)
    before = count()
    for hours in range(40, 100, 10):
        session_make(mentor=guru, title=f"Session at {hours}", hours_from_now=hours)
    assert count() == before
