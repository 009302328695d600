"""Reads about mentoring sessions, shaped for the pages that show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.mentoring.models import MentoringSession, SessionStatus
from core.money import format_inr, split
from core.users.models import Role, User


@dataclass(frozen=True)
class SessionCard:
    """A session as a public card shows it (no room id: that one is secret)."""

    id: int
    title: str
    mentor_id: int
    mentor_name: str
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    price_paise: int
    learner_pays_paise: int
    topics: tuple[str, ...]
    is_live: bool
    mentor_avatar: str = ""  # the stored name of the mentor's picture, "" for none

    @property
    def price_display(self) -> str:
        return format_inr(self.price_paise)

    @property
    def learner_pays_display(self) -> str:
        return format_inr(self.learner_pays_paise)


@dataclass(frozen=True)
class RatingSummary:
    average: float
    count: int


@dataclass(frozen=True)
class MentorRecord:
    """A mentor's track record: their verified ratings (``RatingSummary``: from learners who
    attended) and how many of their sessions took place or were called off."""

    ratings: RatingSummary | None = None
    sessions_completed: int = 0
    sessions_cancelled: int = 0

    @property
    def completion(self) -> float:
        """The share of their finished sessions that took place (1.0 before the first)."""
        done = self.sessions_completed + self.sessions_cancelled
        return self.sessions_completed / done if done else 1.0

    @property
    def completion_percent(self) -> int | None:
        """The completion as a whole percentage, None before their first finished session."""
        done = self.sessions_completed + self.sessions_cancelled
        return round(100 * self.sessions_completed / done) if done else None


# The landing ranks mentors by a Bayesian average: as if each had PRIOR_REVIEWS more reviews at
# PRIOR_RATING, so one 5-star review does not outrank forty at 4.8, and a new mentor starts in
# the middle rather than above or below everyone with a record.
PRIOR_RATING = 4.0
PRIOR_REVIEWS = 5


@dataclass(frozen=True)
class MentorCard:
    """A mentor with their upcoming public sessions and their verified record."""

    id: int
    name: str
    skills: tuple[str, ...]
    domains: tuple[str, ...]
    upcoming_count: int
    next_session: SessionCard
    avatar: str = ""  # the stored name of their picture, "" for none
    record: MentorRecord = MentorRecord()

    @property
    def rating(self) -> RatingSummary | None:
        return self.record.ratings

    @property
    def score(self) -> float:
        """The Bayesian average of their verified ratings (``PRIOR_RATING`` with none)."""
        ratings = self.record.ratings
        if ratings is None:
            return PRIOR_RATING
        return (PRIOR_RATING * PRIOR_REVIEWS + ratings.average * ratings.count) / (PRIOR_REVIEWS + ratings.count)

    @property
    def initials(self) -> str:
        parts = [part for part in self.name.split() if part]
        return "".join(part[0] for part in parts[:2]).upper() or "?"


def session_queryset_public_upcoming(*, now: datetime):
    """The live or upcoming sessions of approved, active mentors, soonest first, with the mentor (a queryset)."""
    return (
        MentoringSession.objects.filter(
            status=SessionStatus.ACTIVE,
            ends_at__gt=now,
            mentor__is_active=True,
            mentor__mentor_profile__is_approved=True,
        )
        .select_related("mentor")
        .order_by("starts_at", "pk")
    )


def session_card(session: MentoringSession, *, now: datetime) -> SessionCard:
    """``session`` as a public card shows it (its mentor selected with it)."""
    return SessionCard(
        id=session.pk,
        title=session.title,
        mentor_id=session.mentor_id,
        mentor_name=session.mentor.name,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        duration_minutes=session.duration_minutes,
        price_paise=session.price_paise,
        learner_pays_paise=split(session.price_paise).amount_paise,
        topics=tuple(session.topics),
        is_live=session.starts_at <= now < session.ends_at,
        mentor_avatar=session.mentor.avatar.name or "",
    )


def session_list_public_upcoming(*, limit: int = 10, now: datetime | None = None) -> list[SessionCard]:
    """Live or upcoming sessions of approved mentors, soonest first (one query)."""
    now = now or timezone.now()
    return [session_card(session, now=now) for session in session_queryset_public_upcoming(now=now)[:limit]]


def mentor_list_best(*, limit: int = 10, now: datetime | None = None) -> list[MentorCard]:
    """Approved mentors with sessions coming up, best first: by their verified rating (a Bayesian
    average, ``MentorCard.score``), then sessions given, then sessions coming up (three queries,
    whatever the number of rows)."""
    now = now or timezone.now()
    sessions = list(session_queryset_public_upcoming(now=now).select_related("mentor__mentor_profile")[:500])
    by_mentor: dict[int, list[MentoringSession]] = {}
    for session in sessions:
        by_mentor.setdefault(session.mentor_id, []).append(session)
    records = mentor_records_get(mentor_ids=by_mentor)
    cards = []
    for mentor_sessions in by_mentor.values():
        mentor = mentor_sessions[0].mentor
        profile = mentor.mentor_profile
        cards.append(
            MentorCard(
                id=mentor.pk,
                name=mentor.name,
                skills=tuple(profile.skills),
                domains=tuple(profile.domains),
                upcoming_count=len(mentor_sessions),
                next_session=session_card(mentor_sessions[0], now=now),
                avatar=mentor.avatar.name or "",
                record=records[mentor.pk],
            )
        )
    cards.sort(
        key=lambda card: (
            -card.score,
            -card.record.sessions_completed,
            -card.upcoming_count,
            card.next_session.starts_at,
            card.id,
        )
    )
    return cards[:limit]


def session_get_public(*, pk: int, now: datetime | None = None) -> MentoringSession | None:
    """One live or upcoming session of an approved, active mentor (with its mentor), or None."""
    return session_queryset_public_upcoming(now=now or timezone.now()).filter(pk=pk).first()


def session_list_upcoming_for_mentor(*, mentor, limit: int = 20, now: datetime | None = None) -> list[SessionCard]:
    """A mentor's own active sessions that have not ended, public or not yet (one query)."""
    now = now or timezone.now()
    sessions = (
        MentoringSession.objects.filter(mentor=mentor, status=SessionStatus.ACTIVE, ends_at__gt=now)
        .select_related("mentor")
        .order_by("starts_at", "pk")[:limit]
    )
    return [session_card(session, now=now) for session in sessions]


JOIN_OPENS_BEFORE = timedelta(minutes=10)


def session_get_own(*, mentor, pk: int) -> MentoringSession | None:
    return MentoringSession.objects.filter(mentor=mentor, pk=pk).first()


# --- Public mentor pages --------------------------------------------------------------------


def mentors_public():
    """Active, approved mentors: the people who have a public page (a queryset)."""
    return User.objects.filter(role=Role.MENTOR, is_active=True, mentor_profile__is_approved=True)


def mentor_get_public(*, pk: int) -> User | None:
    """An active, approved mentor with their profile (one query), or None: nobody else has a public page."""
    return mentors_public().select_related("mentor_profile").filter(pk=pk).first()


def mentor_page_path(*, mentor_id: int, name: str) -> str:
    """The public page of a mentor, at a readable address: ``/mentors/12-asha-rao/``."""
    return reverse("mentoring:mentor-page", kwargs={"pk": mentor_id, "slug": slugify(name)[:60] or "mentor"})


def mentor_page_paths(*, mentor_ids) -> dict[int, str]:
    """``{mentor id: public page path}`` for those of ``mentor_ids`` who have a public page (one query)."""
    rows = mentors_public().filter(pk__in=list(mentor_ids)).values_list("pk", "name")
    return {pk: mentor_page_path(mentor_id=pk, name=name) for pk, name in rows}


# --- Reputation -------------------------------------------------------------------------------
# Reviews are ``room.Feedback`` rows, which the room accepts only from learners who attended; they
# are read here through the user's relations (``bookings_received__feedback``) so that every page
# that shows a mentor, from the landing up, reads one definition.


def rating_summary_for_mentors(*, mentor_ids) -> dict[int, RatingSummary]:
    """Each mentor's average rating and how many ratings, from learners who attended, for many
    mentors in one query."""
    rows = (
        User.objects.filter(pk__in=list(mentor_ids), bookings_received__feedback__isnull=False)
        .values("pk")
        .annotate(average=Avg("bookings_received__feedback__rating"), count=Count("bookings_received__feedback"))
    )
    return {row["pk"]: RatingSummary(average=round(row["average"], 1), count=row["count"]) for row in rows}


def mentor_records_get(*, mentor_ids) -> dict[int, MentorRecord]:
    """``{mentor id: MentorRecord}`` for each of ``mentor_ids`` (two queries)."""
    mentor_ids = list(mentor_ids)
    ratings = rating_summary_for_mentors(mentor_ids=mentor_ids)
    finished = {
        row["mentor_id"]: row
        for row in MentoringSession.objects.filter(mentor_id__in=mentor_ids)
        .values("mentor_id")
        .annotate(
            completed=Count("id", filter=Q(status=SessionStatus.COMPLETED)),
            cancelled=Count("id", filter=Q(status=SessionStatus.CANCELLED)),
        )
    }
    return {
        mentor_id: MentorRecord(
            ratings=ratings.get(mentor_id),
            sessions_completed=finished.get(mentor_id, {}).get("completed", 0),
            sessions_cancelled=finished.get(mentor_id, {}).get("cancelled", 0),
        )
        for mentor_id in mentor_ids
    }
