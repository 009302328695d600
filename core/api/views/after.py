"""After a completed session, for its learner: what happens to the payment, report a problem,
answer "Did the session go as booked?" after an early end, and rate the session. The same
services and refusals as the booking page and the feedback form."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import Instant
from core.api.views.bookings import own_booking, viewable_booking
from core.bookings.disputes import REASON_MAX, booking_early_end_answer, dispute_open
from core.bookings.models import DisputeSource
from core.bookings.selectors import booking_after_session
from core.room.feedback import COMMENT_MAX, feedback_submit

REFUSED = {"POST": (409,)}


class DisputeSerializer(serializers.Serializer):
    status = serializers.CharField()
    reason = serializers.CharField()
    created_at = Instant()
    decision_note = serializers.CharField(allow_blank=True, help_text="Staff's reason, once decided.")
    refund_paise = serializers.IntegerField()


class AfterSessionSerializer(serializers.Serializer):
    booked_minutes = serializers.IntegerField()
    minutes_together = serializers.IntegerField(allow_null=True, help_text="Both in the room; null: not measured.")
    ended_early = serializers.BooleanField(help_text="The mentor ended it before half its length.")
    hold_ends_at = Instant(allow_null=True, help_text="Until then the learner may report a problem.")
    payment_released = serializers.BooleanField(help_text="The mentor's share went to them.")
    dispute = DisputeSerializer(allow_null=True)
    can_report = serializers.BooleanField(help_text="You (the learner) may report a problem now.")
    ask_went_as_booked = serializers.BooleanField(help_text="Ask the learner: did the session go as booked?")


class ReportSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX, help_text="What went wrong.")


class WentAsBookedSerializer(serializers.Serializer):
    went_as_booked = serializers.BooleanField()
    reason = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True)


class FeedbackSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=COMMENT_MAX, required=False, allow_blank=True)


class FeedbackAnswer(serializers.Serializer):
    rating = serializers.IntegerField()
    comment = serializers.CharField(allow_blank=True)


def after_data(booking, user) -> dict | None:
    after = booking_after_session(booking=booking, user=user)
    if after is None:
        return None
    dispute = after.dispute
    return {
        "booked_minutes": after.booked_minutes,
        "minutes_together": after.minutes_together,
        "ended_early": after.ended_early,
        "hold_ends_at": after.hold_ends_at,
        "payment_released": after.is_released,
        "dispute": dispute
        and {
            "status": dispute.status,
            "reason": dispute.reason,
            "created_at": dispute.created_at,
            "decision_note": dispute.decision_note,
            "refund_paise": dispute.refund_paise,
        },
        "can_report": after.can_report,
        "ask_went_as_booked": after.ask_went_as_booked,
    }


def _after(request, pk: int) -> Response:
    data = after_data(viewable_booking(request, pk), request.user)
    if data is None:
        return Response(status=status.HTTP_204_NO_CONTENT)
    return Response(AfterSessionSerializer(data).data)


class BookingAfter(APIView):
    """``GET /api/v1/bookings/{id}/after/``."""

    @extend_schema(
        operation_id="booking_after_get",
        summary="After the session: the payment's hold, a report, what the learner may do",
        description="For a confirmed booking of a completed session (its learner or its mentor); 204 before.",
        responses={200: AfterSessionSerializer, 204: None},
        tags=["bookings"],
    )
    def get(self, request, pk: int):
        return _after(request, pk)


class BookingReport(APIView):
    """``POST /api/v1/bookings/{id}/report/``."""

    problem_statuses = REFUSED  # the state refuses it: not yet completed, answered already, too late

    @extend_schema(
        operation_id="booking_report",
        summary="Report a problem with a completed session (learner)",
        description="Within 48 hours of the end: the mentor's share waits until staff decide, and both of you "
        "read their decision. Reporting twice answers the same report.",
        request=ReportSerializer,
        responses={200: AfterSessionSerializer},
        examples=[OpenApiExample("Report", value={"reason": "The mentor left after ten minutes."})],
        tags=["bookings"],
    )
    def post(self, request, pk: int):
        booking = own_booking(request, pk)
        data = ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dispute_open(
            booking=booking, learner=request.user, reason=data.validated_data["reason"], source=DisputeSource.API
        )
        return _after(request, pk)


class BookingWentAsBooked(APIView):
    """``POST /api/v1/bookings/{id}/went-as-booked/``."""

    problem_statuses = REFUSED  # the state refuses it: not yet completed, answered already, too late

    @extend_schema(
        operation_id="booking_went_as_booked",
        summary="Answer “Did the session go as booked?” after an early end (learner)",
        description="`false` reports a problem (with `reason` if given); `true` lets the payment go to the "
        "mentor when the hold ends.",
        request=WentAsBookedSerializer,
        responses={200: AfterSessionSerializer},
        examples=[OpenApiExample("No", value={"went_as_booked": False, "reason": "We covered half the topics."})],
        tags=["bookings"],
    )
    def post(self, request, pk: int):
        booking = own_booking(request, pk)
        data = WentAsBookedSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking_early_end_answer(
            booking=booking,
            learner=request.user,
            went_as_booked=data.validated_data["went_as_booked"],
            reason=data.validated_data.get("reason", ""),
        )
        return _after(request, pk)


class BookingFeedback(APIView):
    """``POST /api/v1/bookings/{id}/feedback/``."""

    problem_statuses = REFUSED  # the state refuses it: not yet completed, answered already, too late

    @extend_schema(
        operation_id="booking_feedback",
        summary="Rate a session you attended (learner)",
        description="Once, after a completed session you joined: 1 to 5 stars and a comment.",
        request=FeedbackSerializer,
        responses={201: FeedbackAnswer},
        examples=[OpenApiExample("Rating", value={"rating": 5, "comment": "Clear and patient."})],
        tags=["bookings"],
    )
    def post(self, request, pk: int):
        booking = own_booking(request, pk)
        data = FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = feedback_submit(
            booking=booking,
            learner=request.user,
            rating=data.validated_data["rating"],
            comment=data.validated_data.get("comment", ""),
        )
        return Response(
            FeedbackAnswer({"rating": feedback.rating, "comment": feedback.comment}).data,
            status=status.HTTP_201_CREATED,
        )
