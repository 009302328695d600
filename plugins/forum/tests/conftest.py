"""The browser fixtures of tests/browser for the forum's own browser test."""

from tests.browser.plugin_fixtures import *  # noqa: F403
