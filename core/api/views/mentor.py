"""A mentor's own sessions (create, edit, cancel), earnings and withdrawals, as the mentor's dashboard
does them (core/dashboards/mentor.py). Answering booking requests is ``/bookings/{id}/accept|reject/``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import Instant, TextList
from core.api.idempotency import Idempotent
from core.api.pagination import CursorPage
from core.api.problems import Conflict
from core.bookings.selectors import (
    session_get_own_for_mentor,
    session_own_rows,
    session_queryset_own_for_mentor,
)
from core.mentoring.forms import MAX_TOPICS
from core.mentoring.models import MentoringSession, SessionStatus
from core.mentoring.services import session_cancel, session_create, session_update
from core.money import split
from core.payments import selectors as money
from core.payments.forms import describe_destination
from core.payments.models import AccountKind, Withdrawal
from core.payments.services import withdrawal_request, withdrawal_second_factor_require
from core.room.selectors import rating_weekly_for_mentor
from core.users.models import Role
from core.users.selectors import payout_destination_get
from core.users.suggestions import split_terms

SESSION_STATUSES = [choice for choice, _ in SessionStatus.choices]
NO_SESSION = "No such session."
NO_DESTINATION = (
    "Save where your withdrawals go first: `payout` in PATCH /api/v1/me/settings/ (Settings on the website)."
)
NO_TOPICS = "Please add topics, so learners know what you will cover."
NO_TITLE = "Give the session a title."
NO_CODE = "Type the 6-digit code from your authenticator app."
BAD_CODE = "The code is the 6 digits your authenticator app shows."
# The service's field names → this API's.
SERVICE_FIELDS = {"otp_token": "code"}


class MentorsOnly(BasePermission):
    message = "Only mentors have sessions, earnings and withdrawals."

    def has_permission(self, request, view) -> bool:
        return request.user.role == Role.MENTOR


MENTORS = [IsAuthenticated, MentorsOnly]
PAGE_PARAMETERS = [OpenApiParameter("cursor", str), OpenApiParameter("page_size", int, description="1 to 100 (20).")]


def _page(name: str, item: serializers.Serializer) -> type[serializers.Serializer]:
    """A cursor page of ``item`` (the shape ``CursorPage`` answers), for the schema."""
    fields = {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item,
    }
    return type(name, (serializers.Serializer,), fields)


# --- Sessions ---------------------------------------------------------------------------------------


class MentorSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    topics = serializers.ListField(child=serializers.CharField())
    starts_at = Instant()
    ends_at = Instant()
    duration_minutes = serializers.IntegerField()
    status = serializers.CharField(help_text="`active` (upcoming or live), `completed` or `cancelled`.")
    price_paise = serializers.IntegerField(help_text="Your price.")
    fee_paise = serializers.IntegerField(help_text="PeerLearn's fee, on top of the price.")
    learner_pays_paise = serializers.IntegerField(help_text="Price plus fee.")
    mentor_earns_paise = serializers.IntegerField(help_text="Your share of the price.")
    learner_name = serializers.CharField(allow_blank=True, help_text="Who is booked (confirmed), or empty.")
    pending_count = serializers.IntegerField(help_text="Requests waiting for your answer.")
    can_edit = serializers.BooleanField(help_text="Upcoming: may be changed (PATCH) or cancelled.")
    room_url = serializers.CharField(allow_blank=True, help_text="The live room, from 10 minutes before the start.")


class SessionInput(serializers.Serializer):
    title = serializers.CharField(max_length=120, error_messages={"required": NO_TITLE, "blank": NO_TITLE})
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    topics = TextList(
        max_length=MAX_TOPICS, allow_empty=False, error_messages={"required": NO_TOPICS, "empty": NO_TOPICS}
    )
    price_paise = serializers.IntegerField(help_text="Whole rupees, in paise: 100000 is ₹1,000.")
    starts_at = Instant(help_text="With its offset, e.g. 2026-12-24T18:30:00+05:30.")
    duration_minutes = serializers.IntegerField(required=False, default=settings.SESSION_DURATION_DEFAULT_MINUTES)

    def validate_topics(self, value: list[str]) -> list[str]:
        topics = split_terms(value)  # as the web form reads them: trimmed, each once
        if not topics:
            raise serializers.ValidationError(NO_TOPICS)
        return topics


SESSION_EXAMPLE = {
    "title": "Master recursion in one hour",
    "description": "For people who know loops.",
    "topics": ["Recursion", "Stacks"],
    "price_paise": 100000,
    "starts_at": "2026-12-24T18:30:00+05:30",
    "duration_minutes": 60,
}


def session_data(session: MentoringSession, row) -> dict:
    """``session`` (of ``session_queryset_own_for_mentor``) with its dashboard ``row``."""
    amounts = split(session.price_paise)
    return {
        "id": row.id,
        "title": row.title,
        "description": session.description,
        "topics": list(row.topics),
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "duration_minutes": session.duration_minutes,
        "status": row.status,
        "price_paise": row.price_paise,
        "fee_paise": amounts.fee_paise,
        "learner_pays_paise": amounts.amount_paise,
        "mentor_earns_paise": amounts.mentor_share_paise,
        "learner_name": row.learner_name,
        "pending_count": row.pending_count,
        "can_edit": row.is_editable,
        "room_url": f"/session/{row.room_id}/" if row.is_joinable else "",
    }


def _own(request, pk: int) -> MentoringSession:
    session = session_get_own_for_mentor(mentor=request.user, pk=pk)
    if session is None:
        raise Http404(NO_SESSION)
    return session


def _answer(request, pk: int, *, code: int = status.HTTP_200_OK, headers=None) -> Response:
    session = _own(request, pk)
    (row,) = session_own_rows([session])
    return Response(MentorSessionSerializer(session_data(session, row)).data, status=code, headers=headers)


class MentorSessionList(Idempotent, APIView):
    """``/api/v1/mentor/sessions/``."""

    permission_classes = MENTORS
    ordering = ("-starts_at", "-pk")

    @extend_schema(
        operation_id="mentor_sessions_list",
        summary="Your sessions (mentors)",
        description="All your sessions, the latest start first, with who booked each and the requests waiting.",
        parameters=[OpenApiParameter("status", str, enum=SESSION_STATUSES), *PAGE_PARAMETERS],
        responses={200: _page("MentorSessionPage", MentorSessionSerializer(many=True))},
        tags=["mentor"],
    )
    def get(self, request):
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in SESSION_STATUSES:
            raise serializers.ValidationError({"status": [f"One of {', '.join(SESSION_STATUSES)}."]})
        paginator = CursorPage()
        page = paginator.paginate_queryset(
            session_queryset_own_for_mentor(mentor=request.user, status=wanted), request, view=self
        )
        rows = session_own_rows(page)
        data = [session_data(session, row) for session, row in zip(page, rows, strict=True)]
        return paginator.get_paginated_response(MentorSessionSerializer(data, many=True).data)

    @extend_schema(
        operation_id="mentor_session_create",
        summary="Publish a session",
        description="Learners see it once staff approved your profile. Prices are whole rupees between ₹100 and "
        "₹50,000; the start is in the future; it may not overlap another of your sessions.",
        request=SessionInput,
        responses={201: MentorSessionSerializer},
        examples=[OpenApiExample("A session", value=SESSION_EXAMPLE, request_only=True)],
        tags=["mentor"],
    )
    def post(self, request):
        data = SessionInput(data=request.data)
        data.is_valid(raise_exception=True)
        session = session_create(mentor=request.user, **data.validated_data)
        return _answer(
            request,
            session.pk,
            code=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/mentor/sessions/{session.pk}/"},
        )


class MentorSessionDetail(APIView):
    """``/api/v1/mentor/sessions/{id}/``."""

    permission_classes = MENTORS
    problem_statuses = {"PATCH": (409,)}

    @extend_schema(
        operation_id="mentor_session_get",
        summary="One of your sessions",
        responses={200: MentorSessionSerializer},
        tags=["mentor"],
    )
    def get(self, request, pk: int):
        return _answer(request, pk)

    @extend_schema(
        operation_id="mentor_session_update",
        summary="Change an upcoming session",
        description="Only the fields sent change. A session that started, ended or was cancelled cannot (409).",
        request=SessionInput,
        responses={200: MentorSessionSerializer},
        examples=[
            OpenApiExample(
                "New price and time",
                value={"price_paise": 150000, "starts_at": "2026-12-24T19:00:00+05:30"},
                request_only=True,
            )
        ],
        tags=["mentor"],
    )
    def patch(self, request, pk: int):
        session = _own(request, pk)
        data = SessionInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            session_update(session=session, by=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise
            raise Conflict(exc.messages[0]) from None  # the session's state, not the input, refuses it
        return _answer(request, pk)


class MentorSessionCancel(Idempotent, APIView):
    """``POST /api/v1/mentor/sessions/{id}/cancel/``."""

    permission_classes = MENTORS

    @extend_schema(
        operation_id="mentor_session_cancel",
        summary="Cancel a session: anyone who paid gets a full refund",
        description="Requests waiting are released and a confirmed learner is refunded in full. Cancelling again, "
        "or a session that already ended, answers the session as it is.",
        request=None,
        responses={200: MentorSessionSerializer},
        tags=["mentor"],
    )
    def post(self, request, pk: int):
        session_cancel(session=_own(request, pk), by=request.user)
        return _answer(request, pk)


# --- Earnings ---------------------------------------------------------------------------------------


class EarningTotalsSerializer(serializers.Serializer):
    today_paise = serializers.IntegerField(help_text="Your share of payments captured today (your timezone).")
    month_paise = serializers.IntegerField(help_text="… and this calendar month.")


class BalancesSerializer(serializers.Serializer):
    available_paise = serializers.IntegerField(help_text="Yours to withdraw.")
    in_transit_paise = serializers.IntegerField(help_text="Withdrawn, being paid out.")
    pending_paise = serializers.IntegerField(help_text="Available 48 hours after each session, unless disputed.")


class EarningsSerializer(serializers.Serializer):
    totals = EarningTotalsSerializer()
    balances = BalancesSerializer()


class EarningLineSerializer(serializers.Serializer):
    payment_id = serializers.IntegerField()
    booking_id = serializers.IntegerField(allow_null=True, help_text="Null for a plugin's payment (a gift).")
    reference = serializers.CharField(allow_blank=True)
    title = serializers.CharField(help_text="The session's title, or what a plugin's payment was for.")
    purpose = serializers.CharField()
    learner_name = serializers.CharField()
    captured_at = Instant()
    gross_paise = serializers.IntegerField(help_text="The price.")
    fee_paise = serializers.IntegerField(help_text="PeerLearn's commission on the price.")
    net_paise = serializers.IntegerField(help_text="Your share (less any part refunded after a dispute).")
    status = serializers.CharField(help_text="`pending`, `available` or `refunded`.")
    status_display = serializers.CharField()


def earning_line_data(row) -> dict:
    return {
        "payment_id": row.payment_id,
        "booking_id": row.booking_id,
        "reference": row.booking_reference,
        "title": row.session_title,
        "purpose": row.purpose,
        "learner_name": row.learner_name,
        "captured_at": row.captured_at,
        "gross_paise": row.gross_paise,
        "fee_paise": row.fee_paise,
        "net_paise": row.net_paise,
        "status": row.status,
        "status_display": row.status_display,
    }


class EarningsView(APIView):
    """``GET /api/v1/mentor/earnings/``."""

    permission_classes = MENTORS

    @extend_schema(
        operation_id="mentor_earnings_get",
        summary="Your earnings and balances",
        responses={200: EarningsSerializer},
        tags=["mentor"],
    )
    def get(self, request):
        totals = money.earning_totals_for_mentor(mentor=request.user)
        balances = money.balances_get(user=request.user)
        body = {
            "totals": {"today_paise": totals.today_paise, "month_paise": totals.month_paise},
            "balances": {
                "available_paise": balances[AccountKind.MENTOR_AVAILABLE],
                "in_transit_paise": balances[AccountKind.PAYOUTS_IN_TRANSIT],
                "pending_paise": balances[AccountKind.MENTOR_PENDING],
            },
        }
        return Response(EarningsSerializer(body).data)


class EarningStatement(APIView):
    """``GET /api/v1/mentor/earnings/statement/``."""

    permission_classes = MENTORS
    ordering = ("-captured_at", "-pk")

    @extend_schema(
        operation_id="mentor_earnings_statement",
        summary="Your statement: every payment you earned from",
        description="Newest first, as the CSV on the website.",
        parameters=PAGE_PARAMETERS,
        responses={200: _page("EarningLinePage", EarningLineSerializer(many=True))},
        tags=["mentor"],
    )
    def get(self, request):
        paginator = CursorPage()
        page = paginator.paginate_queryset(money.earning_queryset_for_mentor(mentor=request.user), request, view=self)
        rows = [earning_line_data(row) for row in money.earning_rows(page)]
        return paginator.get_paginated_response(EarningLineSerializer(rows, many=True).data)


class WeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The week's Monday, in your timezone.")
    bookings = serializers.IntegerField(help_text="Bookings paid that week.")
    earnings_paise = serializers.IntegerField(help_text="Your share of what was paid that week.")
    rating_average = serializers.FloatField(allow_null=True, help_text="null: no ratings that week.")
    rating_count = serializers.IntegerField()


class AnalyticsSerializer(serializers.Serializer):
    weeks = WeekSerializer(many=True, help_text="The last 12 weeks, oldest first; every week present.")
    busiest_hours = serializers.ListField(
        child=serializers.IntegerField(), help_text="24 counts of booked sessions by starting hour (0 = midnight)."
    )
    total_bookings = serializers.IntegerField()
    total_earnings_paise = serializers.IntegerField()


class AnalyticsView(APIView):
    """``GET /api/v1/mentor/analytics/``."""

    permission_classes = MENTORS

    @extend_schema(
        operation_id="mentor_analytics",
        summary="Your analytics: earnings, bookings and ratings per week, busiest hours",
        description="What the Analytics tab charts, from the same reads.",
        responses={200: AnalyticsSerializer},
        tags=["mentor"],
    )
    def get(self, request):
        mentor = request.user
        weeks = money.analytics_weekly_for_mentor(mentor=mentor)
        ratings = {point["week"]: point for point in rating_weekly_for_mentor(mentor=mentor)}
        rows = [
            {
                "week": point.week,
                "bookings": point.bookings,
                "earnings_paise": point.earnings_paise,
                "rating_average": ratings.get(point.week, {}).get("average"),
                "rating_count": ratings.get(point.week, {}).get("count", 0),
            }
            for point in weeks
        ]
        body = {
            "weeks": rows,
            "busiest_hours": money.analytics_busiest_hours_for_mentor(mentor=mentor),
            "total_bookings": sum(point.bookings for point in weeks),
            "total_earnings_paise": sum(point.earnings_paise for point in weeks),
        }
        return Response(AnalyticsSerializer(body).data)


# --- Withdrawals ------------------------------------------------------------------------------------


class WithdrawalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount_paise = serializers.IntegerField()
    status = serializers.CharField(help_text="`pending`, `processing`, `completed` or `failed`.")
    status_display = serializers.CharField()
    destination = serializers.CharField(
        help_text="Where it goes, e.g. `UPI meera@okhdfcbank` or `Bank account ••••1234 (HDFC0001234)`."
    )
    failure_reason = serializers.CharField(allow_blank=True, help_text="Failed: why (the amount is back).")
    created_at = Instant()


class WithdrawalInput(serializers.Serializer):
    amount_paise = serializers.IntegerField(
        min_value=1,
        error_messages={"required": "How much do you want to withdraw?", "min_value": "Type an amount above zero."},
    )
    code = serializers.CharField(
        max_length=64,
        error_messages={"required": NO_CODE, "blank": NO_CODE},
        help_text="The 6 digits your authenticator app shows now.",
    )

    def validate_code(self, value: str) -> str:
        if len(value) != 6 or not value.isascii() or not value.isdigit():
            raise serializers.ValidationError(BAD_CODE)
        return value


def withdrawal_data(withdrawal: Withdrawal) -> dict:
    return {
        "id": withdrawal.pk,
        "amount_paise": withdrawal.amount_paise,
        "status": withdrawal.status,
        "status_display": withdrawal.get_status_display(),
        "destination": describe_destination(
            {
                "destination_kind": withdrawal.destination_kind,
                "vpa": withdrawal.vpa,
                "account_number": withdrawal.account_number,
                "ifsc": withdrawal.ifsc,
            }
        ),
        "failure_reason": withdrawal.failure_reason,
        "created_at": withdrawal.created_at,
    }


def _renamed(error: DjangoValidationError) -> DjangoValidationError:
    """A service's ValidationError with this API's field names."""
    if not hasattr(error, "error_dict"):
        return error
    return DjangoValidationError(
        {SERVICE_FIELDS.get(field, field): errors for field, errors in error.error_dict.items()}
    )


class WithdrawalList(Idempotent, APIView):
    """``/api/v1/mentor/withdrawals/``."""

    permission_classes = MENTORS
    ordering = ("-created_at", "-pk")

    @extend_schema(
        operation_id="mentor_withdrawals_list",
        summary="Your withdrawals",
        description="Newest first.",
        parameters=PAGE_PARAMETERS,
        responses={200: _page("WithdrawalPage", WithdrawalSerializer(many=True))},
        tags=["mentor"],
    )
    def get(self, request):
        paginator = CursorPage()
        page = paginator.paginate_queryset(money.withdrawal_queryset_for_user(user=request.user), request, view=self)
        return paginator.get_paginated_response(
            WithdrawalSerializer([withdrawal_data(withdrawal) for withdrawal in page], many=True).data
        )

    @extend_schema(
        operation_id="mentor_withdrawal_create",
        summary="Withdraw from your available balance",
        description="To the payout destination saved in your settings, with a current code from your "
        "authenticator app (turn two-factor on first, on the website). At least ₹100; processed within 24 hours.",
        request=WithdrawalInput,
        responses={201: WithdrawalSerializer},
        examples=[OpenApiExample("Withdraw ₹900", value={"amount_paise": 90000, "code": "123456"}, request_only=True)],
        tags=["mentor"],
    )
    def post(self, request):
        mentor = request.user
        withdrawal_second_factor_require(user=mentor)  # said first, whatever the request holds, as on the web
        data = WithdrawalInput(data=request.data)
        data.is_valid(raise_exception=True)
        destination = payout_destination_get(user=mentor)
        if destination is None:
            raise serializers.ValidationError({"non_field_errors": [NO_DESTINATION]})
        try:
            withdrawal = withdrawal_request(
                user=mentor,
                amount_paise=data.validated_data["amount_paise"],
                otp_token=data.validated_data["code"],
                **destination,
            )
        except DjangoValidationError as exc:
            raise _renamed(exc) from None
        return Response(WithdrawalSerializer(withdrawal_data(withdrawal)).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("mentor/sessions/", MentorSessionList.as_view(), name="mentor-sessions"),
    path("mentor/sessions/<int:pk>/", MentorSessionDetail.as_view(), name="mentor-session"),
    path("mentor/sessions/<int:pk>/cancel/", MentorSessionCancel.as_view(), name="mentor-session-cancel"),
    path("mentor/earnings/", EarningsView.as_view(), name="mentor-earnings"),
    path("mentor/earnings/statement/", EarningStatement.as_view(), name="mentor-earnings-statement"),
    path("mentor/analytics/", AnalyticsView.as_view(), name="mentor-analytics"),
    path("mentor/withdrawals/", WithdrawalList.as_view(), name="mentor-withdrawals"),
]
