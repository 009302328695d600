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
            if width < 768:
                page.locator("[data-menu-open]").first.click()
                page.locator("#mobile-menu").get_by_role("link", name=name).click()
            else:
                page.locator(".site-nav").get_by_role("link", name=name).click()
            dialog = page.locator("dialog[open]")
            expect(dialog.get_by_role("heading", level=1)).to_contain_text(heading)
            page.wait_for_timeout(350)  # let the 0.3 s fade-in finish before colours are measured
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
        join = page.get_by_role("button", name="Join now")
        expect(join).to_be_enabled()
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
            page.wait_for_timeout(350)  # the panel slides in
            problems += violations(page, f"room {tab} panel at {width}px")

        page.keyboard.press("Escape")
        page.get_by_role("button", name="Leave", exact=True).click()
        page.get_by_role("dialog").get_by_role("button", name="Leave").click()
        expect(page.get_by_role("heading", name="You left the room")).to_be_visible()
        problems += violations(page, f"room after leaving at {width}px")
    finally:
        context.close()

    assert not problems, "axe found serious or critical problems:\n" + "\n".join(problems)
