"""What every page that opens Razorpay Checkout shares: the content security policy it needs and
the data its button carries (``templates/includes/razorpay_button.html``).

Checkout runs in redirect mode: Razorpay posts its signed answer to ``callback_url``, where the
signature is checked against the *stored* order id (a booking's ``/bookings/<pk>/return/``, a
plugin's purpose ``/pay/<order id>/return/``). In test mode the offline gateway's own page
(``TestModeGateway.checkout_url``) stands in for Razorpay and posts the same three fields.
"""

from __future__ import annotations

from django.http import HttpRequest

from core.payments.models import Payment

# Razorpay Checkout: its script, the frames it opens, and the calls it makes. Only on checkout pages.
RAZORPAY_CSP = {
    "script-src": ["https://checkout.razorpay.com"],
    "frame-src": ["https://api.razorpay.com", "https://checkout.razorpay.com"],
    "connect-src": ["https://api.razorpay.com", "https://lumberjack.razorpay.com"],
}


def razorpay_button(
    request: HttpRequest, *, payment: Payment, gateway, description: str, callback_path: str, cancel_path: str
) -> dict[str, str | int]:
    """The data attributes of the "Open Razorpay Checkout" button for ``payment``'s order."""
    return {
        "key_id": gateway.key_id,
        "order_id": payment.razorpay_order_id,
        "amount_paise": payment.amount_paise,
        "description": description,
        "callback_url": request.build_absolute_uri(callback_path),
        "cancel_url": request.build_absolute_uri(cancel_path),
    }
