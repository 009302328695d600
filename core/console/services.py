"""Staff decisions that reach across core's apps, each written to the audit trail with its reason.

Each app keeps writing its own state (users blocks, mentoring cancels a session, bookings cancels
and refunds a booking); this module, on the top floor, says in what order and records why.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from core import hooks
from core.audit.services import audit_record, audit_redact_person
from core.bookings.models import Booking
from core.bookings.services import booking_cancel_by_staff
from core.console import selectors
from core.mentoring.models import MentoringSession
from core.mentoring.services import session_cancel
from core.realtime.services import notifications_erase, sockets_close
from core.room.chat import chat_erase_for
from core.room.feedback import feedback_comments_erase_for
from core.users import services as users_services
from core.users.models import User

REASON_MIN = 3
REASON_MAX = 300
MENTOR_GONE = "The mentor is no longer available on PeerLearn."
LEARNER_BLOCKED = "Your account was closed by our team."


def reason_clean(reason: str) -> str:
    """Staff's reason, required: every decision says why (the audit trail keeps it)."""
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": "Say why, in a few words: it is kept in the audit trail."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX} characters."})
    return reason


@dataclass(frozen=True)
class BlockOutcome:
    blocked: bool
    sessions_cancelled: int
    bookings_cancelled: int


def person_block(*, person: User, by: User, reason: str) -> BlockOutcome:
    """Block ``person``: they cannot sign in, their open pages and sockets stop, their upcoming
    sessions (as a mentor) and bookings (as a learner) are cancelled with full refunds through
    the usual services, and the trail records it. Safe to repeat: what is done stays done."""
    reason = reason_clean(reason)
    if person.pk == by.pk:
        raise ValidationError("You cannot block yourself.")
    preview = selectors.block_preview(person=person)
    with transaction.atomic():
        blocked = users_services.user_block(user=person)
        audit_record(
            action="block",
            obj=person,
            before={"is_active": True} if blocked else {},
            after={
                "is_active": False,
                "sessions_to_cancel": [session.pk for session in preview.sessions],
                "bookings_to_cancel": [booking.pk for booking in preview.bookings],
            },
            reason=reason,
            actor=by,
        )
    sessions = sum(session_cancel(session=session, by=by, reason=MENTOR_GONE) for session in preview.sessions)
    bookings = sum(booking_cancel_by_staff(booking=booking, reason=LEARNER_BLOCKED) for booking in preview.bookings)
    sockets_close(user_id=person.pk)
    return BlockOutcome(blocked=blocked, sessions_cancelled=sessions, bookings_cancelled=bookings)


def person_erase(*, person: User, by: User, reason: str) -> dict[str, int]:
    """Erase a person's personal data on their request (India's DPDP Act): first everything a
    block does (signed out, upcoming sessions and bookings cancelled with full refunds), then
    their account anonymised, their notifications gone, what they wrote in chats and feedback
    comments erased, plugins told (``user_erased``), and their values redacted in the audit
    trail. Money records (payments, refunds, the ledger, withdrawals) stay, as the law asks, now
    pointing at "Erased person". Cannot be undone."""
    reason = reason_clean(reason)
    if person.pk == by.pk:
        raise ValidationError("You cannot erase yourself.")
    if person.is_superuser:
        raise ValidationError("A superuser cannot be erased here; take away their superuser status first.")
    if person.is_active:
        person_block(person=person, by=by, reason=f"Erasure on request: {reason}")
    with transaction.atomic():
        about = users_services.user_erase(user=person)
        counts = {
            "notifications": notifications_erase(user=person),
            "chat_messages": chat_erase_for(user=person),
            "feedback_comments": feedback_comments_erase_for(learner=person),
        }
        redacted = audit_redact_person(user=person, object_types=about)
        audit_record(action="erase", obj=person, after={**counts, "audit_rows_redacted": redacted}, reason=reason,
                     actor=by)  # fmt: skip
        transaction.on_commit(lambda: hooks.user_erased.send_robust(sender=User, user=person))
    return counts


def person_unblock(*, person: User, by: User, reason: str) -> bool:
    """Let a blocked person sign in again (what was cancelled stays cancelled)."""
    reason = reason_clean(reason)
    with transaction.atomic():
        unblocked = users_services.user_unblock(user=person)
        if unblocked:
            audit_record(
                action="unblock",
                obj=person,
                before={"is_active": False},
                after={"is_active": True},
                reason=reason,
                actor=by,
            )
    return unblocked


def mentor_decide(*, mentor: User, by: User, approved: bool, note: str) -> None:
    """Approve a mentor, or not (yet), with a message that reaches them; recorded with it."""
    with transaction.atomic():
        profile = users_services.mentor_review(mentor=mentor, approved=approved, note=note)
        audit_record(
            action="approve mentor" if approved else "not approve mentor",
            obj=mentor,
            after={"is_approved": profile.is_approved},
            reason=profile.review_note,
            actor=by,
        )


def session_cancel_by_staff(*, session: MentoringSession, by: User, reason: str) -> bool:
    """Cancel an upcoming session: its requests are released and a confirmed learner refunded in
    full (``core.bookings``), reading staff's reason. False if it was not active any more."""
    reason = reason_clean(reason)
    with transaction.atomic():
        cancelled = session_cancel(session=session, by=by, reason=reason)
        if cancelled:
            audit_record(
                action="cancel session",
                obj=session,
                before={"status": "active"},
                after={"status": "cancelled"},
                reason=reason,
                actor=by,
            )
    return cancelled


def booking_cancel(*, booking: Booking, by: User, reason: str) -> bool:
    """Cancel one booking with a full refund (``booking_cancel_by_staff``), recorded."""
    reason = reason_clean(reason)
    before = booking.status
    cancelled = booking_cancel_by_staff(booking=booking, reason=reason)
    if cancelled:
        audit_record(
            action="cancel booking",
            obj=booking,
            before={"status": before},
            after={"status": "cancelled"},
            reason=reason,
            actor=by,
        )
    return cancelled
