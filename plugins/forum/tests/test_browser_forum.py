"""Asking, answering, accepting and moderating in Chromium, with axe at 360 and 1440 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from core.users.tests.factories import user_make
from plugins.forum import services
from tests.browser.plugin_fixtures import signed_in
from tests.browser.test_a11y import violations

pytestmark = pytest.mark.browser


def _people():
    services.boards_seed()
    asker = user_make(email="asha@example.com", name="Asha Learner", role="learner")
    mentor = user_make(email="ravi@example.com", name="Ravi Mentor", role="mentor")
    moderator = user_make(email="mona@example.com", name="Mona Moderator", role="learner")
    moderator.groups.add(Group.objects.get_or_create(name=services.MODERATORS)[0])
    old = timezone.now() - timedelta(days=30)
    type(asker).objects.filter(pk__in=[asker.pk, mentor.pk, moderator.pk]).update(date_joined=old)
    for person in (asker, mentor, moderator):
        person.refresh_from_db()
    return asker, mentor, moderator


@pytest.mark.parametrize("width", [360, 1440])
def test_ask_answer_accept_and_moderate(browser, server_url, snap, transactional_db, width):
    asker, mentor, moderator = _people()
    found: list[str] = []

    context = signed_in(browser, server_url, asker, width)
    tab = context.new_page()
    try:
        tab.goto("/p/forum/")
        expect(tab.get_by_role("heading", name="Forum", level=1)).to_be_visible()
        found += violations(tab, f"boards at {width}px")
        tab.get_by_role("link", name="Programming", exact=True).click()
        found += violations(tab, f"empty board at {width}px")
        tab.get_by_role("link", name="Start a thread").first.click()
        tab.get_by_label("Title").fill("How do I read a Django traceback?")
        tab.get_by_label("Your post").fill(
            "I get a **KeyError** and the trace is long.\n\n```python\nrequest.GET['q']\n```"
        )
        tab.get_by_role("button", name="Preview").click()
        expect(tab.get_by_label("Preview").locator("strong")).to_have_text("KeyError")
        found += violations(tab, f"new thread with preview at {width}px")
        tab.get_by_role("button", name="Post thread").click()
        expect(tab.get_by_role("heading", name="How do I read a Django traceback?", level=1)).to_be_visible()
        thread_url = tab.url
    finally:
        context.close()

    context = signed_in(browser, server_url, mentor, width)
    tab = context.new_page()
    try:
        tab.goto(thread_url)
        tab.get_by_label("Your reply").fill(
            "Read it from the bottom: the last frame is yours. Use `request.GET.get('q')`."
        )
        tab.get_by_role("button", name="Post reply").click()
        reply = tab.locator(".forum-post").nth(1)
        expect(reply).to_contain_text("Mentor")
        expect(reply.locator("code")).to_have_text("request.GET.get('q')")
    finally:
        context.close()

    context = signed_in(browser, server_url, asker, width)
    tab = context.new_page()
    try:
        tab.goto(thread_url)
        tab.get_by_role("button", name="Mark as answer").click()
        expect(tab.locator(".forum-post.is-answer")).to_contain_text("Read it from the bottom")
        expect(tab.locator(".forum__head")).to_contain_text("Answered")
        found += violations(tab, f"answered thread at {width}px")
        snap(tab, "forum-thread")
    finally:
        context.close()

    context = signed_in(browser, server_url, moderator, width)
    tab = context.new_page()
    try:
        tab.goto(thread_url)
        moderation = tab.get_by_role("region", name="Moderate this thread")
        moderation.get_by_label("Reason (goes in the moderation log)").fill("A good first question")
        moderation.get_by_role("button", name="Pin").click()
        expect(tab.locator(".forum__head")).to_contain_text("Pinned")
        found += violations(tab, f"thread as a moderator at {width}px")
        tab.goto("/p/forum/programming/")
        expect(tab.locator(".forum-thread").first).to_contain_text("Pinned")
        found += violations(tab, f"board at {width}px")
        snap(tab, "forum-board")
        tab.goto("/p/forum/")
        snap(tab, "forum-boards")
        tab.get_by_label("Search the forum").fill("traceback")
        tab.get_by_role("button", name="Search").click()
        expect(tab.locator(".forum [role=status]")).to_have_text("1 thread for “traceback”")
        found += violations(tab, f"search at {width}px")
        snap(tab, "forum-search")
        tab.goto(thread_url)
        tab.locator(".forum-post").nth(1).get_by_role("link", name="Flag").click()
        tab.get_by_label("Off topic").check()
        found += violations(tab, f"flag form at {width}px")
        snap(tab, "forum-flag")
        tab.get_by_role("button", name="Flag").click()
        expect(tab.get_by_text("Thanks: a moderator will look at it.")).to_be_visible()
    finally:
        context.close()
    assert not found, "\n".join(found)
