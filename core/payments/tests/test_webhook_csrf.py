"""The webhook endpoint in Razorpay mode (keys set) behind Django's CSRF checks, as in production:
Razorpay sends no CSRF token, so a correctly signed delivery must still be accepted, and an
unsigned or wrongly signed one refused before anything is stored."""

import hashlib
import hmac
import json

import pytest
from django.test import Client, override_settings

from core.payments.gateways import get_gateway
from core.payments.models import WebhookEvent

pytestmark = pytest.mark.django_db
URL = "/payments/razorpay/webhook/"
SECRET = "whsec_csrf_test"
RAZORPAY = {"RAZORPAY_KEY_ID": "rzp_test_csrf", "RAZORPAY_KEY_SECRET": "key_secret", "RAZORPAY_WEBHOOK_SECRET": SECRET}


def _body() -> bytes:
    entity = {"id": "pay_csrf0000000001", "order_id": "order_csrf000000001", "amount": 110000, "currency": "INR"}
    return json.dumps({"event": "payment.failed", "payload": {"payment": {"entity": entity}}, "created_at": 1}).encode()


def _signature(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def csrf_client() -> Client:
    """A client that, like a browser in production, gets Django's CSRF checks."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def razorpay_mode():
    with override_settings(**RAZORPAY):
        assert get_gateway().name == "razorpay"
        yield


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_correctly_signed_delivery_is_accepted(csrf_client, learner, signed_in):
    if signed_in:
        csrf_client.force_login(learner)
    body = _body()

    response = csrf_client.post(
        URL,
        body,
        content_type="application/json",
        headers={"X-Razorpay-Signature": _signature(body), "X-Razorpay-Event-Id": "evt_csrf_1"},
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"status": "accepted"}
    assert WebhookEvent.objects.filter(event_id="evt_csrf_1").count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Razorpay-Signature": ""},
        {"X-Razorpay-Signature": _signature(_body(), secret="someone-else")},
        {"X-Razorpay-Signature": _signature(_body() + b" ")},
    ],
    ids=["no header", "empty", "other secret", "other body"],
)
def test_an_unsigned_or_wrongly_signed_delivery_is_refused(csrf_client, headers):
    response = csrf_client.post(
        URL, _body(), content_type="application/json", headers=headers | {"X-Razorpay-Event-Id": "evt_csrf_2"}
    )

    assert response.status_code == 400
    assert "error" in response.json()
    assert not WebhookEvent.objects.exists()
