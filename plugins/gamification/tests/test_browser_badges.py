"""Badges where people look, in Chromium at 360 and 1440 px with axe: the learner's Progress
page and profile, the mentor's box on a session page and their card on the landing page; and
"You earned First session" arriving live, with sparkles that keep still under reduced motion."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.mentoring.tests.factories import session_make
from plugins.gamification.tests.factories import attended
from tests.browser.plugin_fixtures import signed_in
from tests.browser.test_a11y import violations
from tests.browser.test_landing import in_thread

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 1440])
def test_badges_streaks_and_progress_show_where_people_look(
    starter_rules, browser, server_url, snap, learner, mentor, width
):
    for week in range(7):
        in_thread(attended, mentor=mentor, learner=learner, days_ago=7 * (6 - week) + 1, topics=("Python", "SQL"))
    upcoming = in_thread(session_make, mentor=mentor, title="Python, the next step", hours_from_now=48)
    found: list[str] = []

    context = signed_in(browser, server_url, learner, width)
    tab = context.new_page()
    try:
        tab.goto("/dashboard/learner/progress/")
        section = tab.get_by_test_id("gamification")
        expect(section.get_by_test_id("badges-earned")).to_contain_text("First session")
        expect(section.get_by_test_id("badges-earned")).to_contain_text("5 sessions")
        expect(section.get_by_test_id("badges-next")).to_contain_text("7 of 10 Python sessions")
        expect(section.get_by_test_id("best-streak")).to_have_text("7 weeks")
        expect(section.get_by_test_id("point-rules")).to_contain_text("for each session that counts")
        found += violations(tab, f"progress at {width}px")
        if width == 1440:
            snap(tab, "gamification-progress")
        tab.goto("/profile/")
        expect(tab.get_by_test_id("plugin-badges")).to_contain_text("First session")
        expect(tab.get_by_test_id("gamification").get_by_test_id("points")).to_have_text(
            "100"
        )  # 7 sessions × 10, 6 streak weeks × 5
        found += violations(tab, f"profile at {width}px")
        tab.goto("/dashboard/learner/")
        expect(tab.get_by_test_id("gamification-panel")).to_contain_text("7 weeks in a row")
        found += violations(tab, f"learner home at {width}px")
        if width == 1440:
            snap(tab, "gamification-learner-home")
    finally:
        context.close()

    visitor = browser.new_context(base_url=server_url, viewport={"width": width, "height": 900}, bypass_csp=True)
    tab = visitor.new_page()
    try:
        tab.goto(f"/sessions/{upcoming.pk}/")
        expect(tab.get_by_test_id("mentor-about").get_by_test_id("plugin-badges")).to_contain_text("First session")
        found += violations(tab, f"session page at {width}px")
        tab.goto("/")
        card = tab.locator(f"#mentor-{mentor.pk}")
        expect(card.get_by_test_id("plugin-badges")).to_contain_text("5 sessions")
        found += violations(tab, f"landing at {width}px")
        if width == 1440:
            card.scroll_into_view_if_needed()
            snap(tab, "gamification-landing")
    finally:
        visitor.close()
    assert not found, "\n".join(found)


def test_a_badge_arrives_live_with_sparkles_that_keep_still_for_reduced_motion(
    starter_rules, browser, server_url, learner, mentor
):
    session, _booking = in_thread(attended, mentor=mentor, learner=learner, days_ago=1, complete=False)
    for motion in ("no-preference", "reduce"):
        context = signed_in(browser, server_url, learner, 1440, reduced_motion=motion)
        tab = context.new_page()
        try:
            tab.goto("/dashboard/learner/")
            expect(tab.locator("[data-notifications]")).to_have_attribute("data-notifications-state", "open")
            if motion == "no-preference":
                from core.mentoring.services import session_complete

                in_thread(session_complete, session=session)
            else:  # once more, for the mentor's second badge at once: a topic Pro at one session
                from plugins.gamification.models import BadgeRule

                BadgeRule.objects.filter(key="topic-pro").update(threshold=1)
                in_thread(_sync, user=learner)
            toast = tab.locator(".toast--celebrate").first
            expect(toast).to_be_visible()
            expect(toast).to_contain_text("You earned")
            expect(toast.locator(".toast__sparkles i")).to_have_count(8)
            if motion == "reduce":
                assert (
                    tab.evaluate(
                        "document.getAnimations().filter(a => a.effect && a.effect.target &&"
                        " a.effect.target.closest('.toast__sparkles')).length"
                    )
                    == 0
                )
                expect(toast).to_contain_text("You earned Python Pro")
            else:
                expect(toast).to_contain_text("You earned First session")
        finally:
            context.close()


def _sync(*, user):
    from plugins.gamification import services

    return services.standing_sync(user=user)
