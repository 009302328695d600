"""The recommendations plugin's endpoints in the public API, at ``/api/v1/p/recommendations/``:
"Recommended for you" as the learner's dashboard shows it (each session still open for booking,
with the reason in words), and "Not interested"."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core import plugin_api
from plugins.recommendations import services, tasks

TAGS = ["recommendations"]
LIMIT_DEFAULT, LIMIT_MAX = 6, services.STORED


class RecommendedSessionSerializer(serializers.Serializer):
    session_id = serializers.IntegerField()
    title = serializers.CharField()
    mentor_id = serializers.IntegerField()
    mentor_name = serializers.CharField()
    starts_at = plugin_api.ApiInstant()
    ends_at = plugin_api.ApiInstant()
    duration_minutes = serializers.IntegerField()
    price_paise = serializers.IntegerField()
    learner_pays_paise = serializers.IntegerField(help_text="The price and the platform fee.")
    topics = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField(help_text="Why it is suggested, in words.")


class RecommendationsSerializer(serializers.Serializer):
    pending = serializers.BooleanField(
        help_text="True: your first suggestions are being worked out; ask again in a minute."
    )
    results = RecommendedSessionSerializer(many=True)


class DismissedSerializer(serializers.Serializer):
    session_id = serializers.IntegerField()
    title = serializers.CharField(help_text="The session no longer suggested (nor others like it).")


def _learner_only(request) -> None:
    if getattr(request.user, "role", "") != "learner":
        raise PermissionDenied("Only learners get suggestions.")


def _recompute_later(user_id: int) -> None:
    transaction.on_commit(lambda: tasks.recompute_learner.delay(user_id))


class RecommendedView(plugin_api.ApiView):
    """``GET /api/v1/p/recommendations/sessions/``."""

    @extend_schema(
        operation_id="recommendations_list",
        summary="Sessions recommended for you (learners)",
        description="Best first, each open for booking now, with its reason. Book one through `/api/v1/bookings/`.",
        parameters=[OpenApiParameter("limit", int, description=f"1 to {LIMIT_MAX} ({LIMIT_DEFAULT}).")],
        responses={200: RecommendationsSerializer},
        tags=TAGS,
    )
    def get(self, request):
        _learner_only(request)
        raw = request.query_params.get("limit", str(LIMIT_DEFAULT))
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 3 and 1 <= int(raw) <= LIMIT_MAX):
            raise serializers.ValidationError({"limit": [f"A whole number from 1 to {LIMIT_MAX}."]})
        found = services.recommendations_for(user=request.user, limit=int(raw))
        if found is None:
            _recompute_later(request.user.pk)
        rows = [
            {
                "session_id": item.session.id,
                "title": item.session.title,
                "mentor_id": item.session.mentor_id,
                "mentor_name": item.session.mentor_name,
                "starts_at": item.session.starts_at,
                "ends_at": item.session.ends_at,
                "duration_minutes": item.session.duration_minutes,
                "price_paise": item.session.price_paise,
                "learner_pays_paise": item.session.learner_pays_paise,
                "topics": list(item.session.topics),
                "reason": item.reason,
            }
            for item in found or []
        ]
        return Response(RecommendationsSerializer({"pending": found is None, "results": rows}).data)


class DismissView(plugin_api.ApiView):
    """``POST /api/v1/p/recommendations/sessions/{session_id}/dismiss/``."""

    @extend_schema(
        operation_id="recommendations_dismiss",
        summary="Not interested: stop suggesting this session (learners)",
        description="Neither it nor its like (the same mentor and title) is suggested again; your suggestions "
        "are worked out again. Saying it twice answers the same. 404 when the session is neither open nor "
        "among your suggestions.",
        request=None,
        responses={200: DismissedSerializer},
        tags=TAGS,
    )
    def post(self, request, session_id: int):
        _learner_only(request)
        title = services.dismiss(user=request.user, session_id=session_id)
        if title is None:
            raise Http404("That session is no longer open, so there was nothing to hide.")
        _recompute_later(request.user.pk)
        return Response(DismissedSerializer({"session_id": session_id, "title": title}).data)
