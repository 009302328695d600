"""The gamification plugin's endpoint in the public API, at ``/api/v1/p/gamification/``: what a
person's profile and Progress page show of their standing (points, streaks, badges held, the next
badges with their progress, and the rules that give points). The plugin has no leaderboard."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from core import plugin_api
from plugins.gamification import services

PROGRESS_SHOWN = 5


class GamificationBadgeSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    icon = serializers.CharField(allow_blank=True, help_text="A heroicon name.")
    awarded_at = plugin_api.ApiInstant()


class GamificationProgressSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The badge to earn next.")
    text = serializers.CharField(help_text="How far you are, in words.")
    have = serializers.FloatField()
    need = serializers.IntegerField()
    percent = serializers.IntegerField(min_value=0, max_value=100)


class GamificationPointRuleSerializer(serializers.Serializer):
    reason = serializers.CharField()
    points = serializers.IntegerField()
    text = serializers.CharField()


class GamificationStandingSerializer(serializers.Serializer):
    points = serializers.IntegerField()
    current_streak = serializers.IntegerField(help_text="Weeks in a row with a session that counts.")
    best_streak = serializers.IntegerField()
    sessions_counted = serializers.IntegerField(help_text="Sessions both people attended for at least half.")
    badges = GamificationBadgeSerializer(many=True)
    progress = GamificationProgressSerializer(many=True)
    point_rules = GamificationPointRuleSerializer(many=True)


def standing_data(display: services.Display) -> dict:
    return {
        "points": display.points,
        "current_streak": display.current_streak,
        "best_streak": display.best_streak,
        "sessions_counted": display.sessions_counted,
        "badges": [
            {"name": badge.name, "description": badge.description, "icon": badge.icon, "awarded_at": badge.awarded_at}
            for badge in display.badges
        ],
        "progress": [
            {"name": item.name, "text": item.text, "have": item.have, "need": item.need, "percent": item.percent}
            for item in display.progress
        ],
        "point_rules": [
            {"reason": reason, "points": points, "text": text} for reason, points, text in display.point_rules
        ],
    }


class StandingView(plugin_api.ApiView):
    """``GET /api/v1/p/gamification/me/``."""

    @extend_schema(
        operation_id="gamification_me",
        summary="Your points, streaks, badges and progress",
        description="As your profile and Progress page show them: worked out from the sessions you attended "
        "and the reviews, so never behind.",
        responses={200: GamificationStandingSerializer},
        tags=["gamification"],
    )
    def get(self, request):
        display = services.display_for(user=request.user, progress=PROGRESS_SHOWN)
        return Response(GamificationStandingSerializer(standing_data(display)).data)
