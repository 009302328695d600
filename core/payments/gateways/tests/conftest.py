from __future__ import annotations

import pytest
import responses
from django.test import override_settings

from core.payments.gateways.razorpay_gateway import RazorpayGateway
from core.payments.gateways.tests.fake_razorpay import (
    ACCOUNT_NUMBER,
    KEY_ID,
    KEY_SECRET,
    WEBHOOK_SECRET,
    FakeRazorpay,
)

RAZORPAY_SETTINGS = {
    "RAZORPAY_KEY_ID": KEY_ID,
    "RAZORPAY_KEY_SECRET": KEY_SECRET,
    "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
    "RAZORPAYX_ACCOUNT_NUMBER": ACCOUNT_NUMBER,
    "RAZORPAY_TIMEOUT_SECONDS": 7.5,
}


@pytest.fixture
def razorpay_settings():
    with override_settings(**RAZORPAY_SETTINGS):
        yield


@pytest.fixture
def fake_razorpay(razorpay_settings):
    """Razorpay's HTTP API, faked; any request it does not know fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeRazorpay(mock)


@pytest.fixture
def razorpay_gateway(fake_razorpay) -> RazorpayGateway:
    return RazorpayGateway.from_settings()
