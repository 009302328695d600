"""The offline test-mode bank, for apps: what Razorpay Checkout's SDK hands back after "Pay".

Only while PeerLearn runs without Razorpay keys (the test-mode gateway), and only for an order of
the signed-in person. A real deployment answers 404 here: its money goes through Razorpay.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.payments.gateways import get_gateway
from core.testmode import services
from core.testmode.models import TestOrder


class TestPaymentSerializer(serializers.Serializer):
    razorpay_order_id = serializers.CharField()
    razorpay_payment_id = serializers.CharField()
    razorpay_signature = serializers.CharField()


class TestOrderPay(APIView):
    """``POST /api/v1/testmode/orders/{order_id}/pay/``."""

    @extend_schema(
        operation_id="testmode_order_pay",
        summary="Pay an order in test mode (no real money)",
        description="Does what the test checkout page's Pay button does and answers with the three fields "
        "Razorpay Checkout would: send them to the booking's `/payment/`. 404 when PeerLearn runs with "
        "Razorpay keys.",
        request=None,
        responses={200: TestPaymentSerializer},
        tags=["test mode"],
    )
    def post(self, request, order_id: str):
        if not get_gateway().is_test_mode:
            raise Http404("Test mode is off: pay through Razorpay Checkout.")
        order = TestOrder.objects.filter(pk=order_id, user=request.user).first()
        if order is None:
            raise Http404("No such order of yours.")
        payment = services.payment_authorize(order=order)
        return Response(
            {
                "razorpay_order_id": order.pk,
                "razorpay_payment_id": payment.pk,
                "razorpay_signature": services.checkout_signature(order_id=order.pk, payment_id=payment.pk),
            }
        )
