"""Reads about bookings, shaped for the pages that show them (each one query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.bookings.disputes import dispute_refusal, early_end_question_open
from core.bookings.models import Booking, BookingStatus, Dispute
from core.bookings.services import CANCELLED_BY_LEARNER, LEARNER_CANCEL_BEFORE, SLOT_TAKEN, earnings_hold_ends_at
from core.mentoring.models import SessionStatus
from core.mentoring.selectors import JOIN_OPENS_BEFORE
from core.money import format_inr
from core.payments.models import JournalEntry, Payment
from core.users.models import User


def booking_badge(*, status: str, status_reason: str, session_status: str) -> tuple[str, str]:
    """(key, label) of a booking's status badge, the same for its learner and its mentor: a
    confirmed booking of a session that took place reads "Completed"; a request lost to another
    learner, "Slot taken, try another"."""
    if status == BookingStatus.CONFIRMED and session_status == SessionStatus.COMPLETED:
        return "completed", "Completed"
    if status == BookingStatus.REJECTED and status_reason == SLOT_TAKEN:
        return "rejected", SLOT_TAKEN
    return status, BookingStatus(status).label


@dataclass(frozen=True)
class BookingRow:
    """A booking as a list or dashboard panel shows it."""

    id: int
    reference: str
    status: str
    status_display: str
    status_reason: str
    session_id: int
    session_title: str
    mentor_name: str
    learner_name: str
    starts_at: datetime
    amount_paise: int
    session_status: str = SessionStatus.ACTIVE
    learner_avatar: str = ""  # the stored name of the learner's picture, "" for none
    mentor_id: int = 0

    @property
    def amount_display(self) -> str:
        return format_inr(self.amount_paise)

    @property
    def badge(self) -> tuple[str, str]:
        return booking_badge(status=self.status, status_reason=self.status_reason, session_status=self.session_status)


# What ``_row`` and ``_learner_rows`` read, and nothing else: a page of rows then loads four narrow
# rows per booking instead of every column of the booking, its session and two people.
ROW_FIELDS = (
    "reference", "status", "status_reason", "session", "learner",
    "session__title", "session__status", "session__topics", "session__starts_at", "session__ends_at",
    "session__room_id", "session__minutes_together", "session__mentor", "session__mentor__name",
    "learner__name", "learner__email", "learner__avatar",
)  # fmt: skip


def _with_amount(queryset: QuerySet[Booking]) -> QuerySet[Booking]:
    latest = Payment.objects.filter(booking=OuterRef("pk")).order_by("-created_at").values("amount_paise")[:1]
    return (
        queryset.select_related("session", "session__mentor", "learner")
        .only(*ROW_FIELDS)
        .annotate(amount_paise=Subquery(latest))
    )


def _row(booking: Booking) -> BookingRow:
    return BookingRow(
        id=booking.pk,
        reference=booking.reference,
        status=booking.status,
        status_display=booking.get_status_display(),
        status_reason=booking.status_reason,
        session_id=booking.session_id,
        session_title=booking.session.title,
        mentor_name=booking.session.mentor.name,
        learner_name=booking.learner.name or booking.learner.email,
        starts_at=booking.session.starts_at,
        amount_paise=booking.amount_paise or 0,
        session_status=booking.session.status,
        learner_avatar=booking.learner.avatar.name or "",
        mentor_id=booking.session.mentor_id,
    )


def booking_queryset_for_viewer(*, user: User, status: str = "") -> QuerySet[Booking]:
    """The bookings ``user`` may see, as their learner or their session's mentor, with what
    ``booking_row`` reads (a queryset, for cursor pages; unordered)."""
    queryset = Booking.objects.filter(Q(learner=user) | Q(session__mentor=user))
    if status:
        queryset = queryset.filter(status=status)
    return _with_amount(queryset).only(*ROW_FIELDS, "created_at", "hold_expires_at", "mentor")


def booking_row(booking: Booking) -> BookingRow:
    """One booking of ``booking_queryset_for_viewer`` as a list shows it."""
    return _row(booking)


def booking_list_for_learner(*, learner: User, limit: int | None = None) -> list[BookingRow]:
    """The learner's bookings, newest first (one query)."""
    queryset = _with_amount(Booking.objects.filter(learner=learner)).order_by("-created_at", "-pk")
    if limit is not None:
        queryset = queryset[:limit]
    return [_row(booking) for booking in queryset]


def booking_list_pending_for_mentor(*, mentor: User, limit: int | None = None) -> list[BookingRow]:
    """Paid requests waiting for ``mentor``'s answer, soonest session first (one query)."""
    queryset = _with_amount(Booking.objects.filter(mentor=mentor, status=BookingStatus.PENDING)).order_by(
        "session__starts_at", "created_at", "pk"
    )
    if limit is not None:
        queryset = queryset[:limit]
    return [_row(booking) for booking in queryset]


def booking_get_for_viewer(*, pk: int, user: User) -> Booking | None:
    """A booking its learner or its session's mentor may see (with session, mentor, learner), else None."""
    if not user.is_authenticated:
        return None
    return (
        Booking.objects.filter(Q(learner=user) | Q(session__mentor=user), pk=pk)
        .select_related("session", "session__mentor", "learner")
        .first()
    )


@dataclass(frozen=True)
class LearnerBooking:
    """One of a learner's bookings as a plugin reads it (``core.plugin_api.booking_of_learner``):
    who is in it, and where its session stands."""

    id: int
    reference: str
    status: str  # held, pending, confirmed, rejected, cancelled
    learner: User
    mentor: User
    session_id: int
    session_title: str
    session_status: str  # active, completed, cancelled
    starts_at: datetime
    ends_at: datetime
    completed_at: datetime | None  # when the session ended, once it has
    room_id: str

    @property
    def is_confirmed(self) -> bool:
        return self.status == BookingStatus.CONFIRMED


def booking_get_of_learner(*, learner: User, booking_id: int) -> LearnerBooking | None:
    """``learner``'s own booking ``booking_id`` (never anyone else's), or None (one query)."""
    if not getattr(learner, "is_authenticated", False) or not isinstance(booking_id, int):
        return None
    booking = (
        Booking.objects.filter(pk=booking_id, learner=learner).select_related("session", "session__mentor").first()
    )
    if booking is None:
        return None
    session = booking.session
    return LearnerBooking(
        id=booking.pk,
        reference=booking.reference,
        status=booking.status,
        learner=learner,
        mentor=session.mentor,
        session_id=session.pk,
        session_title=session.title,
        session_status=session.status,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        completed_at=session.completed_at,
        room_id=session.room_id,
    )


@dataclass(frozen=True)
class AfterSession:
    """What a completed session's pages say about it: the minutes both were present, the hold
    on the mentor's share, the learner's report (if any) and what they may do now."""

    booked_minutes: int
    minutes_together: int | None  # None: ended before presence was measured
    ended_early: bool
    hold_ends_at: datetime | None
    is_released: bool
    dispute: Dispute | None
    can_report: bool  # the viewer (the learner) may report a problem now
    ask_went_as_booked: bool  # ... and is asked "Did the session go as booked?"

    @property
    def is_held(self) -> bool:
        return self.hold_ends_at is not None and not self.is_released and self.dispute is None


def booking_after_session(*, booking: Booking, user: User, now: datetime | None = None) -> AfterSession | None:
    """For a confirmed booking of a completed session, else None (a few small queries)."""
    session = booking.session
    if booking.status != BookingStatus.CONFIRMED or session.status != SessionStatus.COMPLETED:
        return None
    now = now or timezone.now()
    can_report = booking.learner_id == user.pk and not dispute_refusal(booking=booking, user=user, now=now)
    return AfterSession(
        booked_minutes=session.duration_minutes,
        minutes_together=session.minutes_together,
        ended_early=session.ended_early,
        hold_ends_at=earnings_hold_ends_at(session=session),
        is_released=JournalEntry.objects.filter(payment__booking=booking, reference__startswith="release:").exists(),
        dispute=Dispute.objects.filter(booking=booking).select_related("decided_by").first(),
        can_report=can_report,
        ask_went_as_booked=can_report and early_end_question_open(booking=booking, user=user, now=now),
    )


def booking_payment_latest(*, booking: Booking) -> Payment | None:
    """The payment of the booking's latest checkout."""
    return Payment.objects.filter(booking=booking).order_by("-created_at").first()


def _mentor_history(mentor: User) -> QuerySet[Booking]:
    # Checkouts still in progress (held) are not requests yet and are left out.
    return Booking.objects.filter(mentor=mentor).exclude(status=BookingStatus.HELD)


def booking_list_for_mentor(*, mentor: User, limit: int = 25, offset: int = 0) -> list[BookingRow]:
    """Paid requests and answers on ``mentor``'s sessions, newest first, one page (one query)."""
    queryset = _with_amount(_mentor_history(mentor)).order_by("-created_at", "-pk")
    return [_row(booking) for booking in queryset[offset : offset + limit]]


def booking_count_for_mentor(*, mentor: User) -> int:
    return _mentor_history(mentor).count()


def booking_count_pending_for_mentor(*, mentor: User) -> int:
    return Booking.objects.filter(mentor=mentor, status=BookingStatus.PENDING).count()


def booking_count_upcoming_for_learner(*, learner: User, now: datetime | None = None) -> int:
    """Confirmed bookings whose session is still on: not ended, not completed early, not cancelled."""
    now = now or timezone.now()
    return Booking.objects.filter(
        learner=learner,
        status=BookingStatus.CONFIRMED,
        session__status=SessionStatus.ACTIVE,
        session__ends_at__gt=now,
    ).count()


# --- The learner's dashboard ------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerBookingRow:
    """One of the learner's bookings as their dashboard shows it: status, Join, Cancel."""

    id: int
    reference: str
    status: str
    status_display: str
    status_reason: str
    session_id: int
    session_title: str
    session_status: str
    topics: tuple[str, ...]
    mentor_name: str
    starts_at: datetime
    ends_at: datetime
    room_id: str
    amount_paise: int
    now: datetime
    minutes_together: int | None = None  # of a completed session: both present, from presence rows

    @property
    def amount_display(self) -> str:
        return format_inr(self.amount_paise)

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def badge(self) -> tuple[str, str]:
        """(key, label) of the status badge (see ``booking_badge``)."""
        return booking_badge(status=self.status, status_reason=self.status_reason, session_status=self.session_status)

    @property
    def is_slot_taken(self) -> bool:
        return self.status == BookingStatus.REJECTED and self.status_reason == SLOT_TAKEN

    @property
    def is_attendable(self) -> bool:
        """Confirmed, for a session still on: it gets a countdown and, in time, Join."""
        return (
            self.status == BookingStatus.CONFIRMED
            and self.session_status == SessionStatus.ACTIVE
            and self.now < self.ends_at
        )

    @property
    def join_opens_at(self) -> datetime:
        return self.starts_at - JOIN_OPENS_BEFORE

    @property
    def is_joinable(self) -> bool:
        """The room opens 10 minutes before the start, for a confirmed booking, until the end."""
        return self.is_attendable and self.join_opens_at <= self.now

    @property
    def cancel_deadline(self) -> datetime:
        """Until when a confirmed booking may be cancelled for a full refund."""
        return self.starts_at - LEARNER_CANCEL_BEFORE

    @property
    def can_cancel(self) -> bool:
        """What ``booking_cancel_by_learner`` allows: a waiting request any time before the start
        (nothing was charged), a confirmed booking until 24 hours before it."""
        if self.session_status != SessionStatus.ACTIVE:
            return False
        if self.status in (BookingStatus.HELD, BookingStatus.PENDING):
            return self.now < self.starts_at
        return self.status == BookingStatus.CONFIRMED and self.now <= self.cancel_deadline


def _learner_rows(queryset: QuerySet[Booking], now: datetime) -> list[LearnerBookingRow]:
    return [
        LearnerBookingRow(
            id=booking.pk,
            reference=booking.reference,
            status=booking.status,
            status_display=booking.get_status_display(),
            status_reason=booking.status_reason,
            session_id=booking.session_id,
            session_title=booking.session.title,
            session_status=booking.session.status,
            topics=tuple(booking.session.topics or ()),
            mentor_name=booking.session.mentor.name,
            starts_at=booking.session.starts_at,
            ends_at=booking.session.ends_at,
            room_id=booking.session.room_id,
            amount_paise=booking.amount_paise or 0,
            now=now,
            minutes_together=(
                booking.session.minutes_together if booking.session.status == SessionStatus.COMPLETED else None
            ),
        )
        for booking in queryset
    ]


def _is_upcoming(now: datetime) -> Q:
    """An open booking of a session that is still on: waiting, confirmed, or in checkout."""
    return Q(session__status=SessionStatus.ACTIVE, session__ends_at__gt=now) & (
        Q(status__in=[BookingStatus.PENDING, BookingStatus.CONFIRMED])
        | Q(status=BookingStatus.HELD, hold_expires_at__gt=now)
    )


def booking_list_upcoming_for_learner(
    *, learner: User, limit: int = 10, offset: int = 0, now: datetime | None = None
) -> list[LearnerBookingRow]:
    """A window of the learner's open bookings of sessions that have not ended, soonest first
    (one query)."""
    now = now or timezone.now()
    queryset = _with_amount(Booking.objects.filter(_is_upcoming(now), learner=learner))
    return _learner_rows(queryset.order_by("session__starts_at", "pk")[offset : offset + limit], now)


def booking_count_open_upcoming_for_learner(*, learner: User, now: datetime | None = None) -> int:
    """How many bookings ``booking_list_upcoming_for_learner`` pages through (one query)."""
    return Booking.objects.filter(_is_upcoming(now or timezone.now()), learner=learner).count()


def _past_for_learner(*, learner: User, now: datetime):
    return Booking.objects.filter(learner=learner).exclude(_is_upcoming(now)).exclude(status=BookingStatus.HELD)


def booking_list_past_for_learner(
    *, learner: User, limit: int = 25, offset: int = 0, now: datetime | None = None
) -> list[LearnerBookingRow]:
    """A window of the learner's other bookings: sessions that ended, and requests that were
    turned down or cancelled; most recent session first (one query). Checkouts never paid are
    left out."""
    now = now or timezone.now()
    queryset = _with_amount(_past_for_learner(learner=learner, now=now))
    return _learner_rows(queryset.order_by("-session__starts_at", "-pk")[offset : offset + limit], now)


def booking_count_past_for_learner(*, learner: User, now: datetime | None = None) -> int:
    """How many bookings ``booking_list_past_for_learner`` pages through (one query)."""
    return _past_for_learner(learner=learner, now=now or timezone.now()).count()


def booking_list_requests_for_learner(
    *, learner: User, limit: int = 10, now: datetime | None = None
) -> list[LearnerBookingRow]:
    """The learner's latest requests for sessions that have not ended, with the answer so far:
    in checkout, waiting, confirmed, turned down ("Slot taken, try another") or cancelled by
    the mentor; newest first (one query). Checkouts never paid and bookings the learner
    cancelled themselves are on the booked sessions page only."""
    now = now or timezone.now()
    # ``learner=`` keeps the subquery to this learner's payments: inside the OR, PostgreSQL
    # hashes the whole subquery once, which without it is every payment on the site.
    paid = Payment.objects.filter(booking=OuterRef("pk"), learner=learner, authorized_at__isnull=False)
    queryset = _with_amount(
        Booking.objects.filter(learner=learner, session__ends_at__gt=now)
        .filter(Q(status=BookingStatus.HELD, hold_expires_at__gt=now) | Q(Exists(paid)))
        .exclude(status=BookingStatus.CANCELLED, status_reason=CANCELLED_BY_LEARNER)
    )
    return _learner_rows(queryset.order_by("-created_at", "-pk")[:limit], now)


def booking_get_next_for_learner(*, learner: User, now: datetime | None = None) -> LearnerBookingRow | None:
    """The learner's next confirmed session that has not ended (one query)."""
    now = now or timezone.now()
    queryset = _with_amount(
        Booking.objects.filter(
            learner=learner,
            status=BookingStatus.CONFIRMED,
            session__status=SessionStatus.ACTIVE,
            session__ends_at__gt=now,
        )
    ).order_by("session__starts_at", "pk")[:1]
    rows = _learner_rows(queryset, now)
    return rows[0] if rows else None
