"""Two people in the live room: the learner sends a ₹100 gift from the bottom bar (test-mode
gateway, core's checkout in a new tab, so the call goes on); the mentor sees "Thank you!" and
₹90 live, in the room; both statements show the gift."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.mentoring.models import MentoringSession
from core.mentoring.services import session_complete
from core.payments.models import Payment, PaymentStatus
from plugins.gifting.models import Gift, GiftStatus
from tests.browser.test_booking import _log_in
from tests.browser.test_landing import in_thread
from tests.browser.test_room import _join, _participant, _room_session

pytestmark = pytest.mark.browser


def test_a_gift_from_the_room_thanks_the_mentor_live(media_browser, server_url, snap, learner, mentor):
    session = _room_session(mentor, learner)
    url = f"/session/{session.room_id}/"
    problems: list[str] = []
    mentoring, mentor_tab = _participant(media_browser, server_url, mentor, problems)
    learning, learner_tab = _participant(media_browser, server_url, learner, problems)
    try:
        dashboard = mentoring.new_page()  # the mentor's dashboard, open in another tab
        dashboard.goto("/dashboard/mentor/")
        expect(dashboard.get_by_test_id("available-balance")).to_have_text("₹0")
        _join(mentor_tab, url)
        _join(learner_tab, url)
        expect(mentor_tab.get_by_test_id("gift-button")).to_have_count(0)  # gifts go to mentors

        # Click 1: the Gift button opens the dialog, ₹100 chosen, the cost said plainly.
        learner_tab.get_by_test_id("gift-button").click()
        dialog = learner_tab.locator("dialog[open]")
        expect(dialog.get_by_role("heading", name="Send Meera Mentor a gift")).to_be_visible()
        expect(dialog.get_by_label("₹100", exact=True)).to_be_checked()
        line = dialog.locator("[data-gift-preview]")
        expect(line).to_have_text("Gift ₹100 + platform fee ₹10 = ₹110; Meera Mentor receives ₹90")
        dialog.get_by_label("₹500", exact=True).check()
        expect(line).to_have_text("Gift ₹500 + platform fee ₹50 = ₹550; Meera Mentor receives ₹450")
        dialog.get_by_label("Other", exact=True).check()
        dialog.get_by_label("Other amount (₹)").fill("250")
        expect(line).to_have_text("Gift ₹250 + platform fee ₹25 = ₹275; Meera Mentor receives ₹225")
        dialog.get_by_label("₹100", exact=True).check()
        expect(line).to_have_text("Gift ₹100 + platform fee ₹10 = ₹110; Meera Mentor receives ₹90")
        dialog.get_by_label("Message").fill("Thank you, that cleared it up!")
        snap(learner_tab, "gift-dialog")

        # Click 2: core's checkout, in a tab of its own; the call stays up behind it.
        with learning.expect_page() as opened:
            dialog.get_by_test_id("gift-pay").click()
        checkout = opened.value
        expect(checkout.get_by_test_id("purpose-checkout").get_by_role("heading", level=1)).to_have_text("Pay ₹110")
        expect(checkout.get_by_test_id("pay-fee")).to_have_text("₹10")
        checkout.get_by_role("link", name="Pay ₹110").click()
        checkout.get_by_role("button", name=re.compile(r"^Pay ")).click()
        expect(checkout.get_by_test_id("gift-sent-page").get_by_role("heading", level=1)).to_have_text("₹100 Sent")
        snap(checkout, "gift-sent")

        # The mentor, still in the call, is thanked live with what they received.
        thanks = mentor_tab.locator("[data-toasts]").get_by_text("Thank you! Asha Learner sent you a gift of ₹100")
        expect(thanks).to_be_visible()
        expect(mentor_tab.locator("[data-toasts]")).to_contain_text("₹90 of it is in your available balance")
        expect(learner_tab.locator("[data-toasts]")).to_contain_text("₹100 Sent to Meera Mentor")
        expect(learner_tab.locator("[data-screen-part=call]")).to_be_visible()  # the call went on
        expect(dashboard.get_by_test_id("available-balance")).to_have_text("₹90")  # updated live, no reload
        expect(dashboard.locator("[data-toasts]")).to_contain_text("Thank you! Asha Learner sent you a gift")

        gift = Gift.objects.get()
        assert (gift.status, gift.message) == (GiftStatus.PAID, "Thank you, that cleared it up!")
        assert Payment.objects.get(purpose="gift").status == PaymentStatus.CAPTURED

        # Both tables show it.
        statement = mentoring.new_page()
        statement.goto("/dashboard/mentor/earnings/")
        expect(statement.locator("main")).to_contain_text("A gift for Meera Mentor")
        expect(statement.locator("main")).to_contain_text("₹90")
        payments = learning.new_page()
        payments.goto("/dashboard/learner/payments/")
        expect(payments.locator("main")).to_contain_text("A gift for Meera Mentor")
        expect(payments.locator("main")).to_contain_text("₹110")
        assert not problems, "\n".join(problems)
    finally:
        mentoring.close()
        learning.close()


def _completed_an_hour_ago(mentor, learner):
    session = _room_session(mentor, learner)
    MentoringSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    session_complete(session=session)
    return session.bookings.get(learner=learner)


def test_after_the_session_the_learner_gifts_from_the_booking_page(page, snap, learner, mentor):
    # Outside Playwright's thread: completing a session pushes to the channel layer.
    booking = in_thread(_completed_an_hour_ago, mentor=mentor, learner=learner)
    _log_in(page, learner.email, f"/bookings/{booking.pk}/")
    panel = page.get_by_test_id("gift-after")
    expect(panel).to_contain_text("Thank Meera Mentor with a gift")
    snap(page, "gift-after-session")
    panel.get_by_test_id("gift-button").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("₹50", exact=True).check()
    expect(dialog.locator("[data-gift-preview]")).to_have_text(
        "Gift ₹50 + platform fee ₹5 = ₹55; Meera Mentor receives ₹45"
    )
    dialog.get_by_test_id("gift-pay").click()  # the same tab: nothing else is going on
    page.get_by_role("link", name="Pay ₹55").click()
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(page).to_have_url(re.compile(rf"/bookings/{booking.pk}/$"))
    expect(page.get_by_test_id("gift-sent")).to_have_text("₹50 Sent")
    assert Gift.objects.get().status == GiftStatus.PAID
