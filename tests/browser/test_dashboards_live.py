"""Two people, two browsers, no reloads: a mentor publishes a session, a learner books and pays,
the request appears on the mentor's open dashboard, the mentor accepts, and the learner's open
dashboard shows "Confirmed". A second learner's request is turned down with "Slot taken", a third
is rejected; and a dashboard whose socket dropped catches up when it reconnects."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from core.bookings.models import Booking, BookingStatus
from core.bookings.tests.factories import book_and_pay
from core.mentoring.models import MentoringSession
from core.mentoring.tests.factories import session_make
from core.users.services import mentor_approve
from core.users.tests.factories import user_make
from tests.browser.test_booking import _log_in

pytestmark = pytest.mark.browser


def _context(browser, server_url, width=1440):
    context = browser.new_context(base_url=server_url, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    return context


def _no_reload_marker(tab):
    tab.evaluate("window.__stillHere = true")


def _still_here(tab) -> bool:
    return tab.evaluate("window.__stillHere === true")


def test_book_accept_and_slot_taken_show_up_live_on_open_dashboards(browser, server_url, snap, mentor, learner,
                                                                    other_learner):  # fmt: skip
    mentor_approve(mentor=mentor)
    # A plain context, not the ``page`` fixture: a live refresh still in flight when the mentor
    # clicks Accept is aborted by the navigation, which that fixture would count as a problem.
    mentoring = _context(browser, server_url)
    page = mentoring.new_page()
    # The mentor publishes a session through the dashboard form.
    _log_in(page, mentor.email, "/dashboard/mentor/sessions/new/")
    page.get_by_label("Title").fill("System design interview prep")
    page.get_by_label("Topics").fill("Caching, Queues")
    page.get_by_label("Price (₹)").fill("1000")
    page.get_by_label("Date and time").fill(f"{date.today() + timedelta(days=30):%Y-%m-%d}T19:00")
    page.get_by_role("button", name="Publish session").click()
    expect(page.get_by_text("Session live!")).to_be_visible()
    session = MentoringSession.objects.get(mentor=mentor, title="System design interview prep")
    page.goto("/dashboard/mentor/")
    _no_reload_marker(page)
    pending = page.get_by_test_id("pending-requests")
    expect(pending).to_contain_text("No requests waiting for your answer.")

    learning = _context(browser, server_url)
    other = _context(browser, server_url)
    try:
        # The learner finds it in Browse, books and pays in test mode, and keeps their dashboard open.
        tab = learning.new_page()
        _log_in(tab, learner.email, "/dashboard/learner/browse/")
        tab.get_by_role("searchbox", name="Search").fill("system desgin")  # a typo still finds it
        tab.get_by_role("link", name=re.compile("System design interview prep")).first.click()
        expect(tab.get_by_test_id("fee-line")).to_have_text("Session ₹1,000 + platform fee ₹100 = ₹1,100")
        tab.get_by_role("button", name=re.compile("Book & pay")).click()
        tab.get_by_role("button", name=re.compile(r"^Pay ")).click()
        expect(tab).to_have_url(re.compile(r"/bookings/\d+/$"))
        tab.goto("/dashboard/learner/")
        _no_reload_marker(tab)

        # The request reaches the mentor's open dashboard without a reload.
        expect(pending).to_contain_text("Asha Learner")
        expect(page.locator('[data-nav-badge="pending"]').first).to_contain_text("1")
        assert _still_here(page)

        # A second learner pays too, and watches their own dashboard.
        rival = other.new_page()
        _log_in(rival, other_learner.email, f"/sessions/{session.pk}/")
        rival.get_by_role("button", name=re.compile("Book & pay")).click()
        rival.get_by_role("button", name=re.compile(r"^Pay ")).click()
        expect(rival).to_have_url(re.compile(r"/bookings/\d+/$"))
        rival.goto("/dashboard/learner/")
        _no_reload_marker(rival)
        expect(pending).to_contain_text("Bilal Learner")
        snap(page, "live-mentor-two-requests")

        # The mentor accepts Asha: her open dashboard says Confirmed; Bilal's says the slot is taken.
        page.get_by_role("button", name="Accept Asha Learner for System design interview prep").click()
        expect(page.get_by_test_id("upcoming-sessions")).to_contain_text("Booked by Asha Learner")
        expect(tab.get_by_test_id("next-session")).to_contain_text("System design interview prep")
        expect(tab.get_by_test_id("your-requests")).to_contain_text("Confirmed")
        assert _still_here(tab)
        expect(rival.get_by_test_id("your-requests")).to_contain_text("Slot taken, try another")
        assert _still_here(rival)
        snap(tab, "live-learner-confirmed")
        snap(rival, "live-learner-slot-taken")

        # Both see it in their upcoming lists.
        tab.goto("/dashboard/learner/bookings/")
        expect(tab.get_by_text("System design interview prep").first).to_be_visible()
        assert Booking.objects.get(session=session, learner=learner).status == BookingStatus.CONFIRMED
        assert Booking.objects.get(session=session, learner=other_learner).status == BookingStatus.REJECTED
    finally:
        learning.close()
        other.close()
        mentoring.close()


def test_a_reject_while_the_socket_is_down_arrives_on_reconnect(browser, server_url, mentor):
    mentor_approve(mentor=mentor)
    third = user_make(email="chitra@example.com", name="Chitra Learner")
    booking = book_and_pay(session_make(mentor=mentor, title="Calculus for JEE"), third)

    learning = _context(browser, server_url, width=360)
    mentoring = _context(browser, server_url)
    try:
        tab = learning.new_page()
        _log_in(tab, third.email, "/dashboard/learner/")
        requests = tab.get_by_test_id("your-requests")
        expect(requests).to_contain_text("Calculus for JEE")
        expect(tab.locator("[data-notifications]")).to_have_attribute("data-notifications-state", "open")
        _no_reload_marker(tab)
        # The socket drops (the network goes away); the mentor rejects meanwhile.
        tab.context.set_offline(True)
        answer = mentoring.new_page()
        _log_in(answer, mentor.email, f"/bookings/{booking.pk}/")
        answer.get_by_role("button", name="Reject").click()
        expect(answer.get_by_test_id("booking-status")).to_have_text("Rejected")
        # Back online: the tab reconnects, catches up from its last id, and refreshes its parts.
        tab.context.set_offline(False)
        expect(requests).to_contain_text(re.compile("not|reject", re.IGNORECASE), timeout=45_000)
        assert _still_here(tab)
    finally:
        learning.close()
        mentoring.close()


@pytest.mark.parametrize("answer", ["Accept", "Reject"])
def test_the_learners_open_booking_page_follows_the_mentors_answer(browser, server_url, mentor, learner, answer):
    mentor_approve(mentor=mentor)
    booking = book_and_pay(session_make(mentor=mentor, title="Statistics for ML"), learner)
    learning = _context(browser, server_url, width=360)
    mentoring = _context(browser, server_url)
    try:
        tab = learning.new_page()
        _log_in(tab, learner.email, f"/bookings/{booking.pk}/")
        status = tab.get_by_test_id("booking-status")
        expect(status).to_have_text("Waiting for the mentor")
        expect(tab.locator("[data-notifications]")).to_have_attribute("data-notifications-state", "open")
        _no_reload_marker(tab)

        page = mentoring.new_page()
        _log_in(page, mentor.email, f"/bookings/{booking.pk}/")
        page.get_by_role("button", name=answer).click()
        expected = "Confirmed" if answer == "Accept" else "Rejected"
        expect(page.get_by_test_id("booking-status")).to_have_text(expected)

        # The learner's page changes by itself: the same status as the mentor's, no reload.
        expect(status).to_have_text(expected)
        sentence = tab.get_by_test_id("booking-sentence")
        if answer == "Accept":
            expect(sentence).to_have_text("Confirmed. See you in the session.")
            expect(tab.get_by_test_id("join")).to_be_hidden()  # not yet: it opens 10 minutes before
        else:
            expect(sentence).to_contain_text("You were not charged.")
            expect(tab.get_by_role("link", name="Browse other sessions")).to_be_visible()
        assert _still_here(tab)
    finally:
        learning.close()
        mentoring.close()
