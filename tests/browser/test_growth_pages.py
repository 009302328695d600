"""The pages of growth and trust in Chromium at 360 and 1440 px: a mentor's public page and a
session's page (Follow, rating, completion, structured data), the Settings tab's calendar
address, the page a session leaves behind, and the mentor's followers in analytics. Following
works in place, without a reload; axe finds nothing serious on any of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.mentoring.tests.factories import approved_mentor, session_booked, session_make
from core.room.attendance import session_complete
from core.room.chat import chat_send
from core.room.feedback import feedback_submit
from core.room.presence import presence_join
from core.room.topics import topic_set
from core.users.models import MentorProfile
from tests.browser.plugin_fixtures import signed_in
from tests.browser.test_a11y import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(learner):
    guru = approved_mentor("guru@example.com", "Meera Iyer")
    MentorProfile.objects.filter(user=guru).update(
        bio="Backend engineer for eight years; I teach Django the way teams use it.", skills=["Django", "Python"]
    )
    done, booking = session_booked(
        mentor=guru, learner=learner, starts_in=timedelta(minutes=-5), topics=["Forms", "Validation", "Formsets"]
    )
    presence_join(session=done, user=guru)
    presence_join(session=done, user=learner)
    chat_send(session=done, sender=learner, text="How do formsets validate?")
    topic_set(session=done, index=0, is_done=True, by=guru)
    session_complete(session=done)
    feedback_submit(booking=booking, learner=learner, rating=5, comment="Clear and patient.")
    upcoming = session_make(mentor=guru, title="Django ORM, fast", hours_from_now=30, topics=["ORM", "Queries"])
    return {"guru": guru, "done": done, "upcoming": upcoming}


@pytest.mark.parametrize("width", [360, 1440])
def test_the_growth_pages_fit_pass_axe_and_follow_in_place(browser, server_url, snap, width, learner, world):
    guru, done, upcoming = world["guru"], world["done"], world["upcoming"]
    context = signed_in(browser, server_url, learner, width)
    tab = context.new_page()
    problems = []
    try:
        tab.goto(f"/mentors/{guru.pk}-meera-iyer/")
        follow = tab.get_by_role("button", name="Follow")
        expect(tab.get_by_text("0 followers")).to_be_visible()
        problems += violations(tab, f"mentor page at {width}")
        follow.click()
        expect(tab.get_by_role("button", name="Following")).to_be_visible()
        expect(tab.get_by_text("1 follower", exact=True)).to_be_visible()
        assert tab.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload
        if width == 1440:
            snap(tab, "growth-mentor-page")

        tab.goto(f"/sessions/{upcoming.pk}/")
        expect(tab.get_by_test_id("mentor-completion")).to_contain_text("Held 100 % of their sessions (1 of 1)")
        expect(tab.get_by_role("button", name="Following")).to_be_visible()
        problems += violations(tab, f"session page at {width}")
        if width == 1440:
            snap(tab, "growth-session-page")

        tab.goto("/profile/settings/")
        expect(tab.get_by_test_id("calendar-url")).to_have_value(
            f"{server_url}/calendar/{learner.calendar_feed.token}.ics"
        )
        problems += violations(tab, f"settings at {width}")
        if width == 1440:
            snap(tab, "growth-settings-calendar")

        tab.goto(f"/session/{done.room_id}/")
        expect(tab.get_by_test_id("topics-covered")).to_be_visible()
        expect(tab.get_by_test_id("chat-transcript")).to_be_visible()
        problems += violations(tab, f"after the session at {width}")
        if width == 1440:
            snap(tab, "growth-after-session")
    finally:
        context.close()

    mentor_context = signed_in(browser, server_url, guru, width)
    tab = mentor_context.new_page()
    try:
        tab.goto("/dashboard/mentor/analytics/")
        expect(tab.get_by_test_id("followers-now")).to_contain_text("1")
        problems += violations(tab, f"analytics at {width}")
        if width == 1440:
            snap(tab, "growth-analytics")
    finally:
        mentor_context.close()
    assert not problems, "\n".join(problems)
