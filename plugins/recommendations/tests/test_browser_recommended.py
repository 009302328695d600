"""The "Recommended for you" panel in Chromium, with axe at 360 and 1440 px: each card says why;
a newly published session that suits the learner arrives live (a toast, and the panel brings it
in without a reload); "Not interested" hides a card for good."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.mentoring.tests.factories import approved_mentor, session_make
from core.users.tests.factories import user_make
from tests.browser.plugin_fixtures import signed_in
from tests.browser.test_a11y import violations
from tests.browser.test_landing import in_thread

pytestmark = pytest.mark.browser


@pytest.fixture
def pythonista(transactional_db):
    return user_make(email="pia@example.com", name="Pia Learner", role="learner", details={"interests": ["Python"]})


@pytest.fixture
def guru(transactional_db):
    return approved_mentor(email="guru@example.com", name="Guru Mentor")


@pytest.mark.parametrize("width", [360, 1440])
def test_the_panel_says_why_and_passes_axe(browser, server_url, snap, pythonista, guru, width):
    in_thread(session_make, mentor=guru, title="Hands-on Python", topics=["Python", "Testing"], hours_from_now=30)
    in_thread(session_make, mentor=guru, title="Python for data", topics=["Python", "Pandas"], hours_from_now=54)
    context = signed_in(browser, server_url, pythonista, width)
    tab = context.new_page()
    try:
        tab.goto("/dashboard/learner/")
        panel = tab.get_by_test_id("recommended")
        expect(panel.locator(".session-card")).to_have_count(2)
        expect(panel.get_by_test_id("recommendation-reason").first).to_have_text("Because you're interested in Python")
        expect(panel.get_by_role("button", name="Not interested in Hands-on Python")).to_be_visible()
        found = violations(tab, f"learner home at {width}px")
        panel.scroll_into_view_if_needed()
        snap(tab, "recommendations-panel")
    finally:
        context.close()
    assert not found, "\n".join(found)


def test_a_new_session_arrives_live_and_not_interested_hides_one(browser, server_url, pythonista, guru):
    first = in_thread(session_make, mentor=guru, title="Hands-on Python", topics=["Python"], hours_from_now=30)
    context = signed_in(browser, server_url, pythonista, 1440)
    tab = context.new_page()
    try:
        tab.goto("/dashboard/learner/")
        panel = tab.locator("#recommended-panel")
        expect(panel.locator(".session-card")).to_have_count(1)
        expect(tab.locator("[data-notifications]")).to_have_attribute("data-notifications-state", "open")

        in_thread(session_make, mentor=guru, title="Async Python", topics=["Python"], hours_from_now=40)
        expect(tab.locator(".toast").filter(has_text="New session for you: Async Python")).to_be_visible()
        expect(panel.locator(".session-card")).to_have_count(2)  # no reload: the panel came in live
        expect(panel.get_by_role("link", name="Async Python", exact=True)).to_be_visible()

        panel.get_by_role("button", name="Not interested in Hands-on Python").click()
        expect(tab.get_by_text("Got it: we won't suggest “Hands-on Python” again.")).to_be_visible()
        expect(tab.locator(f'#recommended-panel [data-session-id="{first.pk}"]')).to_have_count(0)
        expect(tab.locator("#recommended-panel .session-card")).to_have_count(1)
    finally:
        context.close()
