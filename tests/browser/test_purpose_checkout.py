"""A learner pays a plugin's tip on core's checkout page, in test mode, and lands where the plugin
said; the page has no serious or critical axe findings at 360 and 1440 px."""

import re

import pytest
from playwright.sync_api import expect

from core.mentoring.tests.factories import approved_mentor
from core.payments.models import Payment, PaymentStatus
from core.payments.tests import tipjar

from .test_a11y import violations
from .test_booking import _log_in

pytestmark = pytest.mark.browser


def _learner_cookie(server_url: str, learner) -> dict:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(learner)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": server_url}  # fmt: skip


def test_a_learner_pays_a_tip_on_cores_checkout_page(page, browser, server_url, snap, learner, tip_jar):
    guru = approved_mentor()
    tip = tipjar.tip_start(learner=learner, mentor=guru, rupees=500)
    Payment.objects.filter(pk=tip.id).update(return_url="/dashboard/learner/payments/")

    _log_in(page, learner.email, tip.checkout_url)
    card = page.get_by_test_id("purpose-checkout")
    expect(card.get_by_role("heading", level=1)).to_have_text("Pay ₹550")
    expect(page.get_by_test_id("pay-description")).to_have_text("A tip for Guru Mentor")
    expect(page.get_by_test_id("pay-fee")).to_have_text("₹50")
    expect(page.get_by_test_id("testmode-banner")).to_be_visible()
    snap(page, "purpose-checkout")

    # axe needs its script injected, which the strict CSP forbids: a second tab that bypasses it.
    audit = browser.new_context(base_url=server_url, bypass_csp=True)
    audit.add_cookies([_learner_cookie(server_url, learner)])
    tab = audit.new_page()
    try:
        for width in (360, 1440):
            tab.set_viewport_size({"width": width, "height": 800})
            tab.goto(tip.checkout_url)
            assert violations(tab, f"/pay/ at {width}px") == []
            assert tab.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        audit.close()

    page.get_by_role("link", name="Pay ₹550").click()
    expect(page).to_have_url(re.compile(r"/testmode/checkout/"))
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(page).to_have_url(re.compile(r"/dashboard/learner/payments/$"))
    expect(page.get_by_text("A tip for Guru Mentor")).to_be_visible()
    assert Payment.objects.get(pk=tip.id).status == PaymentStatus.CAPTURED

    page.goto(tip.checkout_url)
    expect(card.get_by_role("heading", level=1)).to_have_text("Paid ₹550")
    snap(page, "purpose-checkout-paid")
