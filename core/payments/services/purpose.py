"""Payments for a purpose a plugin names (a gift, a tip), through core's money machinery.

A plugin never touches the ledger or the gateway (docs/decisions/0012-plugins.md): it declares
its purposes (``payment_purposes`` hook) and asks, through ``core.plugin_api.payment_start``,
for a payment from a payer to a mentor with its own ``reference``. Core applies the session
split (``core.money.split``: the payer pays the price plus the fee, the mentor earns 90 % of the
price), opens a gateway order and the ``Payment`` in one idempotent step (``reference`` is
unique per purpose, so a retried start gives back the same payment), and the payer pays on
core's page ``/pay/<order id>/``.

Unlike a booking, nothing is still to be delivered: the payment is captured as soon as it is
authorized (here, from the checkout's answer; from ``payment.authorized`` by webhook; or by the
reconciler), and the mentor's share is available at once (``payment_mark_captured`` posts the
capture and the release). Only staff refund one (the Payment admin's action). The plugin hears
of the capture and refunds through ``on_payment_captured`` / ``on_payment_refunded``, after the
commit, as a ``hooks.PurposePayment``.
"""

from __future__ import annotations

import logging
import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.http import url_has_allowed_host_and_scheme

from core import hooks
from core.money import format_inr, is_whole_rupees, split
from core.payments.gateways import GatewayError, get_gateway
from core.payments.gateways.base import RECEIPT_MAX
from core.payments.models import BOOKING_PURPOSE, Payment, PaymentStatus
from core.payments.purposes import PURPOSE_SLUG, purposes_declared
from core.payments.services.payment import (
    PaymentError,
    payment_capture_attempt_mark,
    payment_mark_authorized,
    payment_mark_captured,
    payment_refund,
    payment_refund_part_of_purpose,
    purpose_payment_info,
)
from core.users.models import MentorProfile, User

logger = logging.getLogger(__name__)

REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
DEFAULT_MIN_PAISE = 1_000  # ₹10
DEFAULT_MAX_PAISE = 1_000_000  # ₹10,000
DESCRIPTION_MAX = Payment._meta.get_field("description").max_length
RETURN_URL_MAX = Payment._meta.get_field("return_url").max_length


# --- Starting a payment -------------------------------------------------------------------------


def _return_url_is_safe(url: str) -> bool:
    """A same-site path ("/p/tips/thanks/"), never another host or scheme ("//x", "https://x")."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and len(url) <= RETURN_URL_MAX
        and url.isprintable()
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False)
    )


def _limits(min_paise: int | None, max_paise: int | None) -> tuple[int, int]:
    low = DEFAULT_MIN_PAISE if min_paise is None else min_paise
    high = DEFAULT_MAX_PAISE if max_paise is None else max_paise
    for value in (low, high):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0 or not is_whole_rupees(value):
            raise ValueError(f"Payment limits are positive whole rupees in paise, not {value!r}.")
    if low > high:
        raise ValueError(f"The lowest price {low} is above the highest {high}.")
    return low, high


def _check(
    *,
    purpose,
    reference,
    payer,
    payee,
    price_paise,
    description,
    return_url,
    low: int,
    high: int,
) -> None:
    """Every refusal of ``purpose_payment_start``, as a ``PaymentError`` with a message for people."""
    if not isinstance(purpose, str) or purpose not in purposes_declared():
        raise PaymentError(f"No enabled plugin takes payments for {str(purpose)[:40]!r}.", code="purpose")
    if not isinstance(reference, str) or not REFERENCE.match(reference):
        raise PaymentError("A payment reference is 1 to 64 letters, digits, '.', '_', ':' or '-'.", code="reference")
    if not isinstance(payer, User) or payer.pk is None or not payer.is_active:
        raise PaymentError("Sign in to pay.", code="payer")
    if not isinstance(payee, User) or payee.pk is None:
        raise PaymentError("Payments go to a mentor.", code="payee")
    if payer.pk == payee.pk:
        raise PaymentError("You cannot pay yourself.", code="payee")
    if not MentorProfile.objects.filter(user_id=payee.pk, user__is_active=True, is_approved=True).exists():
        raise PaymentError("Payments go only to approved mentors.", code="payee")
    if not isinstance(price_paise, int) or isinstance(price_paise, bool):
        raise PaymentError("The amount is a whole number of rupees.", code="price")
    if not is_whole_rupees(price_paise) or not low <= price_paise <= high:
        raise PaymentError(f"The amount is whole rupees from {format_inr(low)} to {format_inr(high)}.", code="price")
    if not isinstance(description, str) or not description.strip() or len(description.strip()) > DESCRIPTION_MAX:
        raise PaymentError(f"Say what the payment is for in 1 to {DESCRIPTION_MAX} characters.", code="description")
    if not description.strip().isprintable():
        raise PaymentError("The description has characters that cannot be shown.", code="description")
    if return_url and (not isinstance(return_url, str) or not _return_url_is_safe(return_url)):
        raise PaymentError("The page after paying must be a path on this site.", code="return_url")


def _same_request(payment: Payment, *, payer: User, payee: User, price_paise: int) -> Payment:
    """A start repeated with the same reference (a double click, a retried request) gets the same
    payment; the same reference for another payer, payee or amount is refused."""
    if (payment.learner_id, payment.mentor_id, payment.price_paise) != (payer.pk, payee.pk, price_paise):
        raise PaymentError("This reference is already used for another payment.", code="reference")
    return payment


def _receipt(purpose: str, reference: str) -> str:
    return f"{purpose}:{reference}"[:RECEIPT_MAX]


def purpose_payment_start(
    *,
    purpose: str,
    reference: str,
    payer: User,
    payee: User,
    price_paise: int,
    description: str,
    return_url: str = "",
    min_paise: int | None = None,
    max_paise: int | None = None,
) -> Payment:
    """Open a payment of ``price_paise`` (plus the platform fee) from ``payer`` to the approved
    mentor ``payee`` for ``purpose`` (declared by an enabled plugin), known to the plugin as
    ``reference``; the payer pays it on ``/pay/<order id>/`` and is sent to ``return_url`` (a
    path on this site) afterwards.

    Amounts are whole rupees from ``min_paise`` to ``max_paise`` (₹10 to ₹10,000 unless the
    plugin says otherwise). Idempotent: the same ``(purpose, reference)`` again returns the
    payment made the first time (whatever its state); with another payer, payee or price it is
    refused. Raises ``PaymentError`` (nothing written) for what people got wrong, and when the
    gateway did not answer.
    """
    low, high = _limits(min_paise, max_paise)
    _check(
        purpose=purpose,
        reference=reference,
        payer=payer,
        payee=payee,
        price_paise=price_paise,
        description=description,
        return_url=return_url,
        low=low,
        high=high,
    )
    existing = Payment.objects.filter(purpose=purpose, reference=reference).first()
    if existing is not None:
        return _same_request(existing, payer=payer, payee=payee, price_paise=price_paise)
    amounts = split(price_paise)
    gateway = get_gateway()
    try:
        order = gateway.order_create(
            amount_paise=amounts.amount_paise,
            receipt=_receipt(purpose, reference),
            notes={"purpose": purpose, "reference": reference, "user_id": str(payer.pk)},
        )
    except GatewayError as exc:
        raise PaymentError(exc.user_message, code="gateway") from exc
    try:
        with transaction.atomic():
            return Payment.objects.create(
                purpose=purpose,
                reference=reference,
                description=description.strip(),
                return_url=return_url,
                learner=payer,
                mentor=payee,
                price_paise=amounts.price_paise,
                fee_paise=amounts.fee_paise,
                amount_paise=amounts.amount_paise,
                mentor_share_paise=amounts.mentor_share_paise,
                app_share_paise=amounts.app_share_paise,
                gateway=gateway.name,
                razorpay_order_id=order.id,
            )
    except IntegrityError:  # the same start, a moment ago: its order is used; this one lapses unpaid
        existing = Payment.objects.get(purpose=purpose, reference=reference)
        return _same_request(existing, payer=payer, payee=payee, price_paise=price_paise)


# --- Paying, capturing, refunding ---------------------------------------------------------------


def purpose_payment_capture(*, payment: Payment) -> Payment:
    """Capture an authorized purpose payment at once (no mentor accept: nothing is still to be
    delivered) and record it: the split and the release are posted, the plugin is told after
    the commit. Idempotent (the gateway's capture is, and so is ``payment_mark_captured``).
    Anything else (a booking's payment, another state) is returned as it is. A gateway error is
    raised; the webhook's task and the reconciler try again."""
    payment.refresh_from_db()
    if payment.purpose == BOOKING_PURPOSE or payment.status != PaymentStatus.AUTHORIZED:
        return payment
    payment_capture_attempt_mark(payment=payment)
    remote = get_gateway().payment_capture(payment_id=payment.razorpay_payment_id, amount_paise=payment.amount_paise)
    if remote.status in ("captured", "refunded"):
        payment_mark_captured(payment=payment)
    payment.refresh_from_db()
    return payment


NOT_VERIFIED = "We could not verify this payment. You have not been charged; try again."
MAX_TRIES = 3  # the plan's "Payment failure: Gift failed, retry? (3 tries)"


def purpose_payment_failure_record(*, payment: Payment) -> int:
    """A try at the checkout failed or was cancelled (Checkout's ``error`` answer): count it on a
    payment still waiting, and return how many tries failed so far. Nothing is charged; the
    payment stays open for another try."""
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CREATED).update(
            failed_attempts=F("failed_attempts") + 1
        )
        payment.refresh_from_db(fields=["failed_attempts", "status"])
    return payment.failed_attempts


def purpose_payment_failure_message(*, label: str, failed: int) -> str:
    """ "Gift failed, retry?" for the first ``MAX_TRIES`` failures, then "Try another method?"."""
    if failed < MAX_TRIES:
        left = MAX_TRIES - failed
        return (
            f"{label} failed, retry? Nothing was charged. {left} more tr{'y' if left == 1 else 'ies'} with this method."
        )
    return (
        f"{label} failed {failed} times. Try another method? Choose UPI, another card or net banking "
        "in the checkout. Nothing was charged."
    )


def purpose_payment_authorize(*, payment: Payment, payment_id: str, signature: str) -> Payment:
    """Take Checkout's answer for a purpose payment: the signature is checked against the
    *stored* order id, the payment is recorded authorized, then captured at once. Idempotent:
    the same answer again returns the payment as it is now. A bad signature changes nothing.
    If the capture call fails, the payment stays authorized and ``GatewayError`` is raised
    (the payer is told it is being confirmed; the reconciler captures it)."""
    if payment.purpose == BOOKING_PURPOSE:
        raise PaymentError("A booking is paid on its own checkout.")
    if not isinstance(payment_id, str) or not isinstance(signature, str):
        raise PaymentError(NOT_VERIFIED)
    if payment.razorpay_payment_id and payment.razorpay_payment_id == payment_id:
        return purpose_payment_capture(payment=payment)  # a replay, or a capture still to do
    if not get_gateway().checkout_signature_valid(
        order_id=payment.razorpay_order_id, payment_id=payment_id, signature=signature
    ):
        logger.warning("Checkout signature mismatch for %s payment %s", payment.purpose, payment.pk)
        raise PaymentError(NOT_VERIFIED)
    payment_mark_authorized(payment=payment, payment_id=payment_id)
    return purpose_payment_capture(payment=payment)


REASON_MAX = Payment._meta.get_field("refund_reason").max_length


def purpose_payment_refund(
    *, payment: Payment, by: User, amount_paise: int | None = None, reason: str = "Refunded by our team."
) -> Payment:
    """Staff refund a captured purpose payment, in full (``amount_paise`` None or the whole
    amount: ``payment_refund``) or in part, once, with the ``reason`` the payer and the payee
    are told. Never the payer: a gift is not taken back by whoever gave it. The mentor's share
    comes back out of their available balance (in proportion, for a part), and the plugin hears
    ``on_payment_refunded`` with the amount. Idempotent: a refunded payment is returned as it is.
    Raises ``PaymentError`` (nothing refunded) for a wrong amount, no reason, a booking's
    payment, a payment not captured, or a gateway that did not answer."""
    if not (isinstance(by, User) and by.is_active and by.is_staff):
        raise PermissionError("Only staff can refund this payment.")
    if payment.purpose == BOOKING_PURPOSE:
        raise PaymentError("A booking's payment is refunded through its booking (a cancellation or a report).")
    payment.refresh_from_db()
    if payment.status == PaymentStatus.REFUNDED or payment.refunded_paise:
        return payment
    if payment.status != PaymentStatus.CAPTURED:
        raise PaymentError("Only a captured payment can be refunded.", code="status")
    reason = " ".join(str(reason or "").split())
    if not reason or len(reason) > REASON_MAX or not reason.isprintable():
        raise PaymentError(
            f"Say why, in 1 to {REASON_MAX} characters: the payer and the mentor read it.", code="reason"
        )
    amount = payment.amount_paise if amount_paise is None else amount_paise
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= payment.amount_paise:
        raise PaymentError(
            f"A refund is more than ₹0 and at most the {format_inr(payment.amount_paise)} paid.", code="amount"
        )
    Payment.objects.filter(pk=payment.pk, refund_reason="").update(refund_reason=reason, refunded_by=by)
    try:
        if amount == payment.amount_paise:
            return payment_refund(payment=payment)
        return payment_refund_part_of_purpose(payment=payment, amount_paise=amount)
    except GatewayError as exc:
        raise PaymentError(exc.user_message) from exc


# --- Reading ------------------------------------------------------------------------------------


def purpose_payment_get(*, purpose: str, reference: str) -> hooks.PurposePayment | None:
    """The payment of ``purpose`` known to its plugin as ``reference``, as plugins see it; None
    when there is none (or the arguments are not a purpose and a reference)."""
    if not isinstance(purpose, str) or not isinstance(reference, str) or purpose == BOOKING_PURPOSE:
        return None
    if not PURPOSE_SLUG.match(purpose) or not REFERENCE.match(reference):
        return None
    payment = Payment.objects.filter(purpose=purpose, reference=reference).first()
    return None if payment is None else purpose_payment_info(payment)


def purpose_payment_for_payer(*, order_id: str, payer: User) -> Payment | None:
    """The purpose payment of gateway order ``order_id`` if ``payer`` made it; None otherwise
    (someone else's, a booking's, or no such order: the page answers 404 alike)."""
    if not isinstance(order_id, str) or "\x00" in order_id or not getattr(payer, "is_authenticated", False):
        return None
    return (
        Payment.objects.exclude(purpose=BOOKING_PURPOSE)
        .filter(razorpay_order_id=order_id, learner=payer)
        .select_related("mentor")
        .first()
    )


def purpose_payment_for_order(*, order_id: str) -> Payment | None:
    """The purpose payment of gateway order ``order_id``, whoever made it (for Checkout's signed
    answer, which may arrive without the payer's login cookie)."""
    if not isinstance(order_id, str) or "\x00" in order_id:
        return None
    return Payment.objects.exclude(purpose=BOOKING_PURPOSE).filter(razorpay_order_id=order_id).first()
