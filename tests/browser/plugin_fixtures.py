"""The browser fixtures of tests/browser (a served site, Chromium with or without a fake camera,
screenshots) for a plugin's own browser tests. A plugin's ``tests/conftest.py`` imports them:

    from tests.browser.plugin_fixtures import *  # noqa: F403

Unlike tests/browser's own, ``allow_orm_beside_playwright`` is not autouse here: only the tests
that ask for a browser set it, not every test of the plugin.
"""

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.conftest import browser, media_browser, page, server_url, site_pages, snap

__all__ = ["allow_orm_beside_playwright", "browser", "media_browser", "page", "server_url", "site_pages", "snap"]


def signed_in(browser, server_url: str, user, width: int, **options):
    """A browser context at ``width`` px signed in as ``user`` (no password typed: a session
    cookie from Django's test client); CSP bypassed so that axe can be injected inline."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=server_url, viewport={"width": width, "height": 900}, bypass_csp=True, **options
    )
    context.set_default_timeout(10_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": server_url}])
    return context


@pytest.fixture
def allow_orm_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in the test's thread, where Django refuses ORM
    calls unless this is set (see tests/browser/conftest.py)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
