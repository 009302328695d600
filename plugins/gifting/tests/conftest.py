"""The browser fixtures of tests/browser (a served site, Chromium with a fake camera, screenshots)
for the plugin's own browser test."""

from tests.browser.plugin_fixtures import *  # noqa: F403
