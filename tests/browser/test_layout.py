"""Every page of every role, at 360, 768 and 1440 px: nothing sticks out of its box or the screen.

The pages come from the URL resolver, not from a list kept by hand: every route we serve is
reversed with real data (a session, a booking and its payment, a room, a withdrawal), fetched
as each persona (anonymous, learner, mentor, staff), and every one answering an HTML page is
opened in Chromium and measured at each width. A route that needs an argument this test
cannot fill must be named in ``NOT_PAGES`` with the reason, so a new page is never missed.

Measured after the page settles, with reduced motion (which must leave nothing animating):

- the page scrolls sideways, or a visible element reaches past the viewport;
- an element that clips (``overflow: hidden``) cuts its content off, or content spills out of
  a box that does not clip;
- text shortened with an ellipsis ("Rec…") in a table, a button or a link;
- a control that a sideways-scrolling bar hides (only rows of cards may scroll sideways);
- a card that touches the edge of the screen (full-bleed);
- a toast that covers a button, a link, the bottom nav or the room's controls.

Screenshots of every page at 360 and 1440 px go to test-artifacts/layout/ (gitignored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.text import slugify
from playwright.sync_api import expect

from core.bookings.services import booking_accept
from core.bookings.tests.factories import book_and_pay
from core.mentoring.models import MentoringSession
from core.mentoring.tests.factories import session_make
from core.payments.models import Payment
from core.room.attendance import session_complete
from core.users.services import mentor_approve
from tests.browser.waits import join_ready

from .conftest import SCREENSHOTS, settle

pytestmark = pytest.mark.browser

WIDTHS = (360, 768, 1440)
SHOTS = SCREENSHOTS.parent / "layout"

# Routes that are not pages of ours, or need what no persona has (a one-time key).
NOT_PAGES = {
    "admin": "Django's admin, styled by Django",
    "wagtailadmin": "Wagtail's editor, styled by Wagtail",
    "api": "the JSON API; its docs page is Swagger UI's own layout (core/api/tests/test_schema.py)",
    "wagtaildocs": "document downloads",
    "wagtail_serve": "CMS pages: the landing is visited as /",
    "account_confirm_email": "needs an emailed key",
    "account_reset_password_from_key": "needs an emailed key",
    "testmode:order-checkout": "the test-mode checkout, reached from a booking",
    "mentoring:recording-download": "a recording's file",
    "mentoring:recording-chunk": "the recorder's upload endpoint",
    "mentoring:recording-finish": "the recorder's upload endpoint",
    "bookings:booking-report": "a POST target: its form is on the booking page, which is visited",
    "bookings:booking-went-as-booked": "a POST target: its question is on the booking page, which is visited",
    "gifting:sent": "where a paid gift returns; its layout is checked by the gifting plugin's browser test",
    "recommendations:dismiss": "a POST target: “Not interested” on the learner's home, which is visited",
    "forum:thread-reply": "a POST target: the reply form is on the thread's page, which is visited",
    "forum:thread-follow": "a POST target: Follow is on the thread's page, which is visited",
    "forum:board-follow": "a POST target: Follow is on the board's page, which is visited",
    "forum:thread-moderate": "a POST target: the moderators' controls are on the thread's page",
    "forum:post-moderate": "a POST target: the moderators' controls are on the thread's page",
    "forum:post-answer": "a POST target: “Mark as answer” is on the thread's page, which is visited",
    "mentoring:mentor-follow": "a POST target: Follow is on the mentor's and the session's pages, which are visited",
    "mentoring:chat-transcript": "a text file, downloaded from the page after a session",
    "calendar-feed": "a calendar file for calendar apps",
    "users:calendar-reset": "a POST target: its button is on the Settings tab, which is visited",
    "users:welcome-tour-done": "a POST target of the welcome tour's script",
    "cms:robots": "robots.txt, plain text for crawlers",
    "cms:sitemap": "the sitemap, XML for crawlers",
}
NOT_PAGE_PREFIXES = ("/admin/", "/cms/", "/documents/", "/_util/")

# In the page: what sticks out, is cut off or truncated. ``data-live-row`` marks a row of
# cards that scrolls sideways on purpose (the landing's rows); any other sideways scroller
# must not hide a control, and on a wide screen (``wide``) must not hide anything: a table
# may scroll sideways on a phone, never at 1440 px.
MEASURE = """(wide) => {
  const viewport = document.documentElement.clientWidth;
  const found = [];
  const name = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += "#" + el.id;
    const classes = (el.getAttribute("class") || "").trim().split(/\\s+/).filter(Boolean).slice(0, 2);
    if (classes.length) text += "." + classes.join(".");
    const words = (el.innerText || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ");
    return words ? `${text} “${words.slice(0, 40)}”` : text;
  };
  // Decoration, and what is hidden for screen readers only (clipped to nothing, like a table's
  // header row when the rows become cards on a phone).
  const clipped = (el) => {
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.clip !== "auto" || style.clipPath !== "none") return true;
    }
    return false;
  };
  const decorative = (el) => el.closest("[aria-hidden=true], svg, canvas, video, .visually-hidden") || clipped(el);
  const scrollsSideways = (el) => {
    const overflow = getComputedStyle(el).overflowX;
    return (overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1;
  };
  const scrollerOf = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrollsSideways(up)) return up;
    }
    return null;
  };
  if (document.documentElement.scrollWidth > viewport + 1) {
    found.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px wide)`);
  }
  const frameOf = (el) => {
    let up = el.parentElement;
    while (up && up !== document.body && ["inline", "contents"].includes(getComputedStyle(up).display)) {
      up = up.parentElement;
    }
    return up === document.body ? null : up;
  };
  for (const el of document.body.querySelectorAll("*")) {
    if (!el.checkVisibility({visibilityProperty: true}) || decorative(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    const style = getComputedStyle(el);
    const scroller = scrollerOf(el);
    const control = el.matches("a[href], button, input, select, textarea, [role=switch], summary");
    if (scroller) {
      const frame = scroller.getBoundingClientRect();
      const outside = box.right > frame.right + 1 || box.left < frame.left - 1;
      if ((control || wide) && outside && !scroller.closest("[data-live-row]")) {
        found.push(`${name(el)} is hidden in a sideways scroller ${name(scroller).slice(0, 40)}`);
      }
      continue;
    }
    if (box.right > viewport + 1 || box.left < -1) {
      found.push(`${name(el)} reaches past the screen (${Math.round(box.left)}–${Math.round(box.right)} px)`);
      continue;
    }
    if (el.matches(".card") && (box.left < 8 || box.right > viewport - 8)) {
      found.push(`${name(el)} touches the edge of the screen (a card needs a margin)`);
    }
    const truncated = style.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth + 1;
    if (truncated && el.closest("th, td, button, a, label, .btn, .badge")) {
      found.push(`${name(el)} is cut short with “…”`);
    }
    if (style.position === "absolute" || style.position === "fixed" || style.display === "inline") continue;
    const parent = frameOf(el);
    if (!parent) continue;
    const frame = parent.getBoundingClientRect();
    const parentStyle = getComputedStyle(parent);
    const right = frame.right - parseFloat(parentStyle.borderRightWidth);
    const left = frame.left + parseFloat(parentStyle.borderLeftWidth);
    if (box.right > right + 1 || box.left < left - 1) {
      const clips = ["hidden", "clip"].includes(parentStyle.overflowX);
      const by = `${Math.round(Math.max(box.right - right, left - box.left))} px`;
      found.push(`${name(el)} ${clips ? "is cut off by" : "sticks out of"} ${name(parent).slice(0, 50)} (${by})`);
    }
  }
  return found;
}"""

# Which of the page's main controls a toast covers: primary and submit buttons, the room's
# controls, and anything in a bar that stays on screen (the bottom nav, a sticky Save bar).
# The site header is where toasts go on phones, so its links may be covered for a while.
TOAST_COVERS = """async () => {
  window.PeerLearn.toast("Saved: Graphs for interviews on Thursday", "success");
  const toast = document.querySelector("[data-toasts] .toast:last-child");
  await Promise.all(toast.getAnimations().map((a) => a.finished));
  const area = toast.getBoundingClientRect();
  const covered = [];
  const main = ".btn--primary, .btn--danger, [type=submit], .ctrl, [role=switch], .preview button";
  const stays = (el) => {
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      if (up.matches(".site-header, [data-toasts], dialog")) return false;
      if (["sticky", "fixed"].includes(getComputedStyle(up).position)) return true;
    }
    return false;
  };
  const controls = "a[href], button, input, select, textarea, summary";
  for (const el of document.querySelectorAll(controls)) {
    if (el.closest("[data-toasts], .site-header") || !el.checkVisibility({visibilityProperty: true})) continue;
    if (!el.matches(main) && !stays(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    if (box.left < area.right && box.right > area.left && box.top < area.bottom && box.bottom > area.top) {
      const text = (el.innerText || el.getAttribute("aria-label") || el.className || "").trim().replace(/\\s+/g, " ");
      covered.push(`${el.tagName.toLowerCase()} “${text.slice(0, 40)}”`);
    }
  }
  toast.remove();
  return covered;
}"""


def _routes(resolver=None, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, list[str]]]:
    """(name with namespace, route, its arguments) for every named route."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _routes(entry, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            route = prefix + str(entry.pattern)
            regex = entry.pattern.regex
            arguments = sorted(regex.groupindex) + ["(positional)"] * (regex.groups - len(regex.groupindex))
            yield name, route, arguments


@pytest.fixture
def world(transactional_db, learner, mentor, other_learner, tip_jar) -> dict:
    """Real data for every argument a route can take, made through the services (before the
    browser starts: its event loop would keep the services' pushes from running)."""
    mentor_approve(mentor=mentor)
    done = session_make(mentor=mentor, title="Graphs for interviews", topics=["BFS", "DFS"])
    done_booking = book_and_pay(done, learner)
    booking_accept(booking=done_booking, mentor=mentor)
    session_complete(session=done)
    requested = book_and_pay(session_make(mentor=mentor, title="Dynamic programming", hours_from_now=50), other_learner)
    upcoming = session_make(mentor=mentor, title="Tries and suffix arrays, with practice", hours_from_now=80)
    booking = book_and_pay(upcoming, learner)
    booking_accept(booking=booking, mentor=mentor)
    live = session_make(mentor=mentor, title="Intro to Django", hours_from_now=3, topics=["Models", "Views"])
    booking_accept(booking=book_and_pay(live, learner), mentor=mentor)
    now = timezone.now()
    MentoringSession.objects.filter(pk=live.pk).update(
        starts_at=now - timedelta(seconds=30), ends_at=now + timedelta(minutes=59)
    )
    live.refresh_from_db()
    payment = Payment.objects.filter(booking=booking).latest("pk")
    tip = tip_jar.tip_start(learner=learner, mentor=mentor, rupees=100)  # core's checkout for a plugin's purpose
    forum = _forum_world(learner, mentor)
    return {
        "pk": {
            **forum.get("pk", {}),
            "core:learner-receipt": payment.pk,
            "core:learner-booking-cancel": booking.pk,
            "core:mentor-session-edit": upcoming.pk,
            "core:mentor-session-cancel": upcoming.pk,
            "bookings:booking-detail": booking.pk,
            "bookings:booking-pay": requested.pk,
            "bookings:checkout-return": booking.pk,
            "bookings:booking-accept": requested.pk,
            "bookings:booking-reject": requested.pk,
            "mentoring:session-detail": upcoming.pk,
            "mentoring:mentor-page": mentor.pk,
            "mentoring:mentor-page-short": mentor.pk,  # redirects to the page above: skipped as a page
        },
        "slug": {"mentoring:mentor-page": slugify(mentor.name), **forum.get("slug", {})},
        "session_pk": upcoming.pk,
        "booking_id": done_booking.pk,  # a plugin's page about a booking (a gift after the session)
        "locked_email": other_learner.email,
        "order_id": Payment.objects.get(pk=tip.id).razorpay_order_id,
        "room_id": live.room_id,
    }


def _forum_world(learner, mentor) -> dict:
    """With the forum plugin on, a thread of the learner's with a mentor's reply, made through
    the forum's own forms (the plugin is not imported here: this suite also runs without it)."""
    try:
        new = reverse("forum:thread-new", kwargs={"slug": "programming"})
    except NoReverseMatch:
        return {}
    asker, helper = Client(), Client()
    asker.force_login(learner)
    helper.force_login(mentor)
    body = "I get **KeyError** somewhere in the middle of a long traceback:\n\n```python\nraise KeyError('slug')\n```"
    response = asker.post(new, {"title": "How do I read a long Django traceback?", "body": body})
    assert response.status_code == 302, response.content.decode()[:500]
    pk, slug = re.match(r".*/t/(\d+)-([\w-]+)/$", response["Location"]).groups()
    helper.post(reverse("forum:thread-reply", kwargs={"pk": pk}), {"body": "Read it from the bottom up, @Asha."})
    posts = re.findall(r'id="post-(\d+)"', asker.get(response["Location"]).content.decode())
    return {
        "pk": {"forum:thread": pk, "forum:thread-short": pk, "forum:post-edit": posts[0], "forum:post-flag": posts[-1]},
        "slug": {"forum:thread": slug, "forum:board": "programming", "forum:thread-new": "programming"},
    }


def _pages(world: dict) -> tuple[list[str], list[str]]:
    """Every route reversed with the world's data; routes whose arguments it cannot fill."""
    urls, unfilled = [], []
    for name, route, arguments in _routes():
        if name.split(":")[0] in NOT_PAGES or name in NOT_PAGES or ("/" + route).startswith(NOT_PAGE_PREFIXES):
            continue
        kwargs = {}
        for argument in arguments:
            value = world.get(argument)
            if isinstance(value, dict):
                value = value.get(name)
            if value is None:
                break
            kwargs[argument] = value
        else:
            url = reverse(name, kwargs=kwargs)
            if not url.startswith(NOT_PAGE_PREFIXES) and url not in urls:
                urls.append(url)
            continue
        unfilled.append(f"{name} ({route})")
    return urls, unfilled


def _html_pages(user, urls: list[str]) -> list[str]:
    """The URLs that answer ``user`` with an HTML page of ours (no redirect, no error, no JSON)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    pages = []
    for url in urls:
        response = client.get(url)
        html = response.get("Content-Type", "").startswith("text/html") and b"<html" in response.content[:400].lower()
        if response.status_code == 200 and html:
            pages.append(url)
    return pages


def _context(browser, server_url, user):
    context = browser.new_context(
        base_url=server_url,
        viewport={"width": 1440, "height": 900},
        reduced_motion="reduce",
        permissions=["camera", "microphone"],
    )
    context.set_default_timeout(15_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": server_url}])
    return context


def _shot_name(role: str, url: str, part: str = "") -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
    return f"{role}-{slug}{'-' + part if part else ''}"


def _measure(tab, role: str, url: str, part: str = "") -> list[str]:
    """The problems of the open page at every width (and its screenshots at 360 and 1440 px)."""
    found = []
    for width in WIDTHS:
        tab.set_viewport_size({"width": width, "height": 800 if width < 768 else 900})
        tab.evaluate("window.scrollTo(0, 0)")
        settle(tab)
        where = f"{role} {url}{' (' + part + ')' if part else ''} at {width} px"
        moving = tab.evaluate("document.getAnimations().length")
        if moving:
            found.append(f"{where}: {moving} animations run despite reduced motion")
        found += [f"{where}: {problem}" for problem in tab.evaluate(MEASURE, width >= 1024)]
        if tab.evaluate("!!(window.PeerLearn && window.PeerLearn.toast)"):
            found += [f"{where}: a toast covers {control}" for control in tab.evaluate(TOAST_COVERS)]
        if width != 768:
            tab.screenshot(path=str(SHOTS / f"{_shot_name(role, url, part)}-{width}.png"), full_page=True)
    return found


ROLES = ("anonymous", "learner", "mentor", "staff")


@pytest.fixture
def pages_by_role(world, learner, mentor, staff) -> dict[str, tuple[object, list[str]]]:
    """``{role: (user, its HTML pages)}`` for each persona; fetched before the browser starts
    (the test client runs async views in an event loop of its own)."""
    urls, unfilled = _pages(world)
    assert not unfilled, "Routes this test cannot fill (give them data or a reason in NOT_PAGES):\n" + "\n".join(
        unfilled
    )
    seen: set[str] = set()
    result = {}
    for role, user in zip(ROLES, (None, learner, mentor, staff), strict=True):
        pages = _html_pages(user, urls)
        if role == "staff":  # staff see the site as anyone does, plus their own pages
            pages = [url for url in pages if url not in seen]
        seen.update(pages)
        result[role] = (user, pages)
    assert len(seen) >= 30, f"only {len(seen)} pages were found"
    return result


def _pages_without_a_route(tab, world) -> list[str]:
    """The pages a route does not name: "page not found" and the lockout after five wrong passwords."""
    response = tab.goto("/no-such-page/")
    assert response.status == 404, response.status
    found = _measure(tab, "anonymous", "/no-such-page/")
    tab.set_viewport_size({"width": 1440, "height": 900})
    for _attempt in range(5):
        tab.goto("/accounts/login/")
        tab.locator("#main").get_by_label("Email").fill(world["locked_email"])
        tab.locator("#main").get_by_label("Password").fill("not-the-password-1")
        with tab.expect_navigation():
            tab.locator("#main").get_by_role("button", name="Log in").click()
    expect(tab.get_by_role("heading", name="Account locked")).to_be_visible()
    return found + _measure(tab, "anonymous", "lockout")


@pytest.mark.parametrize("role", ROLES)
def test_no_page_overflows_at_any_width(role, world, pages_by_role, media_browser, server_url):
    """One role's pages (four tests, so that parallel workers share the walk)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    room_url = reverse("mentoring:room", kwargs={"room_id": world["room_id"]})
    found: list[str] = []
    only = os.environ.get("LAYOUT_ONLY", "")  # a regex on "role url", to look at a few pages
    user, pages = pages_by_role[role]
    assert pages, f"{role} has no pages"
    pages = [url for url in pages if re.search(only, f"{role} {url}")]
    context = _context(media_browser, server_url, user)
    tab = context.new_page()
    try:
        for url in pages:
            response = tab.goto(url)
            assert response.status == 200, f"{role} {url}: {response.status}"
            found += _measure(tab, role, url.replace(world["room_id"], "room"))
            if url == room_url:  # the call itself, with its bottom bar
                tab.set_viewport_size({"width": 1440, "height": 900})
                join_ready(tab).click()
                expect(tab.locator("[data-screen-part=call]")).to_be_visible()
                found += _measure(tab, role, "/session/room/", "call")
        if role == "anonymous" and re.search(only, "anonymous lockout 404"):
            found += _pages_without_a_route(tab, world)
    finally:
        context.close()
    assert not found, f"{len(found)} layout problems:\n" + "\n".join(found)
