"""The browser fixtures of tests/browser (a served site, Chromium with a fake camera, screenshots)
for the plugin's own browser tests."""

import pytest

from tests.browser.conftest import browser, media_browser, page, server_url, site_pages, snap  # noqa: F401


@pytest.fixture
def allow_orm_beside_playwright(monkeypatch):
    """As in tests/browser/conftest.py, but only for the browser test that asks for it (through
    ``media_browser``), not for every test of the plugin."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def starter_rules(transactional_db):
    """The starter rules, which the migration made and ``transactional_db`` empties after each test."""
    from plugins.gamification.models import BadgeRule
    from plugins.gamification.starter import rules_create

    rules_create(BadgeRule)
