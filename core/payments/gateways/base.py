"""The payment gateway interface: what the payments services may ask of Razorpay (or its offline twin).

Every amount is an int of paise, as Razorpay counts. Ids are the gateway's own (``order_…``, ``pay_…``,
``rfnd_…``, ``pout_…``). The services never talk HTTP; they call a :class:`Gateway` from
:func:`core.payments.gateways.get_gateway`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass

CURRENCY = "INR"
RECEIPT_MAX = 40  # characters, Razorpay's limit
REFUND_KEY = re.compile(r"^[A-Za-z0-9_-]{10,}$")  # X-Refund-Idempotency: at least 10 of these
PAYOUT_KEY = re.compile(r"^[A-Za-z0-9_ -]{4,36}$")  # X-Payout-Idempotency: 4 to 36 of these


@dataclass(frozen=True)
class Order:
    id: str
    amount_paise: int
    currency: str
    receipt: str
    status: str  # "created" | "attempted" | "paid"


@dataclass(frozen=True)
class GatewayPayment:
    id: str
    order_id: str
    amount_paise: int
    status: str  # "created" | "authorized" | "captured" | "refunded" | "failed"
    currency: str = CURRENCY


@dataclass(frozen=True)
class Refund:
    id: str
    payment_id: str
    amount_paise: int
    status: str  # "pending" | "processed" | "failed"


@dataclass(frozen=True)
class Destination:
    kind: str  # "bank_account" | "vpa"
    name: str
    ifsc: str = ""
    account_number: str = ""
    vpa: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("bank_account", "vpa"):
            raise ValueError(f"A destination is a bank_account or a vpa, not {self.kind!r}.")


@dataclass(frozen=True)
class Payout:
    id: str
    amount_paise: int
    status: str  # queued | pending | processing | processed | reversed | cancelled | rejected | failed
    reference_id: str


class GatewayError(Exception):
    """The gateway refused or did not answer.

    ``user_message`` is safe to show; ``str(error)`` keeps the gateway's own description for logs.
    ``retryable`` is True for timeouts, network errors and 5xx answers: the same call may succeed later
    (with the same idempotency key). A 4xx answer is not retryable: the request itself is wrong.
    """

    RETRY_MESSAGE = "The payment service did not answer. Try again."
    REFUSED_MESSAGE = "The payment service refused this request."

    def __init__(self, detail: str, *, retryable: bool, user_message: str = "", status_code: int | None = None):
        super().__init__(detail)
        self.retryable = retryable
        self.status_code = status_code
        self.user_message = user_message or (self.RETRY_MESSAGE if retryable else self.REFUSED_MESSAGE)


def hmac_sha256_valid(*, secret: str, message: bytes, signature: str) -> bool:
    """Whether ``signature`` is the hex HMAC-SHA256 of ``message``, compared in constant time."""
    if not secret or not signature:
        return False
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def hmac_sha256_hex(*, secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class Gateway(ABC):
    """What a payment gateway does for PeerLearn. Every method takes keyword arguments only."""

    name: str  # "razorpay" | "testmode"
    is_test_mode: bool
    key_id: str  # public key for Razorpay Checkout ("" in test mode)

    @classmethod
    def from_settings(cls) -> Gateway:
        """The gateway as the settings configure it (``get_gateway`` builds it so)."""
        return cls()

    @abstractmethod
    def order_create(self, *, amount_paise: int, receipt: str, notes: dict[str, str]) -> Order:
        """Create an order for manual capture (``payment_capture=0``): payments stay authorized until captured."""

    @abstractmethod
    def payment_fetch(self, *, payment_id: str) -> GatewayPayment: ...

    @abstractmethod
    def order_payments(self, *, order_id: str) -> list[GatewayPayment]:
        """Every payment attempted on an order (for the reconciler)."""

    @abstractmethod
    def payment_capture(self, *, payment_id: str, amount_paise: int) -> GatewayPayment:
        """Capture an authorized payment. Idempotent: an already captured payment is returned as it is."""

    @abstractmethod
    def payment_refund(
        self, *, payment_id: str, amount_paise: int, idempotency_key: str, notes: dict[str, str]
    ) -> Refund:
        """Refund (or release) a payment. The same ``idempotency_key`` twice gives the same refund, never two."""

    @abstractmethod
    def refund_fetch(self, *, refund_id: str) -> Refund: ...

    @abstractmethod
    def checkout_signature_valid(self, *, order_id: str, payment_id: str, signature: str) -> bool:
        """HMAC-SHA256(order_id + "|" + payment_id) with the key secret, compared in constant time."""

    @abstractmethod
    def webhook_signature_valid(self, *, body: bytes, signature: str) -> bool:
        """HMAC-SHA256 of the raw request body with the webhook secret (header ``X-Razorpay-Signature``)."""

    @abstractmethod
    def payout_create(
        self,
        *,
        amount_paise: int,
        destination: Destination,
        reference_id: str,
        idempotency_key: str,
        purpose: str = "payout",
    ) -> Payout:
        """Pay money out (RazorpayX: contact → fund account → payout). Same key twice → the same payout."""

    @abstractmethod
    def payout_fetch(self, *, payout_id: str) -> Payout: ...

    @abstractmethod
    def payouts_enabled(self) -> bool:
        """Whether payouts go through the gateway (otherwise an admin marks withdrawals paid)."""


def check_amount(amount_paise: int) -> None:
    """Amounts are positive ints of paise; a float or a bool never reaches the gateway."""
    if not isinstance(amount_paise, int) or isinstance(amount_paise, bool) or amount_paise <= 0:
        raise ValueError(f"An amount is a positive int of paise, not {amount_paise!r}.")


def check_receipt(receipt: str) -> None:
    if not receipt or len(receipt) > RECEIPT_MAX:
        raise ValueError(f"A receipt has 1 to {RECEIPT_MAX} characters, not {receipt!r}.")
