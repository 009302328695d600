"""The gifting plugin's endpoints in the public API, at ``/api/v1/p/gifting/``: what the web's gift
dialog does, for apps. A learner reads whether they may gift after a booking (and the cost of an
amount), starts a gift (answering what Razorpay Checkout needs, as a booking's checkout does),
sends Checkout's answer, and reads the gifts they sent; a mentor reads the gifts they received and
turns gifts on or off. The rules are the web's: ``plugins.gifting.services``."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core import plugin_api
from plugins.gifting import selectors, services, views
from plugins.gifting.models import Gift, GiftStatus

TAGS = ["gifting"]


def _printable(value: str) -> str:
    if value and not value.isprintable():
        raise serializers.ValidationError("The message has characters that cannot be shown.")
    return value


# --- Shapes ------------------------------------------------------------------------------------


class GiftCheckoutSerializer(serializers.Serializer):
    """What Razorpay's Checkout (web, Android, iOS) is opened with for a gift."""

    gateway = serializers.ChoiceField(choices=["razorpay", "testmode"])
    test_mode = serializers.BooleanField(help_text="True: no real money; pay through `/testmode/orders/{id}/pay/`.")
    key_id = serializers.CharField(allow_blank=True, help_text="Razorpay's public key (empty in test mode).")
    order_id = serializers.CharField()
    amount_paise = serializers.IntegerField()
    currency = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    prefill_name = serializers.CharField(allow_blank=True)
    prefill_email = serializers.CharField()
    checkout_url = serializers.CharField(help_text="Core's checkout page, for a browser.")
    tries_left = serializers.IntegerField()


class GiftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="`started` (waiting for the payment), `paid` or `refunded`.")
    status_display = serializers.CharField()
    booking_id = serializers.IntegerField()
    session_title = serializers.CharField()
    learner_name = serializers.CharField()
    mentor_id = serializers.IntegerField()
    mentor_name = serializers.CharField()
    price_paise = serializers.IntegerField(help_text="The gift.")
    amount_paise = serializers.IntegerField(help_text="What the learner pays: the gift and the platform fee.")
    mentor_share_paise = serializers.IntegerField()
    refunded_paise = serializers.IntegerField()
    message = serializers.CharField(allow_blank=True)
    created_at = plugin_api.ApiInstant()
    paid_at = plugin_api.ApiInstant(allow_null=True)


class GiftDetailSerializer(GiftSerializer):
    checkout = GiftCheckoutSerializer(
        allow_null=True, help_text="The giver's checkout while the gift waits for its payment; null otherwise."
    )


class GiftWindowSerializer(serializers.Serializer):
    booking_id = serializers.IntegerField()
    session_title = serializers.CharField()
    mentor_name = serializers.CharField()
    open = serializers.BooleanField(help_text="Whether a gift can be sent now.")
    closes_at = plugin_api.ApiInstant(allow_null=True)
    refusal = serializers.CharField(allow_blank=True, help_text="Why not, in words (empty when open).")
    presets_rupees = serializers.ListField(child=serializers.IntegerField())
    min_rupees = serializers.IntegerField()
    max_rupees = serializers.IntegerField()
    message_max = serializers.IntegerField()
    left_for_session = serializers.IntegerField(help_text="Gifts this session can still take from you.")
    left_today_paise = serializers.IntegerField(help_text="What you may still give today.")
    sent_paise = serializers.IntegerField(help_text="What you gave after this session (paid, not refunded).")


class GiftStartSerializer(serializers.Serializer):
    rupees = serializers.IntegerField(
        min_value=services.MIN_RUPEES,
        max_value=services.MAX_RUPEES,
        help_text=f"Whole rupees, {services.MIN_RUPEES} to {services.MAX_RUPEES:,}.",
    )
    message = serializers.CharField(
        max_length=services.MESSAGE_MAX, required=False, allow_blank=True, validators=[_printable]
    )


class GiftPreviewSerializer(serializers.Serializer):
    price_paise = serializers.IntegerField()
    fee_paise = serializers.IntegerField()
    amount_paise = serializers.IntegerField(help_text="What you pay.")
    mentor_share_paise = serializers.IntegerField(help_text="What your mentor receives.")
    text = serializers.CharField()


class GiftPaymentAnswerSerializer(serializers.Serializer):
    razorpay_payment_id = serializers.CharField(max_length=64)
    razorpay_order_id = serializers.CharField(max_length=64, required=False)
    razorpay_signature = serializers.CharField(max_length=256)


class GiftSettingsSerializer(serializers.Serializer):
    accepts_gifts = serializers.BooleanField()


def gift_data(gift: Gift) -> dict:
    return {
        "id": gift.pk,
        "status": gift.status,
        "status_display": gift.get_status_display(),
        "booking_id": gift.booking_id,
        "session_title": gift.session_title,
        "learner_name": gift.learner.name or "A learner",
        "mentor_id": gift.mentor_id,
        "mentor_name": gift.mentor.name,
        "price_paise": gift.price_paise,
        "amount_paise": gift.amount_paise,
        "mentor_share_paise": gift.mentor_share_paise,
        "refunded_paise": gift.refunded_paise,
        "message": gift.message,
        "created_at": gift.created_at,
        "paid_at": gift.paid_at,
    }


def _checkout(gift: Gift, user) -> dict | None:
    if gift.status != GiftStatus.STARTED or gift.learner_id != user.pk:
        return None
    found = plugin_api.payment_checkout(purpose=services.PURPOSE, reference=gift.reference, payer=user)
    return None if found is None else vars(found)


def _detail(gift: Gift, user) -> dict:
    return GiftDetailSerializer({**gift_data(gift), "checkout": _checkout(gift, user)}).data


def _learner_only(request) -> None:
    if getattr(request.user, "role", None) != "learner":
        raise PermissionDenied("Only learners send gifts.")


def _booking(request, booking_id: int) -> plugin_api.LearnerBooking:
    _learner_only(request)
    booking = plugin_api.booking_of_learner(learner=request.user, booking_id=booking_id)
    if booking is None:
        raise Http404("No such booking.")
    return booking


def _gift(request, pk: int) -> Gift:
    gift = selectors.gift_get_for(user=request.user, pk=pk)
    if gift is None:
        raise Http404("No such gift.")
    return gift


def _own_gift(request, pk: int) -> Gift:
    gift = _gift(request, pk)
    if gift.learner_id != request.user.pk:
        raise PermissionDenied("Only the gift's giver pays for it.")
    return gift


# --- Giving ------------------------------------------------------------------------------------


class GiftWindowView(plugin_api.ApiView):
    """``GET /api/v1/p/gifting/bookings/{booking_id}/``."""

    @extend_schema(
        operation_id="gifting_window_get",
        summary="Can I send a gift after this booking? (learners)",
        description="What the gift dialog shows: whether gifts are open for the booking (from the room's "
        "opening until 7 days after the session, if the mentor takes gifts), the amounts, and your limits.",
        responses={200: GiftWindowSerializer},
        tags=TAGS,
    )
    def get(self, request, booking_id: int):
        booking = _booking(request, booking_id)
        window = services.gift_window(booking=booking)
        limits = services.gift_limits(learner=request.user, booking_id=booking.id)
        data = {
            "booking_id": booking.id,
            "session_title": booking.session_title,
            "mentor_name": booking.mentor.name,
            "open": window.open,
            "closes_at": window.closes_at,
            "refusal": window.refusal,
            "presets_rupees": list(services.PRESETS_RUPEES),
            "min_rupees": services.MIN_RUPEES,
            "max_rupees": services.MAX_RUPEES,
            "message_max": services.MESSAGE_MAX,
            "left_for_session": limits.left_for_session,
            "left_today_paise": limits.left_today_paise,
            "sent_paise": services.gifts_sent_paise(learner=request.user, booking_id=booking.id),
        }
        return Response(GiftWindowSerializer(data).data)


class GiftStartView(plugin_api.ApiIdempotent, plugin_api.ApiView):
    """``POST /api/v1/p/gifting/bookings/{booking_id}/gifts/``."""

    problem_statuses = {"POST": (409,)}

    @extend_schema(
        operation_id="gifting_gift_start",
        summary="Send a gift to the session's mentor: open its checkout (learners)",
        description="Opens a payment of the gift plus the platform fee; open Razorpay Checkout with `checkout`, "
        "then send its answer to `/gifts/{id}/payment/`. The mentor receives 90 % of the gift. Send an "
        "`Idempotency-Key`: the same request again gives back the same gift, never a second payment. "
        "409 when gifts are closed for this booking or a limit is reached.",
        request=GiftStartSerializer,
        responses={201: GiftDetailSerializer},
        examples=[OpenApiExample("A gift of ₹100", value={"rupees": 100, "message": "Thanks for the session!"})],
        tags=TAGS,
    )
    def post(self, request, booking_id: int):
        booking = _booking(request, booking_id)
        data = GiftStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        window = services.gift_window(booking=booking)
        if not window.open:
            raise plugin_api.ApiConflict(window.refusal)
        token = services.new_token()
        try:
            gift, _payment = services.gift_start(
                learner=request.user,
                booking_id=booking.id,
                price_paise=data.validated_data["rupees"] * 100,
                message=data.validated_data.get("message", ""),
                token=token,
                return_url=reverse("gifting:sent", args=[token]),
            )
        except services.GiftError as exc:
            raise plugin_api.ApiConflict(exc.messages[0]) from exc
        gift = _gift(request, gift.pk)
        location = reverse("api:v1:gifting:gift", args=[gift.pk])
        return Response(_detail(gift, request.user), status=status.HTTP_201_CREATED, headers={"Location": location})


class GiftPreviewView(plugin_api.ApiView):
    """``GET /api/v1/p/gifting/preview/?rupees=100``."""

    @extend_schema(
        operation_id="gifting_preview",
        summary="What a gift costs, and what the mentor receives",
        parameters=[OpenApiParameter("rupees", int, required=True, description="Whole rupees, 10 to 10,000.")],
        responses={200: GiftPreviewSerializer},
        tags=TAGS,
    )
    def get(self, request):
        raw = request.query_params.get("rupees", "").strip()
        low, high = services.MIN_RUPEES, services.MAX_RUPEES
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and low <= int(raw) <= high):
            raise serializers.ValidationError({"rupees": [f"A gift is whole rupees from ₹{low} to ₹{high:,}."]})
        parts = plugin_api.payment_split(price_paise=int(raw) * 100)
        return Response(
            GiftPreviewSerializer(
                {
                    "price_paise": parts.price_paise,
                    "fee_paise": parts.fee_paise,
                    "amount_paise": parts.amount_paise,
                    "mentor_share_paise": parts.mentor_share_paise,
                    "text": views.preview_text(price_paise=parts.price_paise),
                }
            ).data
        )


# --- A gift and its payment ----------------------------------------------------------------------


class GiftDetailView(plugin_api.ApiView):
    """``GET /api/v1/p/gifting/gifts/{id}/``."""

    @extend_schema(
        operation_id="gifting_gift_get",
        summary="One gift and its status (its giver, or its mentor once paid)",
        responses={200: GiftDetailSerializer},
        tags=TAGS,
    )
    def get(self, request, pk: int):
        return Response(_detail(_gift(request, pk), request.user))


class GiftPaymentView(plugin_api.ApiIdempotent, plugin_api.ApiView):
    """``POST /api/v1/p/gifting/gifts/{id}/payment/``."""

    problem_statuses = {"POST": (409,)}

    @extend_schema(
        operation_id="gifting_gift_payment_confirm",
        summary="Confirm the gift's payment with Checkout's answer",
        description="Send the fields Razorpay Checkout hands its success handler: the payment is verified and "
        "captured at once, and the mentor is thanked. 409 when the answer does not verify.",
        request=GiftPaymentAnswerSerializer,
        responses={200: GiftDetailSerializer},
        examples=[
            OpenApiExample(
                "Checkout's answer",
                value={
                    "razorpay_payment_id": "pay_29QQoUBi66xm2f",
                    "razorpay_order_id": "order_9A33XWu170gUtm",
                    "razorpay_signature": "9ef4dffbfd84f1318f6739a3ce19f9d85851857ae648f114332d8401e0949a3d",
                },
            )
        ],
        tags=TAGS,
    )
    def post(self, request, pk: int):
        gift = _own_gift(request, pk)
        data = GiftPaymentAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = plugin_api.payment_confirm(
            purpose=services.PURPOSE,
            reference=gift.reference,
            payer=request.user,
            payment_id=data.validated_data["razorpay_payment_id"],
            signature=data.validated_data["razorpay_signature"],
        )
        if payment is not None and payment.is_paid:
            services.gift_paid(payment=payment)  # as the capture's hook does after the commit: once
        return Response(_detail(_gift(request, pk), request.user))


class GiftPaymentFailedView(plugin_api.ApiIdempotent, plugin_api.ApiView):
    """``POST /api/v1/p/gifting/gifts/{id}/payment-failed/``."""

    problem_statuses = {"POST": (409,)}

    @extend_schema(
        operation_id="gifting_gift_payment_failed",
        summary="Tell us Checkout failed or was closed",
        description="Counts a try; nothing is charged and the gift's checkout stays open (`checkout`).",
        request=None,
        responses={200: GiftDetailSerializer},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        gift = _own_gift(request, pk)
        if gift.status != GiftStatus.STARTED:
            raise plugin_api.ApiConflict("This gift is already paid.")
        plugin_api.payment_failed(purpose=services.PURPOSE, reference=gift.reference, payer=request.user)
        return Response(_detail(gift, request.user))


# --- Lists -----------------------------------------------------------------------------------------


class GiftsSentView(plugin_api.ApiView):
    """``GET /api/v1/p/gifting/gifts/sent/``."""

    ordering = ("-created_at", "-pk")
    pagination_class = plugin_api.ApiCursorPage  # the schema's page, its cursor and page_size

    @extend_schema(
        operation_id="gifting_gifts_sent",
        summary="Gifts you sent, newest first",
        responses={200: GiftSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        paginator = plugin_api.ApiCursorPage()
        page = paginator.paginate_queryset(selectors.gifts_sent_queryset(learner=request.user), request, view=self)
        return paginator.get_paginated_response(GiftSerializer([gift_data(gift) for gift in page], many=True).data)


class GiftsReceivedView(plugin_api.ApiView):
    """``GET /api/v1/p/gifting/gifts/received/``."""

    ordering = ("-created_at", "-pk")
    pagination_class = plugin_api.ApiCursorPage  # the schema's page, its cursor and page_size

    @extend_schema(
        operation_id="gifting_gifts_received",
        summary="Gifts you received (mentors), newest first",
        description="Paid gifts, and those refunded since; never a checkout left unpaid.",
        responses={200: GiftSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        paginator = plugin_api.ApiCursorPage()
        page = paginator.paginate_queryset(selectors.gifts_received_queryset(mentor=request.user), request, view=self)
        return paginator.get_paginated_response(GiftSerializer([gift_data(gift) for gift in page], many=True).data)


# --- The mentor's switch -----------------------------------------------------------------------------


def _mentor_only(request) -> None:
    if getattr(request.user, "role", None) != "mentor":
        raise PermissionDenied("Only mentors take gifts.")


class GiftSettingsView(plugin_api.ApiView):
    """``GET``/``PUT /api/v1/p/gifting/settings/``."""

    @extend_schema(
        operation_id="gifting_settings_get",
        summary="Whether you take gifts (mentors)",
        responses={200: GiftSettingsSerializer},
        tags=TAGS,
    )
    def get(self, request):
        _mentor_only(request)
        return Response(GiftSettingsSerializer({"accepts_gifts": services.accepts_gifts(mentor=request.user)}).data)

    @extend_schema(
        operation_id="gifting_settings_set",
        summary="Take gifts, or not (mentors)",
        description="Off, your learners can no longer send you a gift; gifts already sent stay yours.",
        request=GiftSettingsSerializer,
        responses={200: GiftSettingsSerializer},
        examples=[OpenApiExample("Turn gifts off", value={"accepts_gifts": False})],
        tags=TAGS,
    )
    def put(self, request):
        _mentor_only(request)
        data = GiftSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        jar = services.gift_jar_set(mentor=request.user, accepts_gifts=data.validated_data["accepts_gifts"])
        return Response(GiftSettingsSerializer({"accepts_gifts": jar.accepts_gifts}).data)
