"""A mentor sees a plugin's notification kinds in their settings, under the plugin's name, and
turns its email on with the same switches as core's kinds; the page has no serious or critical
axe findings and no sideways scroll at 360 and 1440 px."""

import pytest
from playwright.sync_api import expect

from core import pluginmanager
from core.realtime import selectors
from core.realtime.tests import gifts_plugin

from .test_a11y import violations
from .test_booking import _log_in
from .test_purpose_checkout import _learner_cookie

pytestmark = pytest.mark.browser

SETTINGS = "/profile/settings/"
GIFT = "gifts.gift_received"


@pytest.fixture
def gifts():
    pluginmanager.pm.register(gifts_plugin, name="gifts")
    yield gifts_plugin
    pluginmanager.pm.unregister(gifts_plugin)


def test_a_mentor_turns_on_the_email_of_a_plugins_kind(page, browser, server_url, snap, mentor, gifts):
    _log_in(page, mentor.email, SETTINGS)
    table = page.locator(".notify-table")
    expect(table.get_by_role("rowheader", name="Gifts", exact=True)).to_be_visible()
    expect(table.get_by_role("rowheader", name="Tips you are sent")).to_be_visible()
    email = page.get_by_label("Tips you are sent by email")
    expect(email).not_to_be_checked()
    expect(page.get_by_label("Tips you are sent in the app")).to_be_checked()
    snap(page, "settings-plugin-kinds")

    email.check(force=True)  # the switch paints over the checkbox, as for core's kinds
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved")).to_be_visible()
    expect(page.get_by_label("Tips you are sent by email")).to_be_checked()
    assert selectors.wants(mentor, GIFT, "email") is True
    assert selectors.wants(mentor, "booking_requested", "email") is True

    audit = browser.new_context(base_url=server_url, bypass_csp=True)
    audit.add_cookies([_learner_cookie(server_url, mentor)])
    tab = audit.new_page()
    try:
        for width in (360, 1440):
            tab.set_viewport_size({"width": width, "height": 800})
            tab.goto(SETTINGS)
            assert violations(tab, f"{SETTINGS} at {width}px") == []
            assert tab.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        audit.close()
