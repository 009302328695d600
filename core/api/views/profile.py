"""The signed-in person: their profile (as the Profile tab edits it) and settings (timezone,
notification choices, a mentor's payout destination: the Settings tab)."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import Instant, TextList
from core.realtime.selectors import notification_preferences_get
from core.realtime.services import notification_preferences_update
from core.room.selectors import learning_progress_for_learner
from core.users.models import Role
from core.users.selectors import payout_destination_get, role_profile_get, two_factor_status_get
from core.users.services import profile_update, settings_update


class LearnerDetails(serializers.Serializer):
    interests = TextList(required=False, help_text="Topics you want to learn.")
    career_goals = serializers.CharField(required=False, allow_blank=True, max_length=200)


class MentorDetails(serializers.Serializer):
    bio = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    domains = TextList(required=False, help_text="Broad areas, e.g. Programming, Design.")
    skills = TextList(required=False, help_text="Specific skills, e.g. Python, Django.")
    is_approved = serializers.BooleanField(read_only=True, help_text="Staff approved you to offer sessions.")


class ProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    name = serializers.CharField(max_length=100)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    timezone = serializers.CharField(read_only=True, help_text="Change it in `/me/settings/`.")
    avatar_url = serializers.CharField(read_only=True, allow_blank=True)
    two_factor = serializers.BooleanField(read_only=True, help_text="Two-factor sign-in is on.")
    learner = LearnerDetails(required=False, allow_null=True)
    mentor = MentorDetails(required=False, allow_null=True)


class ProfileUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    learner = LearnerDetails(required=False, help_text="Learners only.")
    mentor = MentorDetails(required=False, help_text="Mentors only.")


def profile_data(user) -> dict:
    profile = role_profile_get(user=user)
    data = {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "timezone": user.timezone,
        "avatar_url": user.avatar.url if user.avatar else "",
        "two_factor": two_factor_status_get(user=user).device is not None,
        "learner": None,
        "mentor": None,
    }
    if user.role == Role.LEARNER and profile is not None:
        data["learner"] = {"interests": list(profile.interests), "career_goals": profile.career_goals}
    elif user.role == Role.MENTOR and profile is not None:
        data["mentor"] = {
            "bio": profile.bio,
            "domains": list(profile.domains),
            "skills": list(profile.skills),
            "is_approved": profile.is_approved,
        }
    return data


class ProfileView(APIView):
    """``/api/v1/me/``."""

    @extend_schema(operation_id="me_get", summary="Your profile", responses={200: ProfileSerializer}, tags=["me"])
    def get(self, request):
        return Response(profile_data(request.user))

    @extend_schema(
        operation_id="me_update",
        summary="Change your profile",
        description="Fields left out keep their value. `learner` is for learners and `mentor` for mentors; "
        "a mentor waiting for approval after staff asked for changes goes back in the queue.",
        request=ProfileUpdateSerializer,
        responses={200: ProfileSerializer},
        examples=[OpenApiExample("Learner", value={"name": "Asha Rao", "learner": {"interests": ["Python", "SQL"]}})],
        tags=["me"],
    )
    def patch(self, request):
        data = ProfileUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        role_key = {Role.LEARNER: "learner", Role.MENTOR: "mentor"}.get(user.role)
        other = {"learner", "mentor"} - {role_key}
        wrong = [key for key in other if key in data.validated_data]
        if wrong:
            raise serializers.ValidationError({wrong[0]: [f"Your account is a {user.get_role_display().lower()}."]})
        details = dict(data.validated_data.get(role_key, {})) if role_key else {}
        profile_update(user=user, name=data.validated_data.get("name", user.name), details=details)
        user.refresh_from_db()
        return Response(profile_data(user))


class Preference(serializers.Serializer):
    kind = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    in_app = serializers.BooleanField()
    email = serializers.BooleanField(allow_null=True, help_text="null: this kind never sends email.")


class PreferenceChoice(serializers.Serializer):
    kind = serializers.CharField(max_length=64)
    in_app = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)


class PayoutDestination(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("bank_account", "Bank account"), ("vpa", "UPI")])
    account_name = serializers.CharField(max_length=100)
    ifsc = serializers.CharField(max_length=11, required=False, allow_blank=True, default="")
    account_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    vpa = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class SettingsSerializer(serializers.Serializer):
    timezone = serializers.CharField(max_length=64, help_text="An IANA name, e.g. Asia/Kolkata.")
    notifications = Preference(many=True, read_only=True)
    payout = PayoutDestination(allow_null=True, read_only=True, help_text="Mentors only: where withdrawals go.")


class SettingsUpdateSerializer(serializers.Serializer):
    timezone = serializers.CharField(max_length=64, required=False)
    notifications = PreferenceChoice(many=True, required=False)
    payout = PayoutDestination(required=False, help_text="Mentors only.")


def settings_data(user) -> dict:
    payout = payout_destination_get(user=user)
    return {
        "timezone": user.timezone,
        "notifications": [
            {"kind": row.kind, "label": row.label, "in_app": row.in_app, "email": row.email}
            for row in notification_preferences_get(user=user)
            if not row.roles or user.role in row.roles
        ],
        "payout": payout
        and {
            "kind": payout["destination_kind"],
            "account_name": payout["account_name"],
            "ifsc": payout["ifsc"],
            "account_number": payout["account_number"],
            "vpa": payout["vpa"],
        },
    }


class SettingsView(APIView):
    """``/api/v1/me/settings/``."""

    @extend_schema(
        operation_id="me_settings_get", summary="Your settings", responses={200: SettingsSerializer}, tags=["me"]
    )
    def get(self, request):
        return Response(settings_data(request.user))

    @extend_schema(
        operation_id="me_settings_update",
        summary="Change your settings",
        description="All or nothing: a bad value changes none of them. Notification kinds left out keep their choices.",
        request=SettingsUpdateSerializer,
        responses={200: SettingsSerializer},
        examples=[
            OpenApiExample(
                "Timezone and one notification",
                value={"timezone": "Asia/Kolkata", "notifications": [{"kind": "booking_requested", "email": False}]},
            )
        ],
        tags=["me"],
    )
    def patch(self, request):
        data = SettingsUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        values = data.validated_data
        payout = values.get("payout")
        if payout is not None and user.role != Role.MENTOR:
            raise serializers.ValidationError({"payout": ["Only mentors have a payout destination."]})
        prefs: dict[str, dict[str, bool]] = {}
        for choice in values.get("notifications", []):
            prefs.setdefault(choice["kind"], {}).update(
                {channel: choice[channel] for channel in ("in_app", "email") if channel in choice}
            )
        with transaction.atomic():
            settings_update(
                user=user,
                timezone_name=values.get("timezone", user.timezone),
                payout=payout
                and {
                    "kind": payout["kind"],
                    "account_name": payout["account_name"],
                    "ifsc": payout["ifsc"],
                    "account_number": payout["account_number"],
                    "vpa": payout["vpa"],
                },
            )
            try:
                notification_preferences_update(user=user, prefs=prefs)
            except ValueError as exc:
                raise serializers.ValidationError({"notifications": [str(exc)]}) from None
        user.refresh_from_db()
        return Response(settings_data(user))


class TopicCoverage(serializers.Serializer):
    topic = serializers.CharField()
    sessions = serializers.IntegerField(help_text="Sessions whose checklist ticked it.")


class AttendedSessionSerializer(serializers.Serializer):
    session_id = serializers.IntegerField()
    title = serializers.CharField()
    mentor_name = serializers.CharField()
    starts_at = Instant()
    minutes_together = serializers.IntegerField(help_text="Minutes both of you were in the room.")
    topics = serializers.ListField(child=serializers.CharField(), help_text="Topics ticked in the room.")


class ProgressSerializer(serializers.Serializer):
    sessions_attended = serializers.IntegerField()
    minutes_learned = serializers.IntegerField(help_text="Minutes in the room with the mentor, not as booked.")
    topics = TopicCoverage(many=True, help_text="Most covered first.")
    recent = AttendedSessionSerializer(many=True, help_text="The last 10 sessions attended, newest first.")


class LearnersOnly(BasePermission):
    message = "Progress is a learner's: the sessions they attended."

    def has_permission(self, request, view) -> bool:
        return request.user.role == Role.LEARNER


class ProgressView(APIView):
    """``GET /api/v1/me/progress/``."""

    permission_classes = [IsAuthenticated, LearnersOnly]

    @extend_schema(
        operation_id="me_progress",
        summary="Your progress: sessions attended, time learned, topics covered",
        description="The Progress tab's figures, from the room's presence and checklist records.",
        responses={200: ProgressSerializer},
        tags=["me"],
    )
    def get(self, request):
        progress = learning_progress_for_learner(learner=request.user)
        body = {
            "sessions_attended": progress.sessions_attended,
            "minutes_learned": progress.minutes_learned,
            "topics": [{"topic": topic, "sessions": count} for topic, count in progress.topics],
            "recent": [
                {
                    "session_id": row.id,
                    "title": row.title,
                    "mentor_name": row.mentor_name,
                    "starts_at": row.starts_at,
                    "minutes_together": row.duration_minutes,
                    "topics": list(row.topics),
                }
                for row in progress.recent
            ],
        }
        return Response(ProgressSerializer(body).data)
