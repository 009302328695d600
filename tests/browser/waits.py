"""Waiting on a condition inside the page. PeerLearn's CSP forbids eval, and Playwright's
``wait_for_function`` evals its predicate (it fails as soon as its first check is false), so
``wait_until`` checks the condition inside one ``page.evaluate`` on every frame until it holds."""

from __future__ import annotations

import re

from playwright.sync_api import expect

# ``check`` (a JS function, maybe async) on every animation frame (or every 100 ms where frames
# are throttled) until it returns something truthy; null once ``ms`` have passed.
UNTIL = """async () => {
  const check = %s;
  const deadline = performance.now() + %d;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() > deadline) return null;
    await new Promise((resolve) => { requestAnimationFrame(resolve); setTimeout(resolve, 100); });
  }
}"""


def wait_until(tab, script: str, timeout: float = 20.0, what: str = ""):
    """Wait in the page until ``script`` (a JS function) returns something truthy, and return it."""
    value = tab.evaluate(UNTIL % (script, timeout * 1000))
    if not value:
        raise AssertionError(f"timed out waiting for {what or script}")
    return value


# The room's pre-call check enables "Join now" once Chromium has started the (fake) camera and
# microphone and listed the devices. That is the browser's media stack, not our code, and on a
# loaded two-core machine it once took over 5 s (Playwright's default) while another suite ran
# beside the browser tests. Its budget is the same 20 s as ``wait_until``'s.
MEDIA_READY_MS = 20_000


def join_ready(tab, name: str = "Join now"):
    """Wait for the pre-call check to find the camera and microphone; returns the Join button."""
    from playwright.sync_api import expect

    join = tab.get_by_role("button", name=name)
    expect(join).to_be_enabled(timeout=MEDIA_READY_MS)
    return join


def log_in(tab, email: str, next_path: str, password: str) -> None:
    """Log in through the form and land on ``next_path``, loaded: its deferred scripts have run.
    Waiting for the address alone let a test type into a page whose scripts had not started
    yet, on a loaded machine (the profile's skills then never became tags: their input event
    had no listener)."""
    tab.goto(f"/accounts/login/?next={next_path}")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Log in").click()
    expect(tab).to_have_url(re.compile(re.escape(next_path) + "$"))
    tab.wait_for_load_state("load")
