"""The operator's console in Chromium, at 1440 and 360 px, with axe: the admin's home updates by
itself when money moves, and staff approve a mentor from the queue."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from core.bookings.services import booking_accept
from core.bookings.tests.factories import book_and_pay
from core.mentoring.tests.factories import approved_mentor, session_make
from core.users.models import MentorProfile
from core.users.tests.factories import user_make

from .test_a11y import staff_cookie, violations
from .test_landing import in_thread

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1440, 360])
def test_the_home_goes_live_and_staff_approve_a_mentor(browser, server_url, snap, width):
    learner = user_make(email="asha@example.com", name="Asha Learner", role="learner")
    guru = in_thread(approved_mentor)
    first = session_make(mentor=guru, price_paise=100_000)
    in_thread(booking_accept, booking=in_thread(book_and_pay, session=first, learner=learner), mentor=guru)
    newcomer = user_make(email="nina@example.com", name="Nina Newcomer", role="mentor")
    MentorProfile.objects.filter(user=newcomer).update(bio="Ten years of data engineering.", skills=["SQL"])

    viewport = {"width": width, "height": 800 if width < 768 else 900}
    context = browser.new_context(base_url=server_url, viewport=viewport, bypass_csp=True)  # for axe
    context.add_cookies([staff_cookie(server_url)])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto("/admin/")
        expect(page.get_by_test_id("today-gmv")).to_have_text("₹1,100")
        expect(page.locator("canvas[data-console-chart='money']")).to_be_visible()
        assert violations(page, f"/admin/ at {width}px") == []
        snap(page, f"console-home-{width}")

        # Money moves while the page is open: the figure changes without a reload.
        other = user_make(email="ravi@example.com", name="Ravi Learner", role="learner")
        second = session_make(mentor=guru, price_paise=50_000, hours_from_now=30)
        in_thread(booking_accept, booking=in_thread(book_and_pay, session=second, learner=other), mentor=guru)
        expect(page.get_by_test_id("today-gmv")).to_have_text("₹1,650")

        page.get_by_role("link", name="Mentors to approve").click()
        card = page.get_by_test_id("queue-mentor").filter(has_text="Nina Newcomer")
        expect(card).to_be_visible()
        assert violations(page, f"mentor queue at {width}px") == []
        snap(page, f"console-queue-{width}")
        card.get_by_label("Approve: their sessions go public").check()
        card.get_by_label("Message to the mentor").fill("Welcome! Your first session can go live.")
        card.get_by_role("button", name="Send decision").click()
        expect(page.get_by_text("Nina Newcomer approved: their sessions are public.")).to_be_visible()
        expect(page.get_by_test_id("queue-empty")).to_be_visible()
        assert MentorProfile.objects.get(user=newcomer).is_approved
        assert any("Welcome! Your first session can go live." in message.body for message in mail.outbox)
        assert errors == []
    finally:
        context.close()


def _captured_tip(learner, mentor):
    from core.payments.models import Payment
    from core.payments.services import purpose_payment_authorize
    from core.payments.tests import tipjar
    from core.testmode import services as testmode
    from core.testmode.models import TestOrder

    started = tipjar.tip_start(learner=learner, mentor=mentor, rupees=500)
    order = TestOrder.objects.get(pk=started.order_id)
    paid = testmode.payment_authorize(order=order)
    signature = testmode.checkout_signature(order_id=order.pk, payment_id=paid.id)
    payment = Payment.objects.get(pk=started.id)
    in_thread(purpose_payment_authorize, payment=payment, payment_id=paid.id, signature=signature)
    payment.refresh_from_db()
    return payment


@pytest.mark.parametrize("width", [1440, 360])
def test_staff_refund_part_of_a_payment_with_a_fresh_code(browser, server_url, snap, tip_jar, width):
    from core.payments.models import PaymentStatus
    from core.users.models import User
    from core.users.tests.factories import totp_code

    learner = user_make(email="asha@example.com", name="Asha Learner", role="learner")
    payment = _captured_tip(learner, in_thread(approved_mentor))
    viewport = {"width": width, "height": 800 if width < 768 else 900}
    context = browser.new_context(base_url=server_url, viewport=viewport, bypass_csp=True)  # for axe
    context.add_cookies([staff_cookie(server_url)])
    staff = User.objects.get(email="sara@example.com")
    page = context.new_page()
    try:
        page.goto("/admin/payments/payment/?purpose=tip")
        expect(page.get_by_role("link", name=payment.razorpay_order_id)).to_be_visible()
        assert violations(page, f"payments at {width}px") == []
        page.goto(f"/admin/payments/payment/{payment.pk}/refund/")
        page.get_by_label("Refund (₹)").fill("275")
        page.get_by_label("Why").fill("Half, as the learner and mentor agreed")
        page.get_by_label("Code from your authenticator app").fill("000000")
        page.get_by_role("button", name="Refund").click()
        expect(page.locator(".errorlist").first).to_be_visible()  # a wrong code: nothing moved
        assert violations(page, f"refund form at {width}px") == []
        snap(page, f"console-refund-{width}")
        page.get_by_label("Code from your authenticator app").fill(totp_code(staff))
        page.get_by_role("button", name="Refund").click()
        expect(page.get_by_text(f"Refunded ₹275 of {payment.razorpay_order_id}.")).to_be_visible()
        payment.refresh_from_db()
        assert (payment.status, payment.refunded_paise) == (PaymentStatus.CAPTURED, 27_500)
    finally:
        context.close()
