"""Every status on screen tells the truth, the same for both people: the booking page, the
"upcoming" badge after an early end, the mentor's Join (shown from 10 minutes before the start,
like the learner's, and revealed by the page itself when that moment comes), and no Join once a
session is over. The live refresh of these parts is tested in the browser
(tests/browser/test_dashboards_live.py)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from core.bookings.tests.factories import book_and_pay
from core.mentoring.tests.factories import session_booked, session_make
from core.room.attendance import session_complete
from core.users.services import mentor_approve

pytestmark = pytest.mark.django_db


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(response.content.decode())


def _join_links(page: str) -> list[str]:
    """Every Join link on the page, as its opening tag (a link to the room after the session, to
    what it left, is not a Join)."""
    return re.findall(r'<a [^>]*href="/session/[^"]+/"[^>]*(?:aria-label="Join |data-testid="join")[^>]*>', page)


def _status(page: str) -> str:
    return re.search(r'data-testid="booking-status">([^<]+)<', page).group(1)


def test_the_upcoming_badge_drops_when_the_mentor_ends_early(client, mentor, learner):
    session, _booking = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=5))
    page = _page(client, learner, "/dashboard/learner/")
    assert re.search(r'data-nav-badge="upcoming">1<', page)
    assert len(_join_links(page)) >= 1
    session_complete(session=session)  # the mentor pressed End: 55 minutes before the scheduled end
    page = _page(client, learner, "/dashboard/learner/")
    assert re.search(r'data-nav-badge="upcoming" hidden>0<', page)
    assert _join_links(page) == []  # no Join on a completed session
    assert _join_links(_page(client, learner, "/dashboard/learner/bookings/")) == []


def test_the_mentors_join_is_there_from_ten_minutes_before_and_revealed_live(client, mentor, learner):
    session, _booking = session_booked(mentor=mentor, learner=learner, starts_in=timedelta(minutes=30))
    for url in ("/dashboard/mentor/", "/dashboard/mentor/sessions/"):
        [join] = _join_links(_page(client, mentor, url))
        assert " hidden" in join and 'data-join-opens="' in join, url  # the page reveals it at start - 10 min
        opens = re.search(r'data-join-opens="([^"]+)"', join).group(1)
        assert opens.startswith((session.starts_at - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")), url

    session.starts_at -= timedelta(minutes=22)  # now 8 minutes to go
    session.ends_at -= timedelta(minutes=22)
    session.save(update_fields=["starts_at", "ends_at"])
    for url in ("/dashboard/mentor/", "/dashboard/mentor/sessions/"):
        [join] = _join_links(_page(client, mentor, url))
        assert " hidden" not in join, url


def test_no_join_for_the_mentor_on_a_completed_session(client, mentor, learner):
    session, _booking = session_booked(mentor=mentor, learner=learner, starts_in=-timedelta(minutes=5))
    assert len(_join_links(_page(client, mentor, "/dashboard/mentor/"))) == 1
    session_complete(session=session)
    for url in ("/dashboard/mentor/", "/dashboard/mentor/sessions/"):
        assert _join_links(_page(client, mentor, url)) == [], url


def test_both_sides_see_the_same_status_on_the_booking_page(client, mentor, learner):
    mentor_approve(mentor=mentor)
    waiting = book_and_pay(session_make(mentor=mentor, title="Waiting one", hours_from_now=50), learner)
    url = f"/bookings/{waiting.pk}/"
    assert _status(_page(client, learner, url)) == _status(_page(client, mentor, url)) == "Waiting for the mentor"

    session, booking = session_booked(mentor=mentor, learner=learner, starts_in=timedelta(minutes=30))
    url = f"/bookings/{booking.pk}/"
    learner_page, mentor_page = _page(client, learner, url), _page(client, mentor, url)
    assert _status(learner_page) == _status(mentor_page) == "Confirmed"
    for page in (learner_page, mentor_page):  # both get Join, revealed at start - 10 min
        [join] = _join_links(page)
        assert " hidden" in join and "data-join-opens" in join

    session_complete(session=session)
    learner_page, mentor_page = _page(client, learner, url), _page(client, mentor, url)
    assert _status(learner_page) == _status(mentor_page) == "Completed"
    assert "Completed: the session took place." in learner_page and "Completed: the session took place." in mentor_page
    assert _join_links(learner_page) == _join_links(mentor_page) == []
    mentor_list = _page(client, mentor, "/dashboard/mentor/bookings/")
    assert re.search(r'booking-badge--completed">Completed<', mentor_list)
    learner_list = _page(client, learner, "/dashboard/learner/bookings/")
    assert re.search(r'booking-badge--completed">Completed<', learner_list)


def test_the_booking_pages_status_part_refreshes_on_the_notifications_that_change_it(client, mentor, learner):
    mentor_approve(mentor=mentor)
    booking = book_and_pay(session_make(mentor=mentor, title="Waiting one"), learner)
    page = _page(client, learner, f"/bookings/{booking.pk}/")
    part = re.search(r'id="booking-status-live"[^>]*data-live-refresh="([^"]+)"', page)
    kinds = set(part.group(1).split())
    assert {"booking_confirmed", "booking_rejected", "slot_taken", "payment_refunded", "session_summary"} <= kinds
    assert "js/dashboards.js" in page
