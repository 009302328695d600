"""Who may use a session's room, and when (``room_access_get``).

The room is open to the session's mentor and the learner of its confirmed booking, from
``ROOM_OPENS_BEFORE_MINUTES`` before the start until ``ROOM_GRACE_MINUTES`` after the end, while
the session is active. Whoever has not joined ``ROOM_NO_SHOW_MINUTES`` after the start cannot
join any more: the no-show rule (``attendance``) has decided about them, and a late arrival
must not change a decision that moves money.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from core.bookings.models import Booking, BookingStatus
from core.mentoring.models import MentoringSession, SessionStatus
from core.room.models import AttendanceOutcome, RoomPresence, SessionAttendance
from core.users.models import User

MENTOR = "mentor"
LEARNER = "learner"

# ``RoomAccess.state``
OPEN = "open"
ANONYMOUS = "anonymous"
NOT_FOUND = "not_found"
STRANGER = "stranger"
BOOKING_UNPAID = "booking_unpaid"
BOOKING_PENDING = "booking_pending"
BOOKING_REJECTED = "booking_rejected"
BOOKING_CANCELLED = "booking_cancelled"
NO_LEARNER = "no_learner"
TOO_EARLY = "too_early"
ENDED = "ended"
CANCELLED = "cancelled"
MISSED = "missed"


class RoomError(Exception):
    """A room action refused. ``code`` is one of the protocol's error codes (``rate_limited``,
    ``too_long``, ``invalid``, ``forbidden``); ``message`` is for the person."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def room_opens_at(session: MentoringSession) -> datetime:
    return session.starts_at - timedelta(minutes=settings.ROOM_OPENS_BEFORE_MINUTES)


def room_closes_at(session: MentoringSession) -> datetime:
    return session.ends_at + timedelta(minutes=settings.ROOM_GRACE_MINUTES)


def no_show_deadline(session: MentoringSession) -> datetime:
    return session.starts_at + timedelta(minutes=settings.ROOM_NO_SHOW_MINUTES)


def has_joined(*, session: MentoringSession, user_id: int, by: datetime | None = None) -> bool:
    """Whether ``user_id`` opened a socket in the room (before ``by``, if given)."""
    presences = RoomPresence.objects.filter(session=session, user_id=user_id)
    if by is not None:
        presences = presences.filter(joined_at__lte=by)
    return presences.exists()


@dataclass(frozen=True)
class RoomAccess:
    """The answer for one person and one room at one moment.

    ``role`` is "mentor" or "learner" for the session's mentor and for a learner with a booking
    on it (confirmed or not), else "". ``booking`` is the session's confirmed booking, if any.
    """

    state: str
    message: str = ""
    user: User | None = None
    session: MentoringSession | None = None
    booking: Booking | None = None
    role: str = ""
    own_booking: Booking | None = None  # a learner's own booking when it is not the confirmed one

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    @property
    def is_participant(self) -> bool:
        """The session's mentor, or the learner of its confirmed booking (whatever the time)."""
        if self.session is None or self.user is None:
            return False
        if self.role == MENTOR:
            return True
        return self.role == LEARNER and self.booking is not None and self.booking.learner_id == self.user.pk

    @property
    def peer(self) -> User | None:
        if self.role == MENTOR:
            return self.booking.learner if self.booking is not None else None
        if self.is_participant:
            return self.session.mentor
        return None

    @property
    def opens_at(self) -> datetime | None:
        return room_opens_at(self.session) if self.session else None

    @property
    def closes_at(self) -> datetime | None:
        return room_closes_at(self.session) if self.session else None


def _own_booking_refusal(*, user: User, session: MentoringSession, booking: Booking) -> RoomAccess:
    reason = booking.status_reason.rstrip(".")
    if booking.status == BookingStatus.HELD:
        state, message = (
            BOOKING_UNPAID,
            "You have not finished paying for this session, so the room is not open to you.",
        )
    elif booking.status == BookingStatus.PENDING:
        state, message = (
            BOOKING_PENDING,
            "Your booking is waiting for the mentor. The room opens to you once they accept it.",
        )
    elif booking.status == BookingStatus.REJECTED:
        state, message = BOOKING_REJECTED, f"Your booking was rejected{': ' + reason if reason else ''}."
    else:
        state, message = BOOKING_CANCELLED, f"Your booking was cancelled{': ' + reason if reason else ''}."
    return RoomAccess(state, message, user=user, session=session, role=LEARNER, own_booking=booking)


def _outcome(session: MentoringSession) -> str:
    return SessionAttendance.objects.filter(session=session).values_list("outcome", flat=True).first() or ""


def room_access_get(*, user: User | None, room_id: str, now: datetime | None = None) -> RoomAccess:
    """May ``user`` use the room ``room_id`` at ``now``? Two or three queries.

    Refusals carry a state (see the constants above) and a message for the person: strangers,
    a learner whose booking is not confirmed (waiting, rejected, cancelled, unpaid), too early,
    ended, cancelled, or missed (did not join by the no-show deadline).
    """
    now = now or timezone.now()
    if user is None or not user.is_authenticated:
        return RoomAccess(ANONYMOUS, "Log in to join the room.")
    session = MentoringSession.objects.select_related("mentor").filter(room_id=room_id).first()
    if session is None:
        return RoomAccess(NOT_FOUND, "There is no such room.", user=user)
    booking = Booking.objects.select_related("learner").filter(session=session, status=BookingStatus.CONFIRMED).first()
    if user.pk == session.mentor_id:
        role = MENTOR
    elif booking is not None and booking.learner_id == user.pk:
        role = LEARNER
    else:
        own = Booking.objects.filter(session=session, learner=user).order_by("-created_at").first()
        if own is None:
            return RoomAccess(
                STRANGER, "This room is only for the session's mentor and its learner.", user=user, session=session
            )
        return _own_booking_refusal(user=user, session=session, booking=own)

    def answer(state: str, message: str = "") -> RoomAccess:
        return RoomAccess(state, message, user=user, session=session, booking=booking, role=role)

    if session.status == SessionStatus.CANCELLED:
        if _outcome(session) == AttendanceOutcome.MENTOR_ABSENT:
            return answer(
                CANCELLED,
                "This session was cancelled because you did not join within "
                f"{settings.ROOM_NO_SHOW_MINUTES} minutes of the start. The learner was refunded in full.",
            )
        return answer(CANCELLED, "This session was cancelled.")
    if session.status == SessionStatus.COMPLETED:
        if role == LEARNER and _outcome(session) == AttendanceOutcome.LEARNER_ABSENT:
            return answer(
                ENDED,
                f"This session has ended. You did not join within {settings.ROOM_NO_SHOW_MINUTES} minutes of the "
                "start, so under the no-show rule it counts as held.",
            )
        return answer(ENDED, "This session has ended.")
    if booking is None:
        return answer(NO_LEARNER, "Nobody has a confirmed booking for this session, so its room stays closed.")
    if now < room_opens_at(session):
        return answer(TOO_EARLY, "The room is not open yet.")
    if now > room_closes_at(session):
        return answer(ENDED, "This session has ended.")
    deadline = no_show_deadline(session)
    if now > deadline and not has_joined(session=session, user_id=user.pk, by=deadline):
        minutes = ngettext("%d minute", "%d minutes", settings.ROOM_NO_SHOW_MINUTES) % settings.ROOM_NO_SHOW_MINUTES
        if role == MENTOR:
            return answer(
                MISSED,
                f"You did not join within {minutes} of the start, so the session is cancelled and the "
                "learner refunded in full.",
            )
        if has_joined(session=session, user_id=session.mentor_id, by=deadline):
            return answer(
                MISSED,
                f"You did not join within {minutes} of the start, so under the no-show rule the session "
                "counts as held.",
            )
        return answer(
            MISSED,
            f"The mentor did not join within {minutes} of the start, so the session is cancelled and you "
            "get a full refund.",
        )
    return answer(OPEN)
