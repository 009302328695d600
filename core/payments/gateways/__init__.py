"""Payment gateways. ``get_gateway()`` picks Razorpay when its keys are set, else the offline test mode."""

from __future__ import annotations

from django.conf import settings

from core.payments.gateways.base import (
    Destination,
    Gateway,
    GatewayError,
    GatewayPayment,
    Order,
    Payout,
    Refund,
)

__all__ = [
    "Destination",
    "Gateway",
    "GatewayError",
    "GatewayPayment",
    "Order",
    "Payout",
    "Refund",
    "get_gateway",
]


def get_gateway() -> Gateway:
    """RazorpayGateway when RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET are set, otherwise TestModeGateway."""
    if settings.RAZORPAY_KEY_ID and settings.RAZORPAY_KEY_SECRET:
        from core.payments.gateways.razorpay_gateway import RazorpayGateway

        return RazorpayGateway.from_settings()
    from core.payments.gateways.testmode import TestModeGateway

    return TestModeGateway()
