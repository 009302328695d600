"""Razorpay (payments) and RazorpayX (payouts) through the official SDK, with timeouts.

The SDK sends every call through ``client.session`` (a ``requests.Session``) and never sets a timeout, so
we hand it a session that adds one, and that turns transport failures and HTTP errors into
:class:`GatewayError` before the SDK sees them: the SDK only maps error *codes* (and prints to stdout),
while retrying depends on the HTTP *status*.
"""

from __future__ import annotations

import logging
from typing import Any

import razorpay
import requests
from django.conf import settings

from core.payments.gateways.base import (
    CURRENCY,
    PAYOUT_KEY,
    REFUND_KEY,
    Destination,
    Gateway,
    GatewayError,
    GatewayPayment,
    Order,
    Payout,
    Refund,
    check_amount,
    check_receipt,
    hmac_sha256_valid,
)

logger = logging.getLogger(__name__)

# Razorpay asks callers to retry these 4xx answers: 409 = the same idempotency key is still being processed.
RETRYABLE_STATUSES = frozenset({409, 429})


class _TimeoutSession(requests.Session):
    """A session with a default timeout that raises GatewayError for failures instead of returning them."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        try:
            response = super().request(method, url, *args, **kwargs)
        except requests.RequestException as exc:
            logger.warning("Razorpay %s %s failed: %s", method.upper(), url, exc.__class__.__name__)
            raise GatewayError(f"{method.upper()} {url}: {exc.__class__.__name__}: {exc}", retryable=True) from exc
        if response.status_code >= 400:
            raise _http_error(method, url, response)
        return response


def _http_error(method: str, url: str, response: requests.Response) -> GatewayError:
    status = response.status_code
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    code = error.get("code", "")
    description = error.get("description") or response.text[:200]
    retryable = status >= 500 or status in RETRYABLE_STATUSES
    logger.warning("Razorpay %s %s answered %s %s: %s", method.upper(), url, status, code, description)
    return GatewayError(f"Razorpay {status} {code}: {description}", retryable=retryable, status_code=status)


def _order(data: dict[str, Any]) -> Order:
    return Order(
        id=data["id"],
        amount_paise=int(data["amount"]),
        currency=data.get("currency", CURRENCY),
        receipt=data.get("receipt") or "",
        status=data["status"],
    )


def _payment(data: dict[str, Any]) -> GatewayPayment:
    return GatewayPayment(
        id=data["id"],
        order_id=data.get("order_id") or "",
        amount_paise=int(data["amount"]),
        status=data["status"],
        currency=data.get("currency") or CURRENCY,
    )


def _refund(data: dict[str, Any]) -> Refund:
    return Refund(id=data["id"], payment_id=data["payment_id"], amount_paise=int(data["amount"]), status=data["status"])


def _payout(data: dict[str, Any]) -> Payout:
    return Payout(
        id=data["id"],
        amount_paise=int(data["amount"]),
        status=data["status"],
        reference_id=data.get("reference_id") or "",
    )


class RazorpayGateway(Gateway):
    name = "razorpay"
    is_test_mode = False

    def __init__(
        self,
        *,
        key_id: str,
        key_secret: str,
        webhook_secret: str = "",
        account_number: str = "",
        timeout: float = 10.0,
    ):
        self.key_id = key_id
        self._key_secret = key_secret
        self._webhook_secret = webhook_secret
        self._account_number = account_number
        self.client = razorpay.Client(session=_TimeoutSession(timeout), auth=(key_id, key_secret))
        self.client.set_app_details({"title": "PeerLearn"})

    @classmethod
    def from_settings(cls) -> RazorpayGateway:
        return cls(
            key_id=settings.RAZORPAY_KEY_ID,
            key_secret=settings.RAZORPAY_KEY_SECRET,
            webhook_secret=settings.RAZORPAY_WEBHOOK_SECRET,
            account_number=settings.RAZORPAYX_ACCOUNT_NUMBER,
            timeout=settings.RAZORPAY_TIMEOUT_SECONDS,
        )

    def __repr__(self) -> str:  # never the secret
        return f"<RazorpayGateway key_id={self.key_id!r}>"

    # --- Orders and payments ------------------------------------------------------------------

    def order_create(self, *, amount_paise: int, receipt: str, notes: dict[str, str]) -> Order:
        check_amount(amount_paise)
        check_receipt(receipt)
        data = {
            "amount": amount_paise,
            "currency": CURRENCY,
            "receipt": receipt,
            "payment_capture": 0,  # manual capture: the mentor's Accept captures
            "notes": dict(notes),
        }
        return _order(self.client.order.create(data=data))

    def payment_fetch(self, *, payment_id: str) -> GatewayPayment:
        return _payment(self.client.payment.fetch(payment_id, {}))

    def order_payments(self, *, order_id: str) -> list[GatewayPayment]:
        return [_payment(item) for item in self.client.order.payments(order_id, {}).get("items", [])]

    def payment_capture(self, *, payment_id: str, amount_paise: int) -> GatewayPayment:
        check_amount(amount_paise)
        payment = self.payment_fetch(payment_id=payment_id)
        if payment.status in ("captured", "refunded"):
            return payment  # already captured (a refunded payment was captured first)
        if payment.status != "authorized":
            raise GatewayError(f"Payment {payment_id} is {payment.status}, not authorized.", retryable=False)
        try:
            data = self.client.payment.capture(payment_id, amount_paise, {"currency": CURRENCY})
        except GatewayError as exc:
            if exc.retryable:
                raise
            payment = self.payment_fetch(payment_id=payment_id)  # captured meanwhile by another worker?
            if payment.status == "captured":
                return payment
            raise
        return _payment(data)

    def payment_refund(
        self, *, payment_id: str, amount_paise: int, idempotency_key: str, notes: dict[str, str]
    ) -> Refund:
        check_amount(amount_paise)
        if not REFUND_KEY.match(idempotency_key):
            raise ValueError("A refund idempotency key has at least 10 letters, digits, '-' or '_'.")
        # The SDK's second `Payment.refund(payment_id, data)` shadows the first (payment_id, amount, data).
        data = self.client.payment.refund(
            payment_id,
            {"amount": amount_paise, "speed": "normal", "notes": dict(notes)},
            headers={"X-Refund-Idempotency": idempotency_key},
        )
        return _refund(data)

    def refund_fetch(self, *, refund_id: str) -> Refund:
        return _refund(self.client.refund.fetch(refund_id, {}))

    # --- Signatures ---------------------------------------------------------------------------

    def checkout_signature_valid(self, *, order_id: str, payment_id: str, signature: str) -> bool:
        message = f"{order_id}|{payment_id}".encode()
        return hmac_sha256_valid(secret=self._key_secret, message=message, signature=signature)

    def webhook_signature_valid(self, *, body: bytes, signature: str) -> bool:
        return hmac_sha256_valid(secret=self._webhook_secret, message=body, signature=signature)

    # --- Payouts (RazorpayX) ------------------------------------------------------------------

    def payouts_enabled(self) -> bool:
        return bool(self._account_number)

    def _post(self, path: str, data: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
        return self.client.post(f"/v1{path}", data, headers=dict(headers or {}))

    def payout_create(
        self,
        *,
        amount_paise: int,
        destination: Destination,
        reference_id: str,
        idempotency_key: str,
        purpose: str = "payout",
    ) -> Payout:
        check_amount(amount_paise)
        if not self.payouts_enabled():
            raise GatewayError("RAZORPAYX_ACCOUNT_NUMBER is not set.", retryable=False)
        if not PAYOUT_KEY.match(idempotency_key):
            raise ValueError("A payout idempotency key has 4 to 36 letters, digits, spaces, '-' or '_'.")
        # Razorpay answers an identical contact or fund account with the existing one, so a retry adds none.
        contact = self._post("/contacts", {"name": destination.name, "type": "vendor", "reference_id": reference_id})
        if destination.kind == "bank_account":
            account = {
                "account_type": "bank_account",
                "bank_account": {
                    "name": destination.name,
                    "ifsc": destination.ifsc,
                    "account_number": destination.account_number,
                },
            }
            mode = "IMPS"
        else:
            account = {"account_type": "vpa", "vpa": {"address": destination.vpa}}
            mode = "UPI"
        fund_account = self._post("/fund_accounts", {"contact_id": contact["id"], **account})
        data = {
            "account_number": self._account_number,
            "fund_account_id": fund_account["id"],
            "amount": amount_paise,
            "currency": CURRENCY,
            "mode": mode,
            "purpose": purpose,
            "queue_if_low_balance": True,
            "reference_id": reference_id,
            "narration": "PeerLearn payout",
        }
        return _payout(self._post("/payouts", data, {"X-Payout-Idempotency": idempotency_key}))

    def payout_fetch(self, *, payout_id: str) -> Payout:
        return _payout(self.client.get(f"/v1/payouts/{payout_id}", {}))
