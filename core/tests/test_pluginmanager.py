"""The plugin manager: registration, the signal relay, isolation of broken plugins."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import path

from core import hooks, pluginmanager
from core.hooks import NavItem, hookimpl


class Recorder:
    """A throwaway plugin that records the events it receives."""

    def __init__(self):
        self.events = []

    @hookimpl
    def on_user_registered(self, user):
        self.events.append(("user_registered", user))

    @hookimpl
    def on_booking_rejected(self, booking, reason):
        self.events.append(("booking_rejected", booking, reason))

    @hookimpl
    def nav_items(self, request):
        return [NavItem(label="Recorder", url="/recorder/")]


class Broken:
    @hookimpl
    def on_user_registered(self, user):
        raise RuntimeError("this plugin is broken")

    @hookimpl
    def nav_items(self, request):
        raise RuntimeError("this plugin is broken too")


@pytest.fixture
def recorder():
    plugin = Recorder()
    pluginmanager.pm.register(plugin, name="test-recorder")
    yield plugin
    pluginmanager.pm.unregister(plugin)


@pytest.fixture
def broken():
    plugin = Broken()
    pluginmanager.pm.register(plugin, name="test-broken")
    yield plugin
    pluginmanager.pm.unregister(plugin)


def test_enabled_plugins_follow_the_setting():
    assert sorted(pluginmanager.enabled_plugins()) == sorted(settings.PEERLEARN_PLUGINS)
    assert [config.label for config in pluginmanager.plugin_apps()] == settings.PEERLEARN_PLUGINS


@pytest.mark.parametrize("config", pluginmanager.plugin_apps(), ids=lambda c: c.label)
def test_every_plugin_declares_its_metadata(config):
    meta = config.PluginMeta
    for attribute in ("name", "author", "version", "description", "category"):
        assert getattr(meta, attribute, "").strip(), f"{config.label}.PluginMeta.{attribute} is empty"
    assert config.name == f"plugins.{config.label}"


# The enabled plugins get the fake user too, and fail on it (logged, skipped).
@pytest.mark.expect_error_log("core.pluginmanager")
def test_a_signal_reaches_a_registered_plugin(recorder):
    hooks.user_registered.send_robust(sender=None, user="someone")
    hooks.booking_rejected.send_robust(sender=None, booking="b1", reason="Slot taken, try another")
    assert recorder.events == [("user_registered", "someone"), ("booking_rejected", "b1", "Slot taken, try another")]


# The enabled plugins get the fake user too, and fail on it (logged, skipped).
@pytest.mark.expect_error_log("core.pluginmanager")
def test_a_signal_skips_an_unregistered_plugin():
    plugin = Recorder()
    pluginmanager.pm.register(plugin, name="test-gone")
    pluginmanager.pm.unregister(plugin)
    hooks.user_registered.send(sender=None, user="someone")
    assert plugin.events == []


# The broken plugin is logged and skipped.
@pytest.mark.expect_error_log("core.pluginmanager")
def test_a_broken_plugin_neither_raises_nor_stops_the_others(recorder, broken, caplog):
    with caplog.at_level(logging.ERROR, logger="core.pluginmanager"):
        hooks.user_registered.send(sender=None, user="someone")
    assert recorder.events == [("user_registered", "someone")]
    assert "test-broken failed in hook on_user_registered" in caplog.text


# The broken plugin is logged and skipped.
@pytest.mark.expect_error_log("core.pluginmanager")
def test_contribution_hooks_collect_every_plugins_items(recorder, broken, rf):
    items = pluginmanager.collect("nav_items", request=rf.get("/"))
    assert NavItem(label="Recorder", url="/recorder/") in items


def test_core_default_recommends_nothing_and_a_plugin_can_answer_first(learner):
    assert pluginmanager.pm.hook.recommended_sessions(user=learner, limit=3) == []

    class Recommender:
        @hookimpl
        def recommended_sessions(self, user, limit):
            return ["a session"][:limit]

    plugin = Recommender()
    pluginmanager.pm.register(plugin, name="test-recommender")
    try:
        assert pluginmanager.pm.hook.recommended_sessions(user=learner, limit=3) == ["a session"]
    finally:
        pluginmanager.pm.unregister(plugin)


def test_a_misspelt_hookimpl_fails_loudly():
    class Misspelt:
        @hookimpl
        def on_user_registred(self, user):
            pass

    plugin = Misspelt()
    pluginmanager.pm.register(plugin, name="test-misspelt")
    try:
        with pytest.raises(Exception, match="unknown hook"):
            pluginmanager.pm.check_pending()
    finally:
        pluginmanager.pm.unregister(plugin)


def test_plugin_urls_are_mounted_under_their_label():
    class WithUrls:
        @hookimpl
        def urlpatterns(self):
            return [path("hello/", lambda request: None, name="hello")]

    plugin = WithUrls()
    pluginmanager.pm.register(plugin, name="testurls")
    try:
        patterns = pluginmanager.plugin_urlpatterns()
    finally:
        pluginmanager.pm.unregister(plugin)
    mounted = {str(p.pattern): p.namespace for p in patterns}
    assert mounted["p/testurls/"] == "testurls"


def test_user_registered_is_sent_once_after_commit(db, django_capture_on_commit_callbacks, recorder):
    from core.users.services import user_complete_registration
    from core.users.tests.factories import user_make

    user = user_make(email="new@example.com", registered=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert user_complete_registration(user=user) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert user_complete_registration(user=user) is False
    assert recorder.events == [("user_registered", user)]


def test_the_default_plugin_set_is_what_the_settings_enable_without_the_variable():
    """Without PEERLEARN_PLUGINS in the environment, DEFAULT_PLUGINS is enabled (and only it)."""
    env = {key: value for key, value in os.environ.items() if key != "PEERLEARN_PLUGINS"}
    env.update(TESTING="1", DJANGO_SETTINGS_MODULE="core.settings")
    code = "from django.conf import settings; print(','.join(settings.PEERLEARN_PLUGINS))"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ",".join(settings.DEFAULT_PLUGINS)


@pytest.mark.parametrize("name", settings.ALL_PLUGINS)
def test_a_default_plugin_never_says_coming_soon(name):
    """A plugin enabled by default is complete: none of its templates promise what it cannot do."""
    if name not in settings.DEFAULT_PLUGINS:
        pytest.skip(f"{name} is not enabled by default")
    for template in (Path(settings.BASE_DIR) / "plugins" / name).rglob("*.html"):
        assert "coming soon" not in template.read_text().casefold(), template
