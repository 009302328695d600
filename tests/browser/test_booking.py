"""A learner books and pays in test mode; the mentor accepts; the learner sees it confirmed."""

import re

import pytest
from playwright.sync_api import expect

from core.mentoring.tests.factories import session_make
from core.users.services import mentor_approve
from core.users.tests.factories import PASSWORD
from tests.browser.waits import log_in

pytestmark = pytest.mark.browser


def _log_in(tab, email: str, next_path: str) -> None:
    log_in(tab, email, next_path, PASSWORD)


def test_learner_books_and_pays_and_the_mentor_accepts(page, browser, server_url, snap, learner, mentor):
    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor, title="Intro to Django", price_paise=100_000, topics=["ORM", "Views"])
    preview = f"/sessions/{session.pk}/"

    _log_in(page, learner.email, preview)
    expect(page.get_by_test_id("fee-line")).to_have_text("Session ₹1,000 + platform fee ₹100 = ₹1,100")
    expect(page.get_by_text("Test mode — no real money")).to_be_visible()
    snap(page, "booking-preview")
    page.get_by_role("button", name=re.compile("Book & pay")).click()

    expect(page).to_have_url(re.compile(r"/testmode/checkout/"))
    snap(page, "booking-test-checkout")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    expect(page).to_have_url(re.compile(r"/bookings/\d+/$"))
    expect(page.get_by_test_id("booking-sentence")).to_have_text(
        "Waiting for the mentor. You are charged only if they accept."
    )
    expect(page.get_by_text("Test mode — no real money")).to_be_visible()
    snap(page, "booking-pending")
    booking_path = page.url.removeprefix(server_url)

    other = browser.new_context(base_url=server_url, viewport={"width": 1440, "height": 900})
    other.set_default_timeout(10_000)
    tab = other.new_page()
    try:
        _log_in(tab, mentor.email, "/dashboard/mentor/")
        panel = tab.get_by_test_id("pending-requests")
        expect(panel).to_contain_text("Asha Learner")
        expect(panel).to_contain_text("Intro to Django")
        snap(tab, "booking-mentor-dashboard")
        tab.goto(booking_path)
        tab.get_by_role("button", name="Accept").click()
        expect(tab.get_by_test_id("booking-status")).to_have_text("Confirmed")
    finally:
        other.close()

    page.goto(booking_path)
    expect(page.get_by_test_id("booking-status")).to_have_text("Confirmed")
    snap(page, "booking-confirmed")
