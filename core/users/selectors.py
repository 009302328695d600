"""Reads about people."""

from __future__ import annotations

from core.users.models import LearnerProfile, MentorProfile, Role, User


def dashboard_profile_get(*, user: User) -> LearnerProfile | MentorProfile | None:
    """The role profile shown on a dashboard (one query), or None for staff."""
    if user.role == Role.LEARNER:
        return LearnerProfile.objects.filter(user=user).first()
    if user.role == Role.MENTOR:
        return MentorProfile.objects.filter(user=user).first()
    return None
