"""The test-mode checkout page and the staff control page for test payouts.

Both exist only while the offline gateway is active; with Razorpay keys set they answer 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.money import format_inr
from core.payments.gateways import get_gateway
from core.testmode import services
from core.testmode.models import TestOrder, TestPayout

ACTIONS = ("pay", "fail", "cancel")


def _require_test_mode() -> None:
    if not get_gateway().is_test_mode:
        raise Http404


def callback_is_safe(callback: str) -> bool:
    """A same-site relative path ("/bookings/…"), never another host or scheme ("//x", "https://x", "/\\x")."""
    return (
        callback.startswith("/")
        and not callback.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(callback, allowed_hosts=set(), require_https=False)
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def order_checkout(request: HttpRequest, order_id: str) -> HttpResponse:
    """Razorpay Checkout, offline: Pay, Fail or Cancel, then hand the result to the callback path."""
    _require_test_mode()
    order = get_object_or_404(TestOrder, pk=order_id, user=request.user)
    callback = (request.POST if request.method == "POST" else request.GET).get("callback", "")
    if not callback_is_safe(callback):
        return HttpResponseBadRequest("The callback must be a path on this site.")
    context = {"order": order, "amount": format_inr(order.amount_paise), "callback": callback}
    if request.method == "GET":
        return render(request, "testmode/checkout.html", context)

    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return HttpResponseBadRequest("Choose Pay, Fail or Cancel.")
    # Exactly what Razorpay Checkout hands its handlers: three fields on success, an error otherwise.
    if action == "pay":
        payment = services.payment_authorize(order=order)
        fields = {
            "razorpay_order_id": order.pk,
            "razorpay_payment_id": payment.pk,
            "razorpay_signature": services.checkout_signature(order_id=order.pk, payment_id=payment.pk),
        }
        outcome = "paid"
    elif action == "fail":
        payment = services.payment_fail(order=order)
        fields = {"error": "payment_failed", "razorpay_order_id": order.pk, "razorpay_payment_id": payment.pk}
        outcome = "failed"
    else:
        fields = {"error": "cancelled", "razorpay_order_id": order.pk}
        outcome = "cancelled"
    return render(request, "testmode/return.html", {**context, "fields": fields, "outcome": outcome})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def payout_list(request: HttpRequest) -> HttpResponse:
    """Staff only: every test payout, with buttons to fail or reverse one (to exercise the failure path)."""
    _require_test_mode()
    if not request.user.is_staff:
        raise PermissionDenied("Only staff can change test payouts.")
    if request.method == "POST":
        payout = get_object_or_404(TestPayout, pk=request.POST.get("payout_id", ""))
        status = request.POST.get("status", "")
        if status not in ("failed", "reversed"):
            return HttpResponseBadRequest("A test payout can be failed or reversed.")
        services.payout_fail(payout=payout, status=status)
        return redirect("testmode:payout-list")
    rows = [
        (payout, format_inr(payout.amount_paise), payout.status not in services.FAILED_PAYOUT_STATUSES)
        for payout in TestPayout.objects.all()[:200]
    ]
    return render(request, "testmode/payouts.html", {"rows": rows})
