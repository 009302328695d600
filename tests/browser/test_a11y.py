"""axe-core in Chromium: no serious or critical violations on /, /styleguide/ and the login and
registration modals, at 360, 768 and 1440 px wide.

axe comes from the npm package axe-core (tests/browser/vendor/axe.min.js, MPL-2.0, tests only).
Playwright injects it inline, which our CSP rightly forbids, so these contexts bypass CSP; the
other browser tests keep it and fail on any CSP report.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from core.users.tests.factories import PASSWORD
from tests.browser.waits import join_ready

from .conftest import settle
from .test_landing import publish_many

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n")[1]),
  }));
}"""


def violations(page, where: str) -> list[str]:
    """axe's serious and critical findings on ``page`` once it has settled (see ``settle``)."""
    settle(page)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE)
    return [
        f"{where}: [{item['impact']}] {item['id']}: {item['help']}\n      " + "\n      ".join(item["nodes"])
        for item in found
        if item["impact"] in BLOCKING
    ]


def staff_cookie(server_url: str) -> dict:
    from django.conf import settings
    from django.test import Client

    from core.users import services
    from core.users.tests.helpers import force_login_verified

    user, _device = services.staff_user_create(email="sara@example.com", name="Sara Staff", password=PASSWORD)
    client = Client()
    force_login_verified(client, user)  # staff pages open only after the code
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": server_url,
    }


@pytest.mark.parametrize("width", [360, 768, 1440])
def test_no_serious_or_critical_axe_violations(browser, server_url, width):
    cache.clear()
    publish_many(6)
    height = 800 if width < 768 else 900
    problems: list[str] = []

    context = browser.new_context(base_url=server_url, viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto("/")
        expect(page.locator(".session-card").first).to_be_visible()
        problems += violations(page, f"/ at {width}px")

        for name, heading in (("Sign in to your dashboard", "Welcome back"), ("Join as a learner or mentor", "Join")):
            page.goto("/")
            if width < 1024:  # the header bar shows from 1024 px; narrower, the menu
                page.locator("[data-menu-open]").first.click()
                page.locator("#mobile-menu").get_by_role("link", name=name).click()
            else:
                page.locator(".site-nav").get_by_role("link", name=name).click()
            dialog = page.locator("dialog[open]")
            expect(dialog.get_by_role("heading", level=1)).to_contain_text(heading)
            problems += violations(page, f"{heading} modal at {width}px")
    finally:
        context.close()

    staff = browser.new_context(base_url=server_url, viewport={"width": width, "height": height}, bypass_csp=True)
    staff.add_cookies([staff_cookie(server_url)])
    page = staff.new_page()
    try:
        response = page.goto("/styleguide/")
        assert response.status == 200, response.status
        expect(page.get_by_role("heading", name="Style guide")).to_be_visible()
        problems += violations(page, f"/styleguide/ at {width}px")
    finally:
        staff.close()

    assert not problems, "axe found serious or critical problems:\n" + "\n".join(problems)


@pytest.mark.parametrize("width", [360, 1440])
def test_the_live_room_has_no_serious_or_critical_axe_violations(media_browser, server_url, width, learner, mentor):
    """The room's pre-call check, the call with each panel open, and the screen after leaving."""
    from django.conf import settings
    from django.test import Client

    from .test_room import _room_session

    session = _room_session(mentor, learner)
    client = Client()
    client.force_login(learner)
    context = media_browser.new_context(
        base_url=server_url,
        viewport={"width": width, "height": 800 if width < 768 else 900},
        bypass_csp=True,
        permissions=["camera", "microphone"],
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": server_url}])
    page = context.new_page()
    problems: list[str] = []
    try:
        page.goto(f"/session/{session.room_id}/")
        join = join_ready(page)
        problems += violations(page, f"room pre-call at {width}px")

        join.click()
        expect(page.locator("[data-screen-part=call]")).to_be_visible()
        expect(page.locator("[data-peer-status]")).to_have_text("Waiting for Meera Mentor…")
        problems += violations(page, f"room call at {width}px")
        for name, tab in (("chat", "Chat"), ("board", "Whiteboard"), ("topics", "Topics")):
            if not page.locator("#room-panel").is_visible():
                page.locator(f'[data-action="{name}"]').first.click()
            page.get_by_role("tab", name=tab).click()
            expect(page.locator(f'[data-pane="{name}"]')).to_be_visible()
            problems += violations(page, f"room {tab} panel at {width}px")

        page.keyboard.press("Escape")
        page.get_by_role("button", name="Leave", exact=True).click()
        page.get_by_role("dialog").get_by_role("button", name="Leave").click()
        expect(page.get_by_role("heading", name="You left the room")).to_be_visible()
        problems += violations(page, f"room after leaving at {width}px")
    finally:
        context.close()

    assert not problems, "axe found serious or critical problems:\n" + "\n".join(problems)


# Every CSS animation and transition the page has, plus any element still animating.
MOTION = """() => {
  const moving = document.getAnimations().map((a) => a.animationName || a.transitionProperty || "script");
  for (const element of document.querySelectorAll("*")) {
    for (const pseudo of [null, "::before", "::after"]) {
      const style = getComputedStyle(element, pseudo);
      const name = style.animationName.split(",").some((part) => part.trim() !== "none");
      const slow = style.transitionDuration.split(",").some((part) => parseFloat(part) > 0);
      if (name || slow) moving.push(`${element.tagName.toLowerCase()}.${element.className}${pseudo || ""}`);
    }
  }
  return moving.slice(0, 10);
}"""


def test_reduced_motion_turns_off_every_animation_and_transition(browser, server_url, learner):
    """Asked for reduced motion, nothing fades, slides or pulses: not the landing, the login
    modal, a profile tab swap nor a toast."""
    cache.clear()
    publish_many(2)
    context = browser.new_context(base_url=server_url, viewport={"width": 360, "height": 800}, reduced_motion="reduce")
    page = context.new_page()
    found = []
    try:
        page.goto("/")
        expect(page.locator(".session-card").first).to_be_visible()
        found += [f"/: {item}" for item in page.evaluate(MOTION)]
        page.locator("[data-menu-open]").first.click()
        page.locator("#mobile-menu").get_by_role("link", name="Sign in to your dashboard").click()
        expect(page.locator("dialog[open]").get_by_role("heading", level=1)).to_contain_text("Welcome back")
        found += [f"login modal: {item}" for item in page.evaluate(MOTION)]
        page.locator("dialog[open]").get_by_label("Email").fill(learner.email)
        page.locator("dialog[open]").get_by_label("Password").fill(PASSWORD)
        page.locator("dialog[open]").get_by_role("button", name="Log in").click()
        page.wait_for_url("**/dashboard/**")
        page.goto("/profile/")
        page.get_by_role("navigation", name="Profile sections").get_by_role("link", name="Security").click()
        expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
        page.evaluate("window.PeerLearn.toast('Saved', 'success')")
        expect(page.locator("[data-toasts]")).to_contain_text("Saved")
        found += [f"/profile/security/ with a toast: {item}" for item in page.evaluate(MOTION)]
    finally:
        context.close()
    assert not found, "Still moving with reduced motion:\n" + "\n".join(found)
