"""The Razorpay webhook endpoint (verify, store once, answer fast), and the checkout page of a
payment for a plugin's purpose (``/pay/<order id>/``) with the return URL Checkout posts to."""

from __future__ import annotations

import logging

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.payments.checkout import RAZORPAY_CSP, razorpay_button
from core.payments.gateways import GatewayError, get_gateway
from core.payments.models import Payment, PaymentStatus
from core.payments.services import PaymentError, purpose_label, purpose_payment_authorize
from core.payments.services.purpose import (
    purpose_payment_failure_message,
    purpose_payment_failure_record,
    purpose_payment_for_order,
    purpose_payment_for_payer,
)
from core.payments.tasks import webhook_event_process_task
from core.payments.webhooks import BadWebhook, webhook_event_record

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def razorpay_webhook(request: HttpRequest) -> JsonResponse:
    signature = request.headers.get("X-Razorpay-Signature", "")
    if not signature:
        return JsonResponse({"error": "Missing X-Razorpay-Signature header."}, status=400)
    body = request.body
    if not get_gateway().webhook_signature_valid(body=body, signature=signature):
        logger.warning("Webhook with a bad signature refused")
        return JsonResponse({"error": "The signature does not match the body."}, status=400)
    try:
        event, created = webhook_event_record(body=body, event_id=request.headers.get("X-Razorpay-Event-Id", ""))
    except BadWebhook as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    if created or event.processed_at is None:  # a redelivery retries an event whose processing failed
        transaction.on_commit(lambda: webhook_event_process_task.delay(event.pk))
    return JsonResponse({"status": "accepted" if created else "duplicate"})


# --- Checkout of a payment for a plugin's purpose -------------------------------------------------

PAID = "Paid. Thank you!"
CONFIRMING = "Your payment went through; we are confirming it with the bank. This page updates in a minute."


def _checkout_page(order_id: str) -> str:
    return reverse("pay:checkout", args=[order_id])


def _own_purpose_payment(request: HttpRequest, order_id: str) -> Payment:
    payment = purpose_payment_for_payer(order_id=order_id, payer=request.user)
    if payment is None:
        raise Http404("No such payment.")
    return payment


@csp_update(RAZORPAY_CSP)
def _with_razorpay(request: HttpRequest, context: dict) -> HttpResponse:
    return render(request, "payments/purpose_checkout.html", context)


@never_cache
@login_required
@require_GET
def purpose_checkout(request: HttpRequest, order_id: str) -> HttpResponse:
    """``/pay/<order id>/``: what a plugin's payment is for, the price, the fee and the total, and
    the way to pay (Razorpay Checkout, or the test-mode bank). The payer only; others get 404."""
    payment = _own_purpose_payment(request, order_id)
    gateway = get_gateway()
    payable = payment.status == PaymentStatus.CREATED
    label = purpose_label(payment.purpose)
    context = {
        "payment": payment,
        "label": label,
        "test_mode": gateway.is_test_mode,
        "payable": payable,
        "continue_url": payment.return_url or reverse("core:learner-payments"),
    }
    if payable and gateway.is_test_mode:
        context["testmode_url"] = gateway.checkout_url(
            order_id=payment.razorpay_order_id, callback=reverse("pay:return", args=[payment.razorpay_order_id])
        )
    elif payable:
        context["checkout"] = razorpay_button(
            request,
            payment=payment,
            gateway=gateway,
            description=f"{label}: {payment.description}"[:255],
            callback_path=reverse("pay:return", args=[payment.razorpay_order_id]),
            cancel_path=_checkout_page(payment.razorpay_order_id),
        )
        return _with_razorpay(request, context)
    return render(request, "payments/purpose_checkout.html", context)


@never_cache
@csrf_exempt  # Razorpay posts here from its own page; the signature, checked on the stored order, is the proof.
def purpose_checkout_return(request: HttpRequest, order_id: str) -> HttpResponse:
    """Checkout's answer for a plugin's payment: three signed fields on success, an ``error``
    otherwise. On success the payment is captured at once and the payer goes to the plugin's page."""
    if request.user.is_authenticated:
        payment = _own_purpose_payment(request, order_id)
    else:
        # Razorpay's cross-site POST carries no login cookie: only a signed success is accepted then.
        payment = purpose_payment_for_order(order_id=order_id)
        if payment is None or request.method != "POST" or "razorpay_signature" not in request.POST:
            return redirect_to_login(_checkout_page(order_id))
    if request.method != "POST":
        return redirect(_checkout_page(payment.razorpay_order_id))
    data = request.POST
    if any(key == "error" or key.startswith("error[") for key in data):
        failed = purpose_payment_failure_record(payment=payment)
        messages.error(request, purpose_payment_failure_message(label=purpose_label(payment.purpose), failed=failed))
        return redirect(_checkout_page(payment.razorpay_order_id))
    try:
        payment = purpose_payment_authorize(
            payment=payment,
            payment_id=data.get("razorpay_payment_id", ""),
            signature=data.get("razorpay_signature", ""),
        )
    except PaymentError as exc:
        messages.error(request, exc.messages[0])
        return redirect(_checkout_page(payment.razorpay_order_id))
    except GatewayError:
        logger.warning("Capture of %s payment %s did not answer; the reconciler retries", payment.purpose, payment.pk)
        messages.info(request, CONFIRMING)
        return redirect(_checkout_page(payment.razorpay_order_id))
    if not request.user.is_authenticated:
        return redirect_to_login(payment.return_url or _checkout_page(payment.razorpay_order_id))
    messages.success(request, PAID)
    return redirect(payment.return_url or _checkout_page(payment.razorpay_order_id))
