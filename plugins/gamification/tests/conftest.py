"""The browser fixtures of tests/browser (a served site, Chromium with a fake camera, screenshots)
for the plugin's own browser tests."""

import pytest

from tests.browser.plugin_fixtures import *  # noqa: F403


@pytest.fixture
def starter_rules(transactional_db):
    """The starter rules, which the migration made and ``transactional_db`` empties after each test."""
    from plugins.gamification.models import BadgeRule
    from plugins.gamification.starter import rules_create

    rules_create(BadgeRule)
