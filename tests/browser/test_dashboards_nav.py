"""The dashboards' navigation leaves the dashboard where it should: Profile, in the sidebar
(wide screens) and in the bottom nav's "More" sheet (narrow ones), opens the whole profile
page, not a blank one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_booking import _log_in

pytestmark = pytest.mark.browser


def test_profile_in_the_sidebar_opens_the_profile_page(page, learner):
    _log_in(page, learner.email, "/dashboard/learner/progress/")
    page.locator(".side-nav").get_by_role("link", name="Profile").click()
    expect(page).to_have_url(re.compile(r"/profile/$"))
    expect(page.get_by_role("heading", level=1, name=learner.name)).to_be_visible()
    expect(page.locator(".profile__back")).to_be_visible()
    assert page.locator("#dash-main").count() == 0


def test_profile_in_the_more_sheet_opens_the_profile_page(page, mentor):
    page.set_viewport_size({"width": 360, "height": 800})
    _log_in(page, mentor.email, "/dashboard/mentor/")
    page.locator(".bottom-nav").get_by_text("More").click()
    page.locator(".bottom-nav__sheet").get_by_role("link", name="Profile").click()
    expect(page).to_have_url(re.compile(r"/profile/$"))
    expect(page.get_by_role("heading", level=1, name=mentor.name)).to_be_visible()
    # Back in the dashboard, a section link still swaps only the dashboard's main region.
    page.locator(".profile__back").click()
    expect(page).to_have_url(re.compile(r"/dashboard/mentor/$"))
    page.evaluate("window.__stillHere = true")
    page.locator(".bottom-nav").get_by_role("link", name="Bookings").click()
    expect(page).to_have_url(re.compile(r"/dashboard/mentor/bookings/$"))
    expect(page.locator("#dash-main")).to_have_attribute("data-section", "bookings")
    assert page.evaluate("window.__stillHere === true")
