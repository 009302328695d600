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


def session_booked(
    *,
    mentor,
    learner,
    starts_in: timedelta = timedelta(minutes=5),
    minutes: int = 60,
    topics: list[str] | None = None,
    price_paise: int = 100000,
):
    """A session of ``mentor`` that ``learner`` booked, paid and the mentor accepted (through
    the services and the test-mode gateway), then moved to start ``starts_in`` from now
    (services only book future sessions; the room needs one about to start or under way)."""
    from core.bookings.services import booking_accept
    from core.bookings.tests.factories import book_and_pay

    mentor_approve(mentor=mentor)
    session = session_make(
        mentor=mentor,
        title="Django forms, live",
        price_paise=price_paise,
        topics=["Forms", "Validation", "Formsets"] if topics is None else topics,
        duration_minutes=minutes,
    )
    booking = book_and_pay(session, learner)
    booking_accept(booking=booking, mentor=mentor)
    start = timezone.now() + starts_in
    MentoringSession.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(minutes=minutes))
    session.refresh_from_db()
    booking.refresh_from_db()
    return session, booking
