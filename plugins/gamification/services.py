from django.db.models import Sum

from plugins.gamification.models import PointAward

POINTS = {"joined": 10}


def points_award(*, user, reason: str, reference: str = "") -> PointAward:
    """Award the points for ``reason`` once per (user, reason, reference)."""
    award, _ = PointAward.objects.get_or_create(
        user=user, reason=reason, reference=reference, defaults={"points": POINTS[reason]}
    )
    return award


def points_total_by_user(*, user_ids) -> dict[int, int]:
    """``{user_id: total points}`` for many people in one query."""
    rows = PointAward.objects.filter(user_id__in=list(user_ids)).values("user_id").annotate(total=Sum("points"))
    return {row["user_id"]: row["total"] for row in rows}
