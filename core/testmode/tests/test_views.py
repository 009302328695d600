"""The offline checkout page and the staff payout controls."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from core.payments.gateways import Destination
from core.testmode.gateway import TestModeGateway
from core.testmode.models import TestOrder, TestPayment
from core.users.tests.helpers import force_login_verified

CALLBACK = "/dashboard/learner/"


@pytest.fixture
def gateway() -> TestModeGateway:
    return TestModeGateway()


@pytest.fixture
def order(gateway, learner):
    return gateway.order_create(amount_paise=12_34_567_00, receipt="bk_1", notes={"user_id": str(learner.pk)})


def _url(order_id: str, callback: str = CALLBACK) -> str:
    return TestModeGateway.checkout_url(order_id=order_id, callback=callback)


@pytest.mark.django_db
def test_anonymous_goes_to_login(client, order):
    response = client.get(_url(order.id))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_another_users_order_is_404(client, order, other_learner, staff):
    for person in (other_learner, staff):
        (force_login_verified if person == staff else type(client).force_login)(client, person)
        assert client.get(_url(order.id)).status_code == 404
        assert client.post(_url(order.id), {"action": "pay", "callback": CALLBACK}).status_code == 404
    assert not TestPayment.objects.exists()


@pytest.mark.django_db
def test_an_order_without_an_owner_opens_for_nobody(client, gateway, learner):
    ownerless = gateway.order_create(amount_paise=100_00, receipt="bk_2", notes={})
    client.force_login(learner)
    assert client.get(_url(ownerless.id)).status_code == 404


@pytest.mark.django_db
def test_page_shows_banner_amount_in_rupees_and_no_inline_code(client, order, learner):
    client.force_login(learner)
    response = client.get(_url(order.id))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Test mode — no real money" in html
    assert "₹12,34,567" in html
    assert "₹1,23,45,67" not in html
    assert ' style="' not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    for label in ("Pay ₹12,34,567", "Fail the payment", "Cancel"):
        assert label in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "callback",
    ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "http:/evil", "javascript:alert(1)", "", "x/y"],
)
def test_offsite_callbacks_are_refused(client, order, learner, callback):
    client.force_login(learner)
    assert client.get(_url(order.id, callback)).status_code == 400
    assert client.post(_url(order.id, CALLBACK), {"action": "pay", "callback": callback}).status_code == 400
    assert not TestPayment.objects.exists()


@pytest.mark.django_db
def test_pay_posts_the_three_checkout_fields_to_the_callback(client, gateway, order, learner):
    client.force_login(learner)
    response = client.post(_url(order.id), {"action": "pay", "callback": CALLBACK})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="{CALLBACK}"' in html
    assert 'src="/static/js/testmode.js"' in html
    fields = response.context["fields"]
    assert list(fields) == ["razorpay_order_id", "razorpay_payment_id", "razorpay_signature"]
    for name, value in fields.items():
        assert f'name="{name}" value="{value}"' in html
    assert gateway.checkout_signature_valid(
        order_id=order.id, payment_id=fields["razorpay_payment_id"], signature=fields["razorpay_signature"]
    )
    assert gateway.payment_fetch(payment_id=fields["razorpay_payment_id"]).status == "authorized"
    assert TestOrder.objects.get(pk=order.id).status == "attempted"

    again = client.post(_url(order.id), {"action": "pay", "callback": CALLBACK})  # double submit
    assert again.context["fields"] == fields
    assert TestPayment.objects.count() == 1


@pytest.mark.django_db
def test_fail_and_cancel_report_an_error_to_the_callback(client, gateway, order, learner):
    client.force_login(learner)
    failed = client.post(_url(order.id), {"action": "fail", "callback": CALLBACK}).context["fields"]
    assert failed["error"] == "payment_failed"
    assert "razorpay_signature" not in failed
    assert gateway.payment_fetch(payment_id=failed["razorpay_payment_id"]).status == "failed"

    cancelled = client.post(_url(order.id), {"action": "cancel", "callback": CALLBACK}).context["fields"]
    assert cancelled == {"error": "cancelled", "razorpay_order_id": order.id}
    assert [p.status for p in gateway.order_payments(order_id=order.id)] == ["failed"]

    # A failed attempt does not block a later successful one (Razorpay allows several attempts per order).
    paid = client.post(_url(order.id), {"action": "pay", "callback": CALLBACK}).context["fields"]
    assert gateway.payment_fetch(payment_id=paid["razorpay_payment_id"]).status == "authorized"


@pytest.mark.django_db
def test_unknown_action_is_refused(client, order, learner):
    client.force_login(learner)
    assert client.post(_url(order.id), {"action": "steal", "callback": CALLBACK}).status_code == 400


@pytest.mark.django_db
def test_pages_are_404_when_razorpay_is_configured(client, order, learner, staff):
    with override_settings(RAZORPAY_KEY_ID="rzp_test_x", RAZORPAY_KEY_SECRET="s"):
        client.force_login(learner)
        assert client.get(_url(order.id)).status_code == 404
        force_login_verified(client, staff)
        assert client.get("/testmode/payouts/").status_code == 404


@pytest.mark.django_db
def test_staff_can_fail_a_payout(client, gateway, staff, mentor):
    payout = gateway.payout_create(
        amount_paise=1_00_000_00,
        destination=Destination(kind="vpa", name="Meera Mentor", vpa="meera@okhdfcbank"),
        reference_id="wd_1",
        idempotency_key="withdrawal-1",
    )
    assert payout.status == "processed"

    client.force_login(mentor)
    assert client.get("/testmode/payouts/").status_code == 403
    assert client.post("/testmode/payouts/", {"payout_id": payout.id, "status": "failed"}).status_code == 403
    assert gateway.payout_fetch(payout_id=payout.id).status == "processed"

    force_login_verified(client, staff)
    page = client.get("/testmode/payouts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert payout.id in html and "₹1,00,000" in html and "Test mode — no real money" in html
    response = client.post("/testmode/payouts/", {"payout_id": payout.id, "status": "failed"})
    assert response.status_code == 302
    assert gateway.payout_fetch(payout_id=payout.id).status == "failed"
    # Final: reversing a failed payout changes nothing.
    client.post("/testmode/payouts/", {"payout_id": payout.id, "status": "reversed"})
    assert gateway.payout_fetch(payout_id=payout.id).status == "failed"
    assert client.post("/testmode/payouts/", {"payout_id": payout.id, "status": "processed"}).status_code == 400


@pytest.mark.django_db
def test_payout_page_empty_state(client, staff):
    force_login_verified(client, staff)
    assert "No test payouts yet" in client.get("/testmode/payouts/").content.decode()
