"""axe-core on every dashboard section of both roles, with real data, at 360 and 1440 px.

Like tests/browser/test_a11y.py, these contexts bypass CSP because Playwright injects axe inline.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from core.bookings.services import booking_accept
from core.bookings.tests.factories import book_and_pay
from core.dashboards.navigation import LEARNER_SECTIONS, MENTOR_SECTIONS
from core.mentoring.tests.factories import session_make
from core.room.attendance import session_complete
from core.users.services import mentor_approve
from tests.browser.test_a11y import violations

pytestmark = pytest.mark.browser

EXTRA = {"mentor": ["/dashboard/mentor/sessions/"], "learner": []}


def _signed_in(browser, server_url, user, width):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=server_url, viewport={"width": width, "height": 900}, bypass_csp=True, reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": server_url}])
    return context


@pytest.mark.parametrize("width", [360, 1440])
def test_every_dashboard_section_passes_axe(browser, server_url, width, mentor, learner, other_learner):
    mentor_approve(mentor=mentor)
    done = session_make(mentor=mentor, title="Graphs for interviews", topics=["BFS", "DFS"])
    booking_accept(booking=book_and_pay(done, learner), mentor=mentor)
    session_complete(session=done)
    book_and_pay(session_make(mentor=mentor, title="Dynamic programming", hours_from_now=50), other_learner)
    booking_accept(
        booking=book_and_pay(session_make(mentor=mentor, title="Tries", hours_from_now=80), learner), mentor=mentor
    )
    found = []
    for role, user, sections in (("mentor", mentor, MENTOR_SECTIONS), ("learner", learner, LEARNER_SECTIONS)):
        context = _signed_in(browser, server_url, user, width)
        try:
            tab = context.new_page()
            for url in [section.url for section in sections] + EXTRA[role]:
                response = tab.goto(url)
                assert response.status == 200, url
                tab.wait_for_load_state("networkidle")
                found += violations(tab, f"{role} {url} at {width}px")
        finally:
            context.close()
    assert not found, "\n".join(found)
