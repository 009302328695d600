"""Payment gateways. ``get_gateway()`` picks Razorpay when its keys are set, else the offline test mode.

Both are named in ``settings.PAYMENT_GATEWAYS`` by dotted path, the way Django names an email
backend: payments defines the interface (``base.Gateway``) and never imports an implementation,
so the offline bank (``core.testmode.gateway``) sits in an app above payments.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

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
    """The ``razorpay`` gateway of ``settings.PAYMENT_GATEWAYS`` when RAZORPAY_KEY_ID and
    RAZORPAY_KEY_SECRET are set, otherwise the ``testmode`` one."""
    name = "razorpay" if settings.RAZORPAY_KEY_ID and settings.RAZORPAY_KEY_SECRET else "testmode"
    return import_string(settings.PAYMENT_GATEWAYS[name]).from_settings()
