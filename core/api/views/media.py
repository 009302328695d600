"""Files, both ways: a profile picture and a mentor's intro video sent up (multipart, checked as the
Profile tab checks them), and a mentor's earnings statement down as CSV. (A session's recordings
and whiteboard are with the room: ``core/api/views/room.py``.)

A download answers its file whatever the app's ``Accept`` says; an error still comes as a JSON
problem (``FileAnswer``).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.validators import FileExtensionValidator
from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.views.mentor import MENTORS
from core.api.views.profile import ProfileSerializer, profile_data
from core.payments.statement import STATEMENT_FILENAME, earnings_statement_csv
from core.users.forms import AVATAR_TYPES, VIDEO_TYPES
from core.users.models import Role
from core.users.selectors import role_profile_get
from core.users.services import profile_update
from core.users.validators import validate_avatar, validate_intro_video


class FileAnswer:
    """For views whose answer is a file: content negotiation never refuses (no 406 for
    ``Accept: video/webm``); the JSON renderer stays the one errors are written with."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


# --- Up: a picture and an intro video ---------------------------------------------------------------


class AvatarUpload(serializers.Serializer):
    file = serializers.ImageField(
        validators=[FileExtensionValidator(AVATAR_TYPES), validate_avatar],
        help_text="JPG, PNG or WebP, at most 5 MB.",
    )


class IntroVideoUpload(serializers.Serializer):
    file = serializers.FileField(
        validators=[FileExtensionValidator(VIDEO_TYPES), validate_intro_video],
        help_text="MP4, WebM or MOV, at most 50 MB.",
    )


class IntroVideoSerializer(serializers.Serializer):
    intro_video_url = serializers.CharField(allow_blank=True, help_text="Empty: no intro video.")


class AvatarView(APIView):
    """``PUT``/``DELETE /api/v1/me/avatar/``."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="me_avatar_put",
        summary="Upload your profile picture",
        description="Multipart, the file in `file`. It replaces the picture you had.",
        request={"multipart/form-data": AvatarUpload},
        responses={200: ProfileSerializer},
        tags=["me"],
    )
    def put(self, request):
        data = AvatarUpload(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        profile_update(user=user, name=user.name, avatar=data.validated_data["file"])
        user.refresh_from_db()
        return Response(profile_data(user))

    @extend_schema(
        operation_id="me_avatar_delete", summary="Remove your profile picture", responses={204: None}, tags=["me"]
    )
    def delete(self, request):
        profile_update(user=request.user, name=request.user.name, remove_avatar=True)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MentorOnly(BasePermission):
    message = "Only mentors have an intro video."

    def has_permission(self, request, view) -> bool:
        return request.user.role == Role.MENTOR


def _intro_video_url(user) -> str:
    profile = role_profile_get(user=user)
    return profile.intro_video.url if profile is not None and profile.intro_video else ""


class IntroVideoView(APIView):
    """``GET``/``PUT``/``DELETE /api/v1/me/intro-video/``."""

    permission_classes = [IsAuthenticated, MentorOnly]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="me_intro_video_get",
        summary="Your intro video",
        responses={200: IntroVideoSerializer},
        tags=["me"],
    )
    def get(self, request):
        return Response({"intro_video_url": _intro_video_url(request.user)})

    @extend_schema(
        operation_id="me_intro_video_put",
        summary="Upload your intro video",
        description="Multipart, the file in `file`: a short hello that learners watch on your profile. "
        "It replaces the one you had.",
        request={"multipart/form-data": IntroVideoUpload},
        responses={200: IntroVideoSerializer},
        tags=["me"],
    )
    def put(self, request):
        data = IntroVideoUpload(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        profile_update(user=user, name=user.name, details={"intro_video": data.validated_data["file"]})
        return Response({"intro_video_url": _intro_video_url(user)})

    @extend_schema(
        operation_id="me_intro_video_delete", summary="Remove your intro video", responses={204: None}, tags=["me"]
    )
    def delete(self, request):
        profile_update(user=request.user, name=request.user.name, details={"remove_intro_video": True})
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Down: the earnings statement ---------------------------------------------------------------


class EarningStatementCsv(FileAnswer, APIView):
    """``GET /api/v1/mentor/earnings/statement.csv``."""

    permission_classes = MENTORS

    @extend_schema(
        operation_id="mentor_earnings_statement_csv",
        summary="Your whole statement as CSV",
        description="The website's download: rupees with two decimals, times in your timezone.",
        responses={(200, "text/csv"): OpenApiTypes.STR},
        tags=["mentor"],
    )
    def get(self, request):
        mentor = request.user
        text = earnings_statement_csv(mentor=mentor, zone=ZoneInfo(mentor.timezone or "Asia/Kolkata"))
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{STATEMENT_FILENAME}"'
        return response


urlpatterns = [
    path("me/avatar/", AvatarView.as_view(), name="me-avatar"),
    path("me/intro-video/", IntroVideoView.as_view(), name="me-intro-video"),
    path("mentor/earnings/statement.csv", EarningStatementCsv.as_view(), name="mentor-earnings-statement-csv"),
]
