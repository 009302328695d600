"""Writes about money: a payment's state (``payment``), payments for a plugin's purpose
(``purpose``), asking for a withdrawal (``withdrawal``) and paying it out (``payout``).

The names are re-exported here, so callers import ``from core.payments.services import …``.
"""

from core.payments.purposes import purpose_label, purposes_declared
from core.payments.services.payment import (
    PaymentError,
    payment_capture_attempt_mark,
    payment_capture_settle,
    payment_create,
    payment_mark_authorized,
    payment_mark_captured,
    payment_mark_refunded,
    payment_refund,
    payment_refund_part_post,
    payment_refund_part_request,
    payment_release,
    payments_void_open,
)
from core.payments.services.payout import (
    PAYOUT_DONE_STATUSES,
    PAYOUT_FAILED_STATUSES,
    withdrawal_payout_send,
    withdrawal_settle,
    withdrawal_settle_applies,
)
from core.payments.services.purpose import (
    purpose_payment_authorize,
    purpose_payment_capture,
    purpose_payment_get,
    purpose_payment_refund,
    purpose_payment_start,
)
from core.payments.services.withdrawal import (
    MIN_WITHDRAWAL_PAISE,
    withdrawal_request,
    withdrawal_second_factor_require,
)

__all__ = [
    "MIN_WITHDRAWAL_PAISE",
    "PAYOUT_DONE_STATUSES",
    "PAYOUT_FAILED_STATUSES",
    "PaymentError",
    "payment_capture_attempt_mark",
    "payment_capture_settle",
    "payment_create",
    "payment_mark_authorized",
    "payment_mark_captured",
    "payment_mark_refunded",
    "payment_refund",
    "payment_refund_part_post",
    "payment_refund_part_request",
    "payment_release",
    "payments_void_open",
    "purpose_label",
    "purpose_payment_authorize",
    "purpose_payment_capture",
    "purpose_payment_get",
    "purpose_payment_refund",
    "purpose_payment_start",
    "purposes_declared",
    "withdrawal_payout_send",
    "withdrawal_request",
    "withdrawal_second_factor_require",
    "withdrawal_settle",
    "withdrawal_settle_applies",
]
