"""In Chromium: the bell and toasts follow the mentor's answers live, and a tab that was away
catches up from the last id it saw (sessionStorage) when it comes back.

Uses the browser fixtures of tests/browser/conftest.py (Debian Chromium, uvicorn in a thread).
"""

from __future__ import annotations

import re
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from playwright.sync_api import expect

from core.bookings.tests.factories import book_and_pay
from core.mentoring.tests.factories import session_make
from core.users.services import mentor_approve
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    allow_orm_beside_playwright,
    browser,
    server_url,
    site_pages,
    snap,
)

pytestmark = pytest.mark.browser


def _signed_in(browser, server_url, user, width=1440, **options):  # noqa: F811
    """A browser context with ``user``'s session cookie (logging in is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=server_url, viewport={"width": width, "height": 900}, **options)
    context.set_default_timeout(10_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": server_url}])
    return context


def test_the_bell_follows_answers_live_and_catches_up_after_being_away(
    browser,  # noqa: F811
    server_url,  # noqa: F811
    snap,  # noqa: F811
    learner,
    mentor,
):
    mentor_approve(mentor=mentor)
    first = book_and_pay(session_make(mentor=mentor, title="Intro to Django"), learner)
    second = book_and_pay(session_make(mentor=mentor, title="Deploying Django", hours_from_now=48), learner)

    learning = _signed_in(browser, server_url, learner)
    mentoring = _signed_in(browser, server_url, mentor)
    problems = []
    try:
        tab = learning.new_page()
        tab.on("pageerror", lambda error: problems.append(str(error)))
        tab.goto("/bookings/")
        bell = tab.locator("[data-notifications]")
        expect(bell).to_have_attribute("aria-label", "Notifications")
        expect(bell).to_have_attribute("data-notifications-state", "open")

        # The mentor accepts in their own browser: the learner's open page hears it without reloading.
        answer = mentoring.new_page()
        answer.goto(f"/bookings/{first.pk}/")
        answer.get_by_role("button", name="Accept").click()
        expect(answer.get_by_test_id("booking-status")).to_have_text("Confirmed")
        toasts = tab.locator("[data-toasts]")
        expect(toasts).to_contain_text(re.compile(r"Confirmed: Intro to Django on "))
        expect(toasts).to_contain_text("Receipt: ₹1,100 for Intro to Django")
        expect(bell).to_have_attribute("aria-label", "Notifications: 2 New")
        expect(bell.locator("[data-notifications-count]")).to_have_text("2 New")
        link = toasts.get_by_role("link", name=re.compile("Confirmed: Intro to Django"))
        expect(link).to_have_attribute("href", f"/bookings/{first.pk}/")
        snap(tab, "notifications-live-toast")

        # The learner's tab is away (another site); meanwhile the mentor declines the other request.
        tab.goto("about:blank")
        answer.goto(f"/bookings/{second.pk}/")
        answer.get_by_role("button", name="Reject").click()
        tab.goto("/bookings/")
        expect(tab.locator("[data-toasts]")).to_contain_text("Not accepted: Deploying Django")
        expect(tab.locator("[data-toasts]")).not_to_contain_text("Receipt")  # seen before, not repeated
        expect(tab.locator("[data-notifications]")).to_have_attribute("aria-label", "Notifications: 3 New")

        # The full list, and "Mark all read" without JavaScript's help.
        tab.locator("[data-notifications]").click()
        expect(tab).to_have_url(re.compile(r"/notifications/$"))
        expect(tab.get_by_role("heading", name="Notifications")).to_be_visible()
        expect(tab.locator(".notification")).to_have_count(3)
        snap(tab, "notifications-list")
        tab.get_by_role("button", name="Mark all read").click()
        expect(tab.get_by_test_id("unread-summary")).to_have_text("You're all caught up.")
        expect(tab.locator("[data-notifications]")).to_have_attribute("aria-label", "Notifications")
        expect(tab.locator("[data-notifications-count]")).to_be_hidden()
    finally:
        learning.close()
        mentoring.close()
    assert not problems


def test_without_websockets_the_tab_catches_up_over_http(browser, server_url, learner, mentor):  # noqa: F811
    from core.realtime import services

    context = _signed_in(browser, server_url, learner)
    context.add_init_script("delete window.WebSocket;")
    try:
        tab = context.new_page()
        with tab.expect_response(re.compile(r"/notifications/catch-up/$")):  # the hello, over HTTP
            tab.goto("/bookings/")
        sent = []

        def send_all():
            # In one transaction: without a socket the tab also polls on its own, and a poll that
            # landed halfway through used to split them into toasts of 50 and 52. In a thread:
            # the push after the commit needs one without Playwright's event loop.
            try:
                with transaction.atomic():
                    sent.extend(
                        services.notification_send(
                            user=learner, kind="booking_confirmed", title=f"Confirmed {n}", url="/bookings/"
                        )
                        for n in range(1, 103)  # more than one catch-up page (100)
                    )
            finally:
                connection.close()  # the thread's own connection

        sender = threading.Thread(target=send_all)
        sender.start()
        sender.join()
        tab.evaluate("window.PeerLearnNotifications.catchUp()")
        bell = tab.locator("[data-notifications]")
        expect(bell).to_have_attribute("aria-label", "Notifications: 102 New")
        expect(tab.locator("[data-toasts]")).to_contain_text("100 new notifications")
        expect(tab.locator("[data-toasts]")).to_contain_text("Confirmed 102")  # the second page, one toast each
        assert tab.evaluate("window.PeerLearnNotifications.lastId()") == sent[-1].pk
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1440])
def test_no_serious_axe_violations_on_the_list_and_bell(browser, server_url, learner, width):  # noqa: F811
    from core.realtime import services
    from tests.browser.test_a11y import violations

    services.notification_send(user=learner, kind="booking_confirmed", title="Confirmed: Intro", url="/bookings/")
    services.notification_send(user=learner, kind="slot_taken", title="Slot taken: Deploying", body="Try another.")
    refunded = services.notification_send(user=learner, kind="payment_refunded", title="Refunded")
    services.notification_mark_read(user=learner, ids=[refunded.pk])
    # axe is injected inline, which our CSP forbids: this context bypasses CSP (as tests/browser/test_a11y.py does).
    context = _signed_in(browser, server_url, learner, width=width, bypass_csp=True)
    try:
        tab = context.new_page()
        tab.goto("/notifications/")
        expect(tab.locator(".notification")).to_have_count(3)
        expect(tab.locator("[data-notifications]")).to_have_attribute("data-notifications-state", "open")
        tab.evaluate("window.PeerLearn.toast('A toast like a notification', 'success')")
        found = violations(tab, f"/notifications/ at {width} px")
        assert not found, "\n".join(found)
    finally:
        context.close()
