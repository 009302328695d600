"""The mentor's dashboard in Chromium: create a session, move between sections without
reloads (htmx, the address bar follows, Back works), earn, and withdraw with a TOTP code."""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from core.bookings.services import booking_accept, earnings_release_due
from core.bookings.tests.factories import book_and_pay
from core.mentoring.models import MentoringSession
from core.mentoring.tests.factories import session_make
from core.payments.models import Withdrawal
from core.room.attendance import session_complete
from core.users.services import mentor_approve
from tests.browser.test_booking import _log_in
from tests.browser.waits import wait_until

pytestmark = pytest.mark.browser


def _earned(mentor, learner):
    session = session_make(mentor=mentor, title="Calculus for JEE", price_paise=100_000, topics=["Limits"])
    booking_accept(booking=book_and_pay(session, learner), mentor=mentor)
    session_complete(session=session)
    # The 48 hours in which the learner may report a problem pass: the ₹900 becomes available.
    earnings_release_due(now=timezone.now() + timedelta(hours=settings.EARNINGS_HOLD_HOURS))


def test_a_mentor_creates_a_session_and_moves_between_sections(page, snap, mentor, learner):
    mentor_approve(mentor=mentor)
    _earned(mentor, learner)
    _log_in(page, mentor.email, "/dashboard/mentor/")
    expect(page.get_by_test_id("earnings-snapshot")).to_contain_text("₹900")
    snap(page, "mentor-home")

    page.evaluate("window.__noReload = true")
    page.locator(".side-nav").get_by_role("link", name="Create session").click()
    expect(page).to_have_url(re.compile(r"/dashboard/mentor/sessions/new/$"))
    expect(page.get_by_role("heading", name="Create a session")).to_be_visible()
    assert page.evaluate("window.__noReload") is True  # swapped by htmx, not reloaded
    expect(page.locator('.side-nav a[aria-current="page"]')).to_have_text("Create session")

    page.get_by_label("Title").fill("Master recursion in one hour")
    page.get_by_label("Topics").fill("Recursion, Stacks")
    page.get_by_label("Price (₹)").fill("1500")
    expect(page.get_by_test_id("price-preview")).to_have_text("Learner pays ₹1,650 incl. fee · you earn ₹1,350")
    page.get_by_label("Date and time").fill(f"{date.today() + timedelta(days=30):%Y-%m-%d}T18:30")
    snap(page, "mentor-create-session")
    page.get_by_role("button", name="Publish session").click()
    expect(page.get_by_text("Session live!")).to_be_visible()
    assert MentoringSession.objects.filter(mentor=mentor, title="Master recursion in one hour").exists()
    snap(page, "mentor-sessions")

    for name, heading, shot in (
        ("Bookings", "Bookings", "mentor-bookings"),
        ("Earnings", "Earnings", "mentor-earnings"),
        ("Analytics", "Analytics", "mentor-analytics"),
    ):
        page.locator(".side-nav").get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        if name == "Analytics":
            wait_until(
                page, "() => document.querySelector('canvas[data-chart]')?.chart !== undefined", what="the chart"
            )
        snap(page, shot)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/dashboard/mentor/earnings/$"))
    expect(page.get_by_role("heading", name="Earnings", exact=True)).to_be_visible()


def test_a_mentor_withdraws_with_a_code_from_their_app(page, snap, mentor, learner):
    mentor_approve(mentor=mentor)
    _earned(mentor, learner)
    _log_in(page, mentor.email, "/dashboard/mentor/withdrawals/")
    expect(page.get_by_test_id("two-factor-required")).to_be_visible()
    snap(page, "mentor-withdrawals-no-2fa")

    device = TOTPDevice.objects.create(user=mentor, name="phone", confirmed=True)
    page.reload()
    page.get_by_label("Amount (₹)").fill("900")
    expect(page.get_by_label("IFSC")).to_be_hidden()  # UPI is chosen: bank fields wait
    page.get_by_label("Account holder's name").fill("Meera Mentor")
    page.get_by_label("UPI ID").fill("meera@okhdfcbank")
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("Code from your authenticator app").fill(code)
    snap(page, "mentor-withdrawals-form")
    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_text("withdrawal requested. Processed within 24 hours.")).to_be_visible()
    expect(page.get_by_test_id("available-balance")).to_have_text("₹0")
    assert Withdrawal.objects.get(user=mentor).amount_paise == 90_000
    snap(page, "mentor-withdrawals-done")
