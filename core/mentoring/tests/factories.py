from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from core.mentoring.models import MentoringSession
from core.mentoring.services import session_create
from core.users.services import mentor_approve
from core.users.tests.factories import user_make


def approved_mentor(email: str = "guru@example.com", name: str = "Guru Mentor"):
    mentor = user_make(email=email, name=name, role="mentor")
    mentor_approve(mentor=mentor)
    return mentor


def session_make(*, mentor, title: str = "Intro to Django", hours_from_now: float = 24, **kwargs) -> MentoringSession:
    kwargs.setdefault("price_paise", 100000)
    return session_create(
        mentor=mentor, title=title, starts_at=timezone.now() + timedelta(hours=hours_from_now), **kwargs
    )


def session_in_progress(*, mentor, title: str = "Live now") -> MentoringSession:
    """A session that started ten minutes ago (services only create future ones)."""
    now = timezone.now()
    return MentoringSession.objects.create(
        mentor=mentor,
        title=title,
        price_paise=50000,
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=50),
    )
