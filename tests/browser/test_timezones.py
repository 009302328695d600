"""Times in the right zone in the browser: a visitor's are rewritten into the browser's own
zone; a signed-in person's stay in their profile's zone, whatever the browser's clock says."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.mentoring.tests.factories import session_booked, session_make
from core.users.services import mentor_approve
from tests.browser.test_booking import _log_in

pytestmark = pytest.mark.browser


def _context(browser, server_url):
    context = browser.new_context(
        base_url=server_url, viewport={"width": 1440, "height": 900}, timezone_id="America/New_York"
    )
    context.set_default_timeout(15_000)
    return context


def test_a_visitor_sees_the_landing_in_the_browsers_zone(browser, server_url, mentor):
    mentor_approve(mentor=mentor)
    session_make(mentor=mentor, title="Graph algorithms")
    context = _context(browser, server_url)
    try:
        tab = context.new_page()
        tab.goto("/")
        when = tab.locator(".session-card time[data-local-time]").first
        expect(when).to_have_text(re.compile(r"\b(EST|EDT|GMT-[45])\b"))  # rewritten from IST
    finally:
        context.close()


def test_a_signed_in_person_sees_their_profiles_zone_not_the_browsers(browser, server_url, mentor, learner):
    learner.timezone = "Asia/Tokyo"
    learner.save(update_fields=["timezone"])
    session, _booking = session_booked(mentor=mentor, learner=learner, starts_in=timedelta(hours=2))
    context = _context(browser, server_url)
    try:
        tab = context.new_page()
        _log_in(tab, learner.email, f"/session/{session.room_id}/")
        heading = tab.get_by_role("heading", level=1)
        expect(heading).to_contain_text("(Asia/Tokyo)")
        tab.wait_for_load_state("networkidle")  # every script has run
        expect(heading).to_contain_text("(Asia/Tokyo)")
        expect(heading).not_to_contain_text(re.compile(r"EST|EDT|GMT-"))
    finally:
        context.close()
