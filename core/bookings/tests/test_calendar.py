"""Private calendar feeds: a learner's bookings and a mentor's sessions, read back with the
icalendar library as a calendar app would; UIDs that never change, a SEQUENCE that rises with
every change, cancellations kept as such, and a secret address that can be reset."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from core.bookings.models import Booking, BookingStatus
from core.bookings.services import booking_accept, booking_cancel_by_learner, booking_checkout_start, holds_expire
from core.bookings.tests.factories import book_and_pay
from core.mentoring.services import session_cancel, session_update
from core.mentoring.tests.factories import approved_mentor, session_make
from core.users.services import calendar_feed_get_or_create, calendar_feed_reset

pytestmark = pytest.mark.django_db


def _events(client, user) -> dict[str, dict]:
    """``{uid: {"summary", "start", "status", "sequence"}}`` of ``user``'s feed, as an app reads it."""
    feed = calendar_feed_get_or_create(user=user)
    answer = client.get(f"/calendar/{feed.token}.ics")
    assert answer.status_code == 200 and answer["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(answer.content)
    return {
        str(event["UID"]): {
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "status": str(event["STATUS"]),
            "sequence": int(event["SEQUENCE"]),
        }
        for event in calendar.walk("VEVENT")
    }


def test_a_learners_booking_keeps_its_uid_and_its_sequence_rises_with_each_change(client, learner):
    guru = approved_mentor()
    session = session_make(mentor=guru, title="Django forms", hours_from_now=48)
    booking = book_and_pay(session, learner)
    uid = f"booking-{booking.pk}@peerlearn"

    first = _events(client, learner)[uid]
    assert (first["status"], first["sequence"]) == ("TENTATIVE", 0)
    assert first["summary"] == "Django forms with Guru Mentor (waiting for the mentor)"
    assert _events(client, learner)[uid]["sequence"] == 0  # asked again, nothing changed: the same

    booking_accept(booking=booking, mentor=guru)
    accepted = _events(client, learner)[uid]
    assert (accepted["status"], accepted["sequence"]) == ("CONFIRMED", 1)

    later = session.starts_at + timedelta(hours=2)
    session_update(session=session, by=guru, starts_at=later)
    moved = _events(client, learner)[uid]
    assert (moved["start"], moved["sequence"]) == (later.replace(microsecond=0), 2)  # iCalendar has seconds

    booking_cancel_by_learner(booking=Booking.objects.get(pk=booking.pk), learner=learner)
    cancelled = _events(client, learner)[uid]
    assert (cancelled["status"], cancelled["sequence"]) == ("CANCELLED", 3)
    assert cancelled["summary"].startswith("Cancelled: Django forms")


def test_a_checkout_that_lapsed_never_was_an_event(client, learner):
    session = session_make(mentor=approved_mentor(), hours_from_now=48)
    booking, _payment, _order = booking_checkout_start(session=session, learner=learner)
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    holds_expire()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert _events(client, learner) == {}


def test_a_mentors_feed_follows_their_sessions(client, learner):
    guru = approved_mentor()
    booked = session_make(mentor=guru, title="Booked one", hours_from_now=30)
    open_one = session_make(mentor=guru, title="Open one", hours_from_now=60)
    booking_accept(booking=book_and_pay(booked, learner), mentor=guru)

    events = _events(client, guru)
    assert events[f"session-{booked.pk}@peerlearn"]["summary"] == f"Booked one with {learner.name}"
    assert events[f"session-{booked.pk}@peerlearn"]["status"] == "CONFIRMED"
    assert events[f"session-{open_one.pk}@peerlearn"] == {
        "summary": "Open one (not booked yet)",
        "start": open_one.starts_at.replace(microsecond=0),
        "status": "TENTATIVE",
        "sequence": 0,
    }
    session_cancel(session=open_one, by=guru)
    gone = _events(client, guru)[f"session-{open_one.pk}@peerlearn"]
    assert (gone["status"], gone["sequence"], gone["summary"]) == ("CANCELLED", 1, "Cancelled: Open one")


def test_the_address_is_the_key_and_a_reset_retires_it(client, learner):
    old = calendar_feed_get_or_create(user=learner).token
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    new = calendar_feed_reset(user=learner).token
    assert new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    assert client.get("/calendar/guessed.ics").status_code == 404
    learner.is_active = False
    learner.save(update_fields=["is_active"])
    assert client.get(f"/calendar/{new}.ics").status_code == 404  # a blocked account's feed is gone


def test_the_settings_tab_shows_the_address_and_resets_it(client, learner):
    client.force_login(learner)
    page = client.get(reverse("users:settings-update")).content.decode()
    token = calendar_feed_get_or_create(user=learner).token
    assert f'value="http://testserver/calendar/{token}.ics"' in page
    assert client.get(reverse("users:calendar-reset")).status_code == 405
    answer = client.post(reverse("users:calendar-reset"))
    assert answer.status_code == 302 and answer.url == "/profile/settings/#calendar"
    assert calendar_feed_get_or_create(user=learner).token != token
