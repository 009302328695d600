"""What goes over the wire to Razorpay: bodies, headers, auth, timeouts, and how failures come back."""

from __future__ import annotations

import base64
import json

import pytest
import requests
import responses
from django.test import override_settings

from core.payments.gateways import Destination, GatewayError, get_gateway
from core.payments.gateways.razorpay_gateway import RazorpayGateway
from core.payments.gateways.tests.fake_razorpay import ACCOUNT_NUMBER, API, KEY_ID, KEY_SECRET


def _body(call) -> dict:
    return json.loads(call.request.body)


def _basic_auth_ok(call) -> bool:
    expected = "Basic " + base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()
    return call.request.headers["Authorization"] == expected


def test_order_body_is_paise_inr_manual_capture(razorpay_gateway, fake_razorpay):
    razorpay_gateway.order_create(amount_paise=1_100_00, receipt="bk_1", notes={"booking": "bk_1"})
    (call,) = fake_razorpay.calls("POST", "/orders")
    body = _body(call)
    assert body == {
        "amount": 110000,
        "currency": "INR",
        "receipt": "bk_1",
        "payment_capture": 0,
        "notes": {"booking": "bk_1"},
    }
    assert type(body["amount"]) is int
    assert _basic_auth_ok(call)
    assert call.request.req_kwargs["timeout"] == 7.5


def test_capture_body_and_a_second_capture_sends_nothing(razorpay_gateway, fake_razorpay):
    order = razorpay_gateway.order_create(amount_paise=550_50, receipt="bk_2", notes={})
    payment_id, _ = fake_razorpay.checkout_pay(order.id)
    razorpay_gateway.payment_capture(payment_id=payment_id, amount_paise=550_50)
    razorpay_gateway.payment_capture(payment_id=payment_id, amount_paise=550_50)
    (call,) = fake_razorpay.calls("POST", f"/payments/{payment_id}/capture")
    assert _body(call) == {"amount": 55050, "currency": "INR"}
    assert _basic_auth_ok(call)


def test_capture_lost_race_returns_the_captured_payment(razorpay_gateway, fake_razorpay):
    order = razorpay_gateway.order_create(amount_paise=100_00, receipt="bk_3", notes={})
    payment_id, _ = fake_razorpay.checkout_pay(order.id)
    fetch_original = fake_razorpay._payment_fetch
    calls = {"n": 0}

    def stale_then_real(request, body, id):  # another worker captures between our fetch and our capture
        calls["n"] += 1
        if calls["n"] == 1:
            answer = dict(fake_razorpay.payments[id])
            fake_razorpay.payments[id]["status"] = "captured"
            return answer
        return fetch_original(request, body, id)

    fake_razorpay._payment_fetch = stale_then_real
    captured = razorpay_gateway.payment_capture(payment_id=payment_id, amount_paise=100_00)
    assert captured.status == "captured"
    assert len(fake_razorpay.calls("POST", f"/payments/{payment_id}/capture")) == 1  # refused, then re-fetched


def test_refund_sends_the_idempotency_header_and_body(razorpay_gateway, fake_razorpay):
    order = razorpay_gateway.order_create(amount_paise=1_100_00, receipt="bk_4", notes={})
    payment_id, _ = fake_razorpay.checkout_pay(order.id)
    razorpay_gateway.payment_capture(payment_id=payment_id, amount_paise=1_100_00)
    for _ in range(2):
        razorpay_gateway.payment_refund(
            payment_id=payment_id, amount_paise=1_100_00, idempotency_key="refund-bk_4-1", notes={"reason": "no-show"}
        )
    calls = fake_razorpay.calls("POST", f"/payments/{payment_id}/refund")
    assert len(calls) == 2  # the retry is sent; Razorpay answers it with the first refund
    for call in calls:
        assert call.request.headers["X-Refund-Idempotency"] == "refund-bk_4-1"
        assert _body(call) == {"amount": 110000, "speed": "normal", "notes": {"reason": "no-show"}}
        assert _basic_auth_ok(call)
    assert len(fake_razorpay.refunds) == 1


@pytest.mark.parametrize(
    ("destination", "mode", "fund_account"),
    [
        (
            Destination(kind="bank_account", name="Meera Mentor", ifsc="HDFC0001234", account_number="50100012345678"),
            "IMPS",
            {
                "account_type": "bank_account",
                "bank_account": {"name": "Meera Mentor", "ifsc": "HDFC0001234", "account_number": "50100012345678"},
            },
        ),
        (
            Destination(kind="vpa", name="Meera Mentor", vpa="meera@okhdfcbank"),
            "UPI",
            {"account_type": "vpa", "vpa": {"address": "meera@okhdfcbank"}},
        ),
    ],
)
def test_payout_contact_fund_account_payout(razorpay_gateway, fake_razorpay, destination, mode, fund_account):
    payout = razorpay_gateway.payout_create(
        amount_paise=900_00, destination=destination, reference_id="wd_42", idempotency_key="withdrawal-42"
    )
    (contact,) = fake_razorpay.calls("POST", "/contacts")
    assert _body(contact) == {"name": "Meera Mentor", "type": "vendor", "reference_id": "wd_42"}
    (account,) = fake_razorpay.calls("POST", "/fund_accounts")
    assert _body(account) == {"contact_id": "cont_00000000000001", **fund_account}
    (call,) = fake_razorpay.calls("POST", "/payouts")
    assert _body(call) == {
        "account_number": ACCOUNT_NUMBER,
        "fund_account_id": "fa_00000000000001",
        "amount": 90000,
        "currency": "INR",
        "mode": mode,
        "purpose": "payout",
        "queue_if_low_balance": True,
        "reference_id": "wd_42",
        "narration": "PeerLearn payout",
    }
    assert call.request.headers["X-Payout-Idempotency"] == "withdrawal-42"
    assert all(_basic_auth_ok(c) for c in (contact, account, call))
    assert payout.status == "processing"


def test_payouts_need_the_razorpayx_account(fake_razorpay):
    with override_settings(RAZORPAYX_ACCOUNT_NUMBER=""):
        gateway = get_gateway()
        assert isinstance(gateway, RazorpayGateway)
        assert not gateway.payouts_enabled()
        with pytest.raises(GatewayError) as error:
            gateway.payout_create(
                amount_paise=100_00,
                destination=Destination(kind="vpa", name="A", vpa="a@upi"),
                reference_id="wd_1",
                idempotency_key="withdrawal-1",
            )
    assert error.value.retryable is False
    assert not fake_razorpay.mock.calls


def test_checkout_signature_matches_the_sdk(razorpay_gateway):
    import hashlib
    import hmac

    signature = hmac.new(KEY_SECRET.encode(), b"order_A|pay_B", hashlib.sha256).hexdigest()
    params = {"razorpay_order_id": "order_A", "razorpay_payment_id": "pay_B", "razorpay_signature": signature}
    assert razorpay_gateway.client.utility.verify_payment_signature(params)
    assert razorpay_gateway.checkout_signature_valid(order_id="order_A", payment_id="pay_B", signature=signature)


def test_webhooks_without_a_secret_are_never_valid(fake_razorpay):
    with override_settings(RAZORPAY_WEBHOOK_SECRET=""):
        gateway = get_gateway()
    import hashlib
    import hmac

    assert not gateway.webhook_signature_valid(body=b"{}", signature=hmac.new(b"", b"{}", hashlib.sha256).hexdigest())


# --- Failures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [requests.exceptions.ConnectTimeout(), requests.exceptions.ReadTimeout(), requests.exceptions.ConnectionError()],
)
def test_timeouts_and_network_errors_are_retryable(razorpay_settings, failure):
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, f"{API}/orders", body=failure)
        with pytest.raises(GatewayError) as error:
            get_gateway().order_create(amount_paise=100_00, receipt="bk_5", notes={})
    assert error.value.retryable is True
    assert error.value.user_message == "The payment service did not answer. Try again."


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, '{"error": {"code": "SERVER_ERROR", "description": "We are facing some trouble"}}'),
        (502, "<html>Bad gateway</html>"),
        (503, ""),
        (429, '{"error": {"code": "BAD_REQUEST_ERROR", "description": "Too many requests"}}'),
        (409, '{"error": {"code": "BAD_REQUEST_ERROR", "description": "request is being processed"}}'),
    ],
)
def test_5xx_and_rate_limits_are_retryable(razorpay_settings, status, body):
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, f"{API}/payments/pay_1", status=status, body=body)
        with pytest.raises(GatewayError) as error:
            get_gateway().payment_fetch(payment_id="pay_1")
    assert error.value.retryable is True
    assert error.value.status_code == status


def test_400_is_not_retryable_and_keeps_razorpays_description(razorpay_settings):
    description = "The amount must be atleast INR 1.00"
    with responses.RequestsMock() as mock:
        mock.add(
            responses.POST,
            f"{API}/orders",
            status=400,
            json={"error": {"code": "BAD_REQUEST_ERROR", "description": description, "field": "amount"}},
        )
        with pytest.raises(GatewayError) as error:
            get_gateway().order_create(amount_paise=50, receipt="bk_6", notes={})
    assert error.value.retryable is False
    assert error.value.status_code == 400
    assert description in str(error.value)
    assert description not in error.value.user_message


def test_secrets_stay_out_of_repr(razorpay_gateway):
    assert KEY_SECRET not in repr(razorpay_gateway)


def test_the_gateways_are_named_in_settings(fake_razorpay):
    """Razorpay with its keys, the offline bank without: each the class that PAYMENT_GATEWAYS names."""
    assert type(get_gateway()).__module__ == "core.payments.gateways.razorpay_gateway"
    with override_settings(RAZORPAY_KEY_ID=""):
        gateway = get_gateway()
    assert type(gateway).__module__ == "core.testmode.gateway"
    assert gateway.is_test_mode
    with override_settings(PAYMENT_GATEWAYS={"razorpay": "core.testmode.gateway.TestModeGateway"}):
        assert get_gateway().is_test_mode
