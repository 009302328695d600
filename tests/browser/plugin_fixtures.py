"""The browser fixtures of tests/browser (a served site, Chromium with or without a fake camera,
screenshots) for a plugin's own browser tests. A plugin's ``tests/conftest.py`` imports them:

    from tests.browser.plugin_fixtures import *  # noqa: F403

Unlike tests/browser's own, ``allow_orm_beside_playwright`` is not autouse here: only the tests
that ask for a browser set it, not every test of the plugin.
"""

import pytest

from tests.browser.conftest import browser, media_browser, page, server_url, site_pages, snap

__all__ = ["allow_orm_beside_playwright", "browser", "media_browser", "page", "server_url", "site_pages", "snap"]


@pytest.fixture
def allow_orm_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in the test's thread, where Django refuses ORM
    calls unless this is set (see tests/browser/conftest.py)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
