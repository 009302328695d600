"""Hooks are called through pluggy's own call path, one plugin at a time: tracing sees every
call, and a plugin that raises neither stops another plugin nor undoes core's write."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from core import pluginmanager
from core.bookings.models import BookingStatus
from core.hooks import NavItem, hookimpl
from core.mentoring.tests.factories import session_booked
from core.payments.models import Payment, PaymentStatus


class Raises:
    """A throwaway plugin that fails in every hook it implements."""

    @hookimpl
    def on_payment_captured(self, payment):
        raise RuntimeError("this plugin is broken")

    @hookimpl
    def nav_items(self, request):
        raise RuntimeError("this plugin is broken")

    @hookimpl
    def recommended_sessions(self, user, limit):
        raise RuntimeError("this plugin is broken")


class Records:
    def __init__(self):
        self.captured = []

    @hookimpl
    def on_payment_captured(self, payment):
        self.captured.append(payment.pk)

    @hookimpl
    def nav_items(self, request):
        return [NavItem(label="Recorded", url="/recorded/")]

    @hookimpl
    def recommended_sessions(self, user, limit):
        return ["from the recorder"]


@pytest.fixture
def plugins():
    """``Records`` registered first and ``Raises`` last, so pluggy calls the broken one first."""
    records, raises = Records(), Raises()
    pluginmanager.pm.register(records, name="test-records")
    pluginmanager.pm.register(raises, name="test-raises")
    yield records
    pluginmanager.pm.unregister(raises)
    pluginmanager.pm.unregister(records)


@pytest.mark.django_db
@pytest.mark.expect_error_log("core.pluginmanager")
def test_a_broken_plugin_neither_fails_the_payment_nor_stops_another_plugin(
    mentor, learner, plugins, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _session, booking = session_booked(mentor=mentor, learner=learner)
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.CAPTURED
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert plugins.captured == [payment.pk]
    assert "test-raises failed in hook on_payment_captured" in caplog.text


@pytest.mark.expect_error_log("core.pluginmanager")
def test_contributions_and_first_answers_skip_the_broken_plugin(plugins, rf):
    request = rf.get("/")
    assert NavItem(label="Recorded", url="/recorded/") in pluginmanager.collect("nav_items", request=request)
    assert pluginmanager.call_first("recommended_sessions", user=None, limit=3) == ["from the recorder"]


def test_a_plugins_answer_comes_first_and_core_answers_last():
    assert pluginmanager.call_first("recommended_sessions", user=None, limit=3) in ([], None)
    records = Records()
    pluginmanager.pm.register(records, name="test-records")
    try:
        assert pluginmanager.call_first("recommended_sessions", user=None, limit=3) == ["from the recorder"]
    finally:
        pluginmanager.pm.unregister(records)


def test_tracing_logs_each_call_with_its_arguments_and_result(rf):
    records = Records()
    pluginmanager.pm.register(records, name="test-records")
    lines: list[str] = []
    stop = pluginmanager.trace_enable(log=lambda message, *args: lines.append(message % args))
    try:
        assert pluginmanager.tracing_is_on()
        pluginmanager.call_first("recommended_sessions", user=None, limit=2)
    finally:
        stop()
        pluginmanager.pm.unregister(records)
    assert not pluginmanager.tracing_is_on()
    assert "hook recommended_sessions [test-records] called with user=None, limit=2" in lines
    assert "hook recommended_sessions [test-records] returned ['from the recorder']" in lines
    count = len(lines)
    pluginmanager.call_first("recommended_sessions", user=None, limit=2)
    assert len(lines) == count  # stopped


@pytest.mark.expect_error_log("core.pluginmanager")
def test_tracing_logs_the_exception_of_a_failing_plugin(plugins, rf):
    lines: list[str] = []
    stop = pluginmanager.trace_enable(log=lambda message, *args: lines.append(message % args))
    try:
        pluginmanager.collect("nav_items", request=rf.get("/"))
    finally:
        stop()
    assert "hook nav_items [test-raises] raised RuntimeError('this plugin is broken')" in lines
    assert any(line.startswith("hook nav_items [test-records] returned [[NavItem(") for line in lines), lines


def test_the_environment_switch_turns_tracing_on_at_start_up():
    """``PEERLEARN_TRACE_HOOKS=1`` in a fresh process: each hook call is printed in the log."""
    code = (
        "import django; django.setup()\n"
        "from core import pluginmanager\n"
        "print(pluginmanager.tracing_is_on())\n"
        "pluginmanager.call_first('recommended_sessions', user=None, limit=4)\n"
    )
    env = {**os.environ, "TESTING": "1", "DJANGO_SETTINGS_MODULE": "core.settings", "PEERLEARN_PLUGINS": ""}
    env.pop("LOG_LEVEL", None)
    traced = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "PEERLEARN_TRACE_HOOKS": "1"},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert traced.stdout.strip() == "True"
    assert "core.pluginmanager.trace: hook recommended_sessions [core.defaults] called with user=None, limit=4" in (
        traced.stderr
    )
    assert "hook recommended_sessions [core.defaults] returned []" in traced.stderr
    quiet = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR
    )
    assert quiet.stdout.strip() == "False"
    assert "core.pluginmanager.trace" not in quiet.stderr


@pytest.mark.parametrize("plugin", sorted(settings.ALL_PLUGINS))
def test_the_site_starts_with_each_plugin_on(plugin):
    """A fresh process with one plugin enabled sets Django up. A plugin's hooks module imports
    the facade while the app registry is getting ready, so an import circle inside core that a
    plain start never walks (facade -> notifications -> their tasks -> back) stopped every start
    with a plugin on."""
    env = {**os.environ, "TESTING": "1", "DJANGO_SETTINGS_MODULE": "core.settings", "PEERLEARN_PLUGINS": plugin}
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from core import pluginmanager; "
         "print(','.join(pluginmanager.enabled_plugins()))"],
        env=env, capture_output=True, text=True, cwd=settings.BASE_DIR, check=False,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.strip() == plugin
