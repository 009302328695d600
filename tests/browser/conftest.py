"""Browser tests: Debian Chromium, driven by Playwright, against PeerLearn served by uvicorn.

uvicorn runs in this process, in a daemon thread, so the test and the server share the test
database (SQLite's shared-cache in-memory database, or PostgreSQL) and ``mail.outbox``.
``transactional_db`` commits each write, so the server's threads see what the test created.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = (360, 1440)
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") not in ("", "0", "false")


@pytest.fixture(autouse=True)
def allow_orm_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in the test's thread, and Django refuses ORM
    calls (factories, services, the database flush) from it unless this is set.

    Set for each browser test only, never at import or for the session: pytest-django runs
    tests without a database last, and ``manage.py check --deploy``, which a unit test runs
    in a subprocess, would inherit the variable and fail (async.E001).
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def site_pages(transactional_db) -> None:
    """The Wagtail trees (pages, collections) and default pages, which ``transactional_db`` empties after every test."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    from cms.services import landing_pages_ensure

    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    landing_pages_ensure()


@pytest.fixture
def server_url(transactional_db, site_pages) -> str:
    """Base URL of PeerLearn's ASGI app served by uvicorn for this test."""
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from core.asgi import application

    # Outside DEBUG, WhiteNoise serves only collected files; the static files handler
    # serves them from the finders, as Django's own live-server tests do.
    config = uvicorn.Config(
        app=ASGIStaticFilesHandler(application),
        host="127.0.0.1",
        port=_free_port(),
        lifespan="off",
        log_level="warning",
        # A closed socket's consumer can outlive its connection on Redis: its cancelled
        # channel-layer receive stays in channels_redis's BZPOPMIN loop until the next message
        # reaches this process. Uvicorn cancels what is left after this many seconds.
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    thread.join(timeout=15)
    assert not thread.is_alive(), "uvicorn did not stop"


@pytest.fixture
def browser(allow_orm_beside_playwright, django_db_setup):
    """Chromium for one test. Started per test, so no Playwright event loop outlives it."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message} (REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


FAKE_MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture
def media_browser(allow_orm_beside_playwright, django_db_setup):
    """Chromium with a fake camera and microphone (a moving test card and a beep) and media
    prompts answered yes, for the live room. Contexts still need
    ``permissions=["camera", "microphone"]``."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message} (REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + FAKE_MEDIA_ARGS)
    yield browser
    browser.close()
    playwright.stop()


# Waits, in the page, until nothing on it is still changing: web fonts loaded, images decoded and
# every finite CSS animation or transition (a fade-in, a sliding panel, a toast) finished. Endless
# ones (a live dot's ping, a skeleton's shimmer) never finish and are left running; new ones that
# finishing ones start are waited for too (three rounds, ten seconds at most). Two frames at the
# end let the last styles paint.
SETTLE_SCRIPT = """async (timeout) => {
  const end = Date.now() + timeout;
  const deadline = new Promise((done) => setTimeout(done, timeout));
  await Promise.race([document.fonts.ready, deadline]);
  const images = Array.from(document.images).filter((img) => !img.complete && img.loading !== "lazy");
  await Promise.race([Promise.all(images.map((img) => img.decode().catch(() => null))), deadline]);
  const moving = () => document.getAnimations().filter((animation) =>
    animation.playState === "running" && animation.effect &&
    animation.effect.getComputedTiming().endTime !== Infinity);
  // Three rounds: a fade that starts another is waited for; a transition that live state keeps
  // restarting (the "speaking" glow of a video tile in a call) is not waited for forever.
  for (let round = 0; round < 3 && moving().length && Date.now() < end; round += 1) {
    await Promise.race([Promise.all(moving().map((animation) => animation.finished.catch(() => null))), deadline]);
  }
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""


def settle(tab) -> None:
    """Wait for the page to settle (network idle, fonts, images, animations) before measuring it.

    Every axe run and every screenshot calls this: axe measures colours as painted, and a link
    that is half-way through a fade-in has half its contrast. Never a fixed sleep.
    """
    tab.wait_for_load_state("networkidle")
    tab.evaluate(SETTLE_SCRIPT, 10_000)


class BrowserProblems(list):
    """Console errors, CSP violations, uncaught exceptions and failed sub-resources."""


@pytest.fixture
def page(browser, server_url):
    """A fresh browser tab at 1440 px; the test fails if the page logs any error."""
    context = browser.new_context(base_url=server_url, viewport={"width": 1440, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems = BrowserProblems()

    def on_console(message):
        # A document answered 403/404/429 is logged as "Failed to load resource"; those are
        # what some tests expect. Failed sub-resources are caught by on_response instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.request.resource_type} {response.url}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    tab.on("response", on_response)

    def on_request_failed(request):
        # A load cut short because the test moved to the next page is not a problem of the page.
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"request failed: {request.url} {request.failure}")

    tab.on("requestfailed", on_request_failed)
    tab.problems = problems
    yield tab
    context.close()
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def snap():
    """``snap(page, "name")``: full-page screenshots at 360 and 1440 px into test-artifacts/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(tab, name: str) -> None:
        original = tab.viewport_size
        tab.evaluate("window.scrollTo(0, 0)")
        for width in WIDTHS:
            tab.set_viewport_size({"width": width, "height": 800 if width < 768 else 900})
            settle(tab)
            tab.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True, animations="disabled")
        tab.set_viewport_size(original)

    return take


CODE_RE = re.compile(r"^\s*([A-Z0-9]{4,}(?:-[A-Z0-9]{4,})?)\s*$", re.MULTILINE)


@pytest.fixture
def emailed_code():
    """``emailed_code(to)``: the one-time code in the latest email sent to ``to``."""
    from django.core import mail

    def find(to: str) -> str:
        for message in reversed(mail.outbox):
            if to in message.to:
                match = CODE_RE.search(message.body)
                assert match, f"no code in the email to {to}:\n{message.body}"
                return match.group(1)
        raise AssertionError(f"no email to {to}; sent: {[m.to for m in mail.outbox]}")

    return find


@pytest.fixture
def tip_jar():
    """The throwaway tip-jar plugin of core/payments/tests/tipjar.py, registered for one test:
    it declares a payment purpose, so core's checkout page for purpose payments has one to show."""
    from core import pluginmanager
    from core.payments.tests import tipjar

    tipjar.HEARD.clear()
    pluginmanager.pm.register(tipjar, name="tipjar")
    yield tipjar
    pluginmanager.pm.unregister(tipjar)
    tipjar.HEARD.clear()
