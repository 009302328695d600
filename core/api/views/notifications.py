"""The signed-in person's notifications: the list, the unread count and "mark read", as the bell and
the notifications page do them. New ones arrive live on the notifications socket (``/ws/notifications/``,
with the access token as the subprotocols ``["bearer", "<access>"]``: core/api/sockets.py)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import Instant
from core.api.pagination import CursorPage
from core.realtime.models import Notification
from core.realtime.selectors import notification_queryset_for_user, notification_unread_count
from core.realtime.services import notification_mark_read

MAX_IDS = 1000
MAX_ID = 2**63 - 1
NO_IDS = "Name at least one id, or leave ids out to mark them all read."


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="What it is about, e.g. `booking_requested`.")
    title = serializers.CharField()
    body = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True, help_text="A path on the website, e.g. /bookings/12/, or empty.")
    created_at = Instant()
    read = serializers.BooleanField()


class NotificationPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = NotificationSerializer(many=True)


class UnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()


class MarkReadInput(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        allow_null=True,
        allow_empty=False,
        max_length=MAX_IDS,
        error_messages={"empty": NO_IDS},
        help_text="Your notifications to mark read; left out (or null): all of them. Others' ids are ignored.",
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")


def notification_data(notification: Notification) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "created_at": notification.created_at,
        "read": not notification.is_unread,
    }


class NotificationList(APIView):
    """``GET /api/v1/notifications/``."""

    ordering = ("-id",)

    @extend_schema(
        operation_id="notifications_list",
        summary="Your notifications",
        description="Newest first. A page stays put while new ones arrive: they come live on the socket.",
        parameters=[OpenApiParameter("cursor", str), OpenApiParameter("page_size", int, description="1 to 100 (20).")],
        responses={200: NotificationPage},
        tags=["notifications"],
    )
    def get(self, request):
        paginator = CursorPage()
        page = paginator.paginate_queryset(notification_queryset_for_user(user=request.user), request, view=self)
        return paginator.get_paginated_response(
            NotificationSerializer([notification_data(notification) for notification in page], many=True).data
        )


class UnreadCount(APIView):
    """``GET /api/v1/notifications/unread-count/``."""

    @extend_schema(
        operation_id="notifications_unread_count",
        summary="How many of your notifications are unread",
        responses={200: UnreadCountSerializer},
        tags=["notifications"],
    )
    def get(self, request):
        return Response({"unread_count": notification_unread_count(user=request.user)})


class MarkRead(APIView):
    """``POST /api/v1/notifications/read/``."""

    @extend_schema(
        operation_id="notifications_mark_read",
        summary="Mark notifications read",
        description="Those named in `ids`, or all of them when `ids` is left out. Your other open apps and tabs "
        "are told the new unread count.",
        request=MarkReadInput,
        responses={200: MarkedSerializer},
        examples=[
            OpenApiExample("Two of them", value={"ids": [41, 42]}, request_only=True),
            OpenApiExample("All of them", value={}, request_only=True),
        ],
        tags=["notifications"],
    )
    def post(self, request):
        data = MarkReadInput(data=request.data)
        data.is_valid(raise_exception=True)
        marked = notification_mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"marked": marked})


urlpatterns = [
    path("notifications/", NotificationList.as_view(), name="notifications"),
    path("notifications/unread-count/", UnreadCount.as_view(), name="notifications-unread-count"),
    path("notifications/read/", MarkRead.as_view(), name="notifications-read"),
]
