"""Bookings, as the web's checkout, booking page and mentor's answer do them: start checkout (what
Razorpay's mobile SDKs need), confirm the payment with Checkout's signed answer, cancel, list, and
the mentor's accept (which charges) or reject (which releases). Receipts are the learner's payments.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import Instant
from core.api.idempotency import Idempotent
from core.api.pagination import CursorPage, page_of
from core.api.problems import Conflict
from core.bookings import selectors
from core.bookings.models import Booking, BookingStatus
from core.bookings.services import (
    LEARNER_CANCEL_BEFORE,
    MAX_PAYMENT_TRIES,
    booking_accept,
    booking_cancel_by_learner,
    booking_checkout_start,
    booking_payment_authorize,
    booking_payment_failed,
    booking_reject,
)
from core.mentoring.models import MentoringSession, SessionStatus
from core.mentoring.selectors import JOIN_OPENS_BEFORE, session_get_public
from core.payments.gateways import get_gateway
from core.payments.selectors import receipt_get_for_learner, receipt_queryset_for_learner, receipt_rows
from core.users.models import Role

BOOKING_STATUSES = [choice for choice, _ in BookingStatus.choices]


class CheckoutSerializer(serializers.Serializer):
    """What Razorpay's Checkout (web, Android, iOS) is opened with."""

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
    pay_before = Instant(allow_null=True, help_text="The slot is held for you until then.")
    tries_left = serializers.IntegerField()


class BookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=BOOKING_STATUSES)
    status_reason = serializers.CharField(allow_blank=True)
    session_id = serializers.IntegerField()
    session_title = serializers.CharField()
    session_status = serializers.CharField()
    mentor_id = serializers.IntegerField()
    mentor_name = serializers.CharField()
    learner_name = serializers.CharField()
    starts_at = Instant()
    amount_paise = serializers.IntegerField(help_text="What the learner pays (price + fee); 0 before checkout.")


class BookingDetailSerializer(BookingSerializer):
    ends_at = Instant()
    price_paise = serializers.IntegerField(allow_null=True)
    fee_paise = serializers.IntegerField(allow_null=True)
    hold_expires_at = Instant(allow_null=True)
    failed_attempts = serializers.IntegerField()
    can_pay = serializers.BooleanField(help_text="Learner: checkout may be opened again (`/checkout/`).")
    can_cancel = serializers.BooleanField(help_text="Learner: `/cancel/` would cancel it now.")
    can_answer = serializers.BooleanField(help_text="Mentor: `/accept/` or `/reject/` now.")
    room_url = serializers.CharField(allow_blank=True, help_text="The live room, from 10 minutes before the start.")


class BookingWithCheckout(BookingDetailSerializer):
    checkout = CheckoutSerializer()


class StartSerializer(serializers.Serializer):
    session_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class PaymentAnswerSerializer(serializers.Serializer):
    razorpay_payment_id = serializers.CharField(max_length=64)
    razorpay_order_id = serializers.CharField(max_length=64, required=False)
    razorpay_signature = serializers.CharField(max_length=256)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


def _can_cancel(booking: Booking, now) -> bool:
    if booking.status in (BookingStatus.HELD, BookingStatus.PENDING):
        return True
    return booking.status == BookingStatus.CONFIRMED and booking.session.starts_at - now >= LEARNER_CANCEL_BEFORE


def booking_data(booking: Booking, user) -> dict:
    now = timezone.now()
    payment = selectors.booking_payment_latest(booking=booking)
    session = booking.session
    is_learner = booking.learner_id == user.pk
    held_open = (
        booking.status == BookingStatus.HELD and booking.hold_expires_at is not None and booking.hold_expires_at > now
    )
    attendable = (
        booking.status == BookingStatus.CONFIRMED
        and session.status == SessionStatus.ACTIVE
        and session.starts_at - JOIN_OPENS_BEFORE <= now < session.ends_at
    )
    return {
        "id": booking.pk,
        "reference": booking.reference,
        "status": booking.status,
        "status_reason": booking.status_reason,
        "session_id": session.pk,
        "session_title": session.title,
        "session_status": session.status,
        "mentor_id": session.mentor_id,
        "mentor_name": session.mentor.name,
        "learner_name": booking.learner.name or booking.learner.email,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "amount_paise": payment.amount_paise if payment else 0,
        "price_paise": payment.price_paise if payment else None,
        "fee_paise": payment.fee_paise if payment else None,
        "hold_expires_at": booking.hold_expires_at if booking.status == BookingStatus.HELD else None,
        "failed_attempts": booking.failed_attempts if is_learner else 0,
        "can_pay": is_learner and held_open and booking.failed_attempts < MAX_PAYMENT_TRIES and payment is not None,
        "can_cancel": is_learner and _can_cancel(booking, now),
        "can_answer": not is_learner and booking.status == BookingStatus.PENDING,
        "room_url": f"/session/{session.room_id}/" if attendable else "",
    }


def checkout_data(booking: Booking, payment, user) -> dict:
    gateway = get_gateway()
    return {
        "gateway": "testmode" if gateway.is_test_mode else "razorpay",
        "test_mode": gateway.is_test_mode,
        "key_id": gateway.key_id,
        "order_id": payment.razorpay_order_id,
        "amount_paise": payment.amount_paise,
        "currency": "INR",
        "name": "PeerLearn",
        "description": booking.session.title,
        "prefill_name": user.name,
        "prefill_email": user.email,
        "pay_before": booking.hold_expires_at,
        "tries_left": max(MAX_PAYMENT_TRIES - booking.failed_attempts, 0),
    }


def viewable_booking(request, pk: int) -> Booking:
    booking = selectors.booking_get_for_viewer(pk=pk, user=request.user)
    if booking is None:
        raise Http404("No such booking.")
    return booking


def own_booking(request, pk: int) -> Booking:
    booking = viewable_booking(request, pk)
    if booking.learner_id != request.user.pk:
        raise PermissionDenied("Only the booking's learner can do this.")
    return booking


def _mentors(request, pk: int) -> Booking:
    booking = viewable_booking(request, pk)
    if booking.session.mentor_id != request.user.pk:
        raise PermissionDenied("Only the session's mentor can answer a booking.")
    return booking


class BookingList(Idempotent, APIView):
    """``/api/v1/bookings/``."""

    ordering = ("-created_at", "-pk")

    @extend_schema(
        operation_id="bookings_list",
        summary="Your bookings",
        description="A learner's own bookings, or a mentor's bookings of their sessions; newest first.",
        parameters=[
            OpenApiParameter("status", str, enum=BOOKING_STATUSES),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int, description="1 to 100 (20)."),
        ],
        responses={200: page_of(BookingSerializer)},
        tags=["bookings"],
    )
    def get(self, request):
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in BOOKING_STATUSES:
            raise serializers.ValidationError({"status": [f"One of {', '.join(BOOKING_STATUSES)}."]})
        paginator = CursorPage()
        page = paginator.paginate_queryset(
            selectors.booking_queryset_for_viewer(user=request.user, status=wanted), request, view=self
        )
        rows = [selectors.booking_row(booking) for booking in page]
        data = [
            {
                "id": row.id,
                "reference": row.reference,
                "status": row.status,
                "status_reason": row.status_reason,
                "session_id": row.session_id,
                "session_title": row.session_title,
                "session_status": row.session_status,
                "mentor_id": row.mentor_id,
                "mentor_name": row.mentor_name,
                "learner_name": row.learner_name,
                "starts_at": row.starts_at,
                "amount_paise": row.amount_paise,
            }
            for row in rows
        ]
        return paginator.get_paginated_response(BookingSerializer(data, many=True).data)

    @extend_schema(
        operation_id="booking_create",
        summary="Book a session: hold the slot and open checkout",
        description="Learners only. Holds the slot for 10 minutes and opens a Razorpay order for price + fee; "
        "open Razorpay Checkout with `checkout`, then send its answer to `/bookings/{id}/payment/`. "
        "You are charged only if the mentor accepts.",
        request=StartSerializer,
        responses={201: BookingWithCheckout},
        examples=[OpenApiExample("Book", value={"session_id": 42})],
        tags=["bookings"],
    )
    def post(self, request):
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if request.user.role != Role.LEARNER:
            raise PermissionDenied("Only learners can book sessions.")
        session = session_get_public(pk=data.validated_data["session_id"])
        if session is None:
            if MentoringSession.objects.filter(pk=data.validated_data["session_id"]).exists():
                raise serializers.ValidationError({"session_id": ["This session is not open for booking."]})
            raise serializers.ValidationError({"session_id": ["No such session."]})
        booking, payment, _order = booking_checkout_start(session=session, learner=request.user)
        booking = viewable_booking(request, booking.pk)
        body = {**booking_data(booking, request.user), "checkout": checkout_data(booking, payment, request.user)}
        return Response(
            BookingWithCheckout(body).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/bookings/{booking.pk}/"},
        )


class BookingDetail(APIView):
    """``GET /api/v1/bookings/{id}/``."""

    @extend_schema(
        operation_id="booking_get",
        summary="One booking (its learner or its session's mentor)",
        responses={200: BookingDetailSerializer},
        tags=["bookings"],
    )
    def get(self, request, pk: int):
        return Response(BookingDetailSerializer(booking_data(viewable_booking(request, pk), request.user)).data)


class BookingCheckout(Idempotent, APIView):
    """``POST /api/v1/bookings/{id}/checkout/``."""

    @extend_schema(
        operation_id="booking_checkout",
        summary="Open checkout again (after a failed payment)",
        description="The same order, while the 10-minute hold lasts, up to three tries.",
        request=None,
        responses={200: BookingWithCheckout},
        tags=["bookings"],
    )
    def post(self, request, pk: int):
        booking = own_booking(request, pk)
        payment = selectors.booking_payment_latest(booking=booking)
        data = booking_data(booking, request.user)
        if not data["can_pay"]:
            raise Conflict("This booking cannot be paid now: book the session again.")
        return Response(BookingWithCheckout({**data, "checkout": checkout_data(booking, payment, request.user)}).data)


class BookingPayment(Idempotent, APIView):
    """``POST /api/v1/bookings/{id}/payment/``."""

    @extend_schema(
        operation_id="booking_payment_confirm",
        summary="Confirm the payment with Checkout's answer",
        description="Send the three fields Razorpay Checkout hands its success handler. The booking then waits "
        "for the mentor (`pending`); the money is only held until they accept.",
        request=PaymentAnswerSerializer,
        responses={200: BookingDetailSerializer},
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
        tags=["bookings"],
    )
    def post(self, request, pk: int):
        booking = own_booking(request, pk)
        data = PaymentAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = booking_payment_authorize(
            booking=booking,
            payment_id=data.validated_data["razorpay_payment_id"],
            signature=data.validated_data["razorpay_signature"],
        )
        return Response(BookingDetailSerializer(booking_data(viewable_booking(request, pk), request.user)).data)


class BookingPaymentFailed(Idempotent, APIView):
    """``POST /api/v1/bookings/{id}/payment-failed/``."""

    @extend_schema(
        operation_id="booking_payment_failed",
        summary="Tell us Checkout failed or was closed",
        description="Counts a try (three per booking); the slot stays held until its 10 minutes end.",
        request=None,
        responses={200: BookingDetailSerializer},
        tags=["bookings"],
    )
    def post(self, request, pk: int):
        booking_payment_failed(booking=own_booking(request, pk))
        return Response(BookingDetailSerializer(booking_data(viewable_booking(request, pk), request.user)).data)


class BookingCancel(Idempotent, APIView):
    """``POST /api/v1/bookings/{id}/cancel/``."""

    @extend_schema(
        operation_id="booking_cancel",
        summary="Cancel your booking",
        description="A request not yet accepted is cancelled and its payment released; a confirmed one up to 24 "
        "hours before the start, refunded in full. Cancelling twice answers the same.",
        request=None,
        responses={200: BookingDetailSerializer},
        tags=["bookings"],
    )
    def post(self, request, pk: int):
        booking = own_booking(request, pk)
        booking_cancel_by_learner(booking=booking, learner=request.user)
        return Response(BookingDetailSerializer(booking_data(viewable_booking(request, pk), request.user)).data)


class BookingAccept(Idempotent, APIView):
    """``POST /api/v1/bookings/{id}/accept/``."""

    @extend_schema(
        operation_id="booking_accept",
        summary="Accept a request (mentor): the learner is charged",
        request=None,
        responses={200: BookingDetailSerializer},
        tags=["bookings"],
    )
    def post(self, request, pk: int):
        booking_accept(booking=_mentors(request, pk), mentor=request.user)
        return Response(BookingDetailSerializer(booking_data(viewable_booking(request, pk), request.user)).data)


class BookingReject(Idempotent, APIView):
    """``POST /api/v1/bookings/{id}/reject/``."""

    @extend_schema(
        operation_id="booking_reject",
        summary="Reject a request (mentor): the learner's payment is released",
        request=RejectSerializer,
        responses={200: BookingDetailSerializer},
        examples=[OpenApiExample("Reject", value={"reason": "I am travelling that week."})],
        tags=["bookings"],
    )
    def post(self, request, pk: int):
        booking = _mentors(request, pk)
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data.get("reason", "").strip()
        if booking.status not in (BookingStatus.PENDING, BookingStatus.REJECTED):
            raise Conflict(f"This booking is {booking.get_status_display().lower()}; it cannot be rejected.")
        if reason:
            booking_reject(booking=booking, mentor=request.user, reason=reason)
        else:
            booking_reject(booking=booking, mentor=request.user)
        return Response(BookingDetailSerializer(booking_data(viewable_booking(request, pk), request.user)).data)


class ReceiptSerializer(serializers.Serializer):
    payment_id = serializers.IntegerField()
    booking_id = serializers.IntegerField(allow_null=True)
    reference = serializers.CharField()
    title = serializers.CharField(help_text="The session's title, or what a plugin's payment was for.")
    purpose = serializers.CharField()
    mentor_name = serializers.CharField()
    paid_at = Instant()
    price_paise = serializers.IntegerField()
    fee_paise = serializers.IntegerField()
    amount_paise = serializers.IntegerField()
    refunded_paise = serializers.IntegerField()
    charged_paise = serializers.IntegerField(help_text="What you are out of pocket now.")
    status = serializers.CharField()
    status_display = serializers.CharField()
    gateway_payment_id = serializers.CharField(allow_blank=True)


def receipt_data(row) -> dict:
    return {
        "payment_id": row.payment_id,
        "booking_id": row.booking_id,
        "reference": row.booking_reference,
        "title": row.session_title,
        "purpose": row.purpose,
        "mentor_name": row.mentor_name,
        "paid_at": row.paid_at,
        "price_paise": row.price_paise,
        "fee_paise": row.fee_paise,
        "amount_paise": row.amount_paise,
        "refunded_paise": row.refunded_paise,
        "charged_paise": row.charged_paise,
        "status": row.status,
        "status_display": row.status_display,
        "gateway_payment_id": row.gateway_payment_id,
    }


class ReceiptList(APIView):
    """``GET /api/v1/receipts/``."""

    ordering = ("-authorized_at", "-pk")

    @extend_schema(
        operation_id="receipts_list",
        summary="Your receipts (learners)",
        description="Every payment you made, itemised: price + fee = amount, and what came back.",
        parameters=[OpenApiParameter("cursor", str), OpenApiParameter("page_size", int)],
        responses={200: page_of(ReceiptSerializer)},
        tags=["bookings"],
    )
    def get(self, request):
        paginator = CursorPage()
        page = paginator.paginate_queryset(receipt_queryset_for_learner(learner=request.user), request, view=self)
        return paginator.get_paginated_response(
            ReceiptSerializer([receipt_data(row) for row in receipt_rows(page)], many=True).data
        )


class ReceiptDetail(APIView):
    """``GET /api/v1/receipts/{payment_id}/``."""

    @extend_schema(
        operation_id="receipt_get", summary="One receipt", responses={200: ReceiptSerializer}, tags=["bookings"]
    )
    def get(self, request, pk: int):
        row = receipt_get_for_learner(learner=request.user, pk=pk)
        if row is None:
            raise Http404("No such receipt.")
        return Response(ReceiptSerializer(receipt_data(row)).data)
