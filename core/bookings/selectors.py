"""Reads about bookings, shaped for the pages that show them (each one query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.bookings.models import Booking, BookingStatus
from core.mentoring.models import MentoringSession
from core.money import format_inr
from core.payments.models import Payment
from core.users.models import User


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

    @property
    def amount_display(self) -> str:
        return format_inr(self.amount_paise)


def _with_amount(queryset: QuerySet[Booking]) -> QuerySet[Booking]:
    latest = Payment.objects.filter(booking=OuterRef("pk")).order_by("-created_at").values("amount_paise")[:1]
    return queryset.select_related("session", "session__mentor", "learner").annotate(amount_paise=Subquery(latest))


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
    )


def booking_list_for_learner(*, learner: User, limit: int | None = None) -> list[BookingRow]:
    """The learner's bookings, newest first (one query)."""
    queryset = _with_amount(Booking.objects.filter(learner=learner)).order_by("-created_at", "-pk")
    if limit is not None:
        queryset = queryset[:limit]
    return [_row(booking) for booking in queryset]


def booking_list_pending_for_mentor(*, mentor: User, limit: int | None = None) -> list[BookingRow]:
    """Paid requests waiting for ``mentor``'s answer, soonest session first (one query)."""
    queryset = _with_amount(Booking.objects.filter(session__mentor=mentor, status=BookingStatus.PENDING)).order_by(
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


def booking_payment_latest(*, booking: Booking) -> Payment | None:
    """The payment of the booking's latest checkout."""
    return Payment.objects.filter(booking=booking).order_by("-created_at").first()


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


def booking_list_for_mentor(*, mentor: User, limit: int = 100) -> list[BookingRow]:
    """Every paid request and answer on ``mentor``'s sessions, newest first (one query).
    Checkouts still in progress (held) are not requests yet and are left out."""
    queryset = _with_amount(Booking.objects.filter(session__mentor=mentor).exclude(status=BookingStatus.HELD))
    return [_row(booking) for booking in queryset.order_by("-created_at", "-pk")[:limit]]


def booking_count_pending_for_mentor(*, mentor: User) -> int:
    return Booking.objects.filter(session__mentor=mentor, status=BookingStatus.PENDING).count()


def booking_count_upcoming_for_learner(*, learner: User, now: datetime | None = None) -> int:
    """Confirmed bookings whose session has not ended yet."""
    now = now or timezone.now()
    return Booking.objects.filter(learner=learner, status=BookingStatus.CONFIRMED, session__ends_at__gt=now).count()
