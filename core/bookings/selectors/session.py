"""Reads about sessions as their bookings make them: who holds a session's slot, a mentor's own
sessions with who booked them, and the sessions a learner is booked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.bookings.models import Booking, BookingStatus
from core.mentoring.models import MentoringSession, SessionStatus
from core.mentoring.selectors import JOIN_OPENS_BEFORE, SessionCard, session_card
from core.money import format_inr
from core.users.models import User


@dataclass(frozen=True)
class SlotState:
    """Who holds a session's slot right now, as the preview page tells it."""

    confirmed: bool  # someone's booking is confirmed
    held_by_other: bool  # another learner is in checkout
    own_booking: Booking | None  # the viewer's open booking (held, pending or confirmed)


def session_slot_state(*, session: MentoringSession, viewer: User, now: datetime | None = None) -> SlotState:
    """Read from the database, so every viewer sees the same state (one query)."""
    now = now or timezone.now()
    open_bookings = list(
        Booking.objects.filter(session=session)
        .filter(
            Q(status__in=[BookingStatus.PENDING, BookingStatus.CONFIRMED])
            | Q(status=BookingStatus.HELD, hold_expires_at__gt=now)
        )
        .only("pk", "status", "learner_id", "session_id")
    )
    viewer_id = viewer.pk if viewer.is_authenticated else None
    own = next((b for b in open_bookings if b.learner_id == viewer_id), None)
    return SlotState(
        confirmed=any(b.status == BookingStatus.CONFIRMED for b in open_bookings),
        held_by_other=any(b.status == BookingStatus.HELD and b.learner_id != viewer_id for b in open_bookings),
        own_booking=own,
    )


@dataclass(frozen=True)
class OwnSessionRow:
    """A mentor's own session as their dashboard shows it, with who booked it."""

    id: int
    title: str
    topics: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    status: str
    price_paise: int
    room_id: str
    learner_name: str  # the confirmed learner, or ""
    pending_count: int
    now: datetime

    @property
    def price_display(self) -> str:
        return format_inr(self.price_paise)

    @property
    def is_attendable(self) -> bool:
        """Booked and still on (not ended, not completed early, not cancelled): it gets a Join
        button, shown from ``join_opens_at`` (the page reveals it then, without a reload)."""
        return bool(self.learner_name) and self.status == SessionStatus.ACTIVE and self.now < self.ends_at

    @property
    def join_opens_at(self) -> datetime:
        return self.starts_at - JOIN_OPENS_BEFORE

    @property
    def is_joinable(self) -> bool:
        """The room opens 10 minutes before the start, for a booked session, until its end."""
        return self.is_attendable and self.join_opens_at <= self.now

    @property
    def is_editable(self) -> bool:
        return self.status == SessionStatus.ACTIVE and self.starts_at > self.now


def _own_sessions(*, mentor):
    """The mentor's sessions, each with its confirmed learner and pending count.

    Both are correlated subqueries rather than a join with GROUP BY: PostgreSQL then works them
    out for the rows of the page only, after sorting and LIMIT, instead of joining every booking
    of every one of the mentor's sessions first."""
    confirmed = Booking.objects.filter(session=OuterRef("pk"), status=BookingStatus.CONFIRMED).values("learner__name")[
        :1
    ]
    pending = (
        Booking.objects.filter(session=OuterRef("pk"), status=BookingStatus.PENDING)
        .order_by()
        .values("session")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return MentoringSession.objects.filter(mentor=mentor).annotate(
        learner_name=Subquery(confirmed),
        pending_count=Coalesce(Subquery(pending), 0),
    )


def _is_on(now: datetime) -> Q:
    """Still on: active and not ended (upcoming, or taking place now)."""
    return Q(status=SessionStatus.ACTIVE, ends_at__gt=now)


def _own_rows(sessions, now: datetime) -> list[OwnSessionRow]:
    return [
        OwnSessionRow(
            id=session.pk,
            title=session.title,
            topics=tuple(session.topics or ()),
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            status=session.status,
            price_paise=session.price_paise,
            room_id=session.room_id,
            learner_name=session.learner_name or "",
            pending_count=session.pending_count,
            now=now,
        )
        for session in sessions
    ]


def session_list_own_for_mentor(
    *, mentor, limit: int = 10, offset: int = 0, now: datetime | None = None
) -> list[OwnSessionRow]:
    """A window of the mentor's sessions that are still on, soonest first (one query)."""
    now = now or timezone.now()
    sessions = _own_sessions(mentor=mentor).filter(_is_on(now)).order_by("starts_at", "pk")
    return _own_rows(sessions[offset : offset + limit], now)


def session_count_own_for_mentor(*, mentor, now: datetime | None = None) -> int:
    """How many sessions ``session_list_own_for_mentor`` pages through (one query)."""
    return MentoringSession.objects.filter(_is_on(now or timezone.now()), mentor=mentor).count()


def session_list_past_for_mentor(
    *, mentor, limit: int = 25, offset: int = 0, now: datetime | None = None
) -> list[OwnSessionRow]:
    """A window of the mentor's other sessions (ended, completed or cancelled), latest first (one query)."""
    now = now or timezone.now()
    sessions = _own_sessions(mentor=mentor).exclude(_is_on(now)).order_by("-starts_at", "-pk")
    return _own_rows(sessions[offset : offset + limit], now)


def session_count_past_for_mentor(*, mentor, now: datetime | None = None) -> int:
    """How many sessions ``session_list_past_for_mentor`` pages through (one query)."""
    return MentoringSession.objects.filter(mentor=mentor).exclude(_is_on(now or timezone.now())).count()


def session_queryset_own_for_mentor(*, mentor, status: str = ""):
    """The mentor's sessions (of one ``status``, or all), each with its confirmed learner and
    pending count: a queryset for cursor pages, which ``session_own_rows`` shapes."""
    sessions = _own_sessions(mentor=mentor)
    return sessions.filter(status=status) if status else sessions


def session_get_own_for_mentor(*, mentor, pk: int) -> MentoringSession | None:
    """One of the mentor's own sessions with its confirmed learner and pending count, or None (one query)."""
    return _own_sessions(mentor=mentor).filter(pk=pk).first()


def session_own_rows(sessions, *, now: datetime | None = None) -> list[OwnSessionRow]:
    """Sessions of ``session_queryset_own_for_mentor`` (a page of it) as the dashboard's rows."""
    return _own_rows(sessions, now or timezone.now())


def session_list_upcoming_for_learner(*, learner, limit: int = 20, now: datetime | None = None) -> list[SessionCard]:
    """Sessions the learner is confirmed for that have not ended (one query)."""
    now = now or timezone.now()
    sessions = (
        MentoringSession.objects.filter(
            bookings__learner=learner,
            bookings__status=BookingStatus.CONFIRMED,
            status=SessionStatus.ACTIVE,
            ends_at__gt=now,
        )
        .select_related("mentor")
        .order_by("starts_at", "pk")[:limit]
    )
    return [session_card(session, now=now) for session in sessions]
