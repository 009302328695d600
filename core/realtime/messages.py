"""What each event says, and to whom: the words of the in-app notifications and of the emails,
shared by both (no writes here). Times read in the person's own timezone."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone

from core.bookings.models import Booking, BookingStatus
from core.bookings.services import SLOT_TAKEN
from core.money import format_inr
from core.payments.models import Payment, Withdrawal
from core.realtime.models import NotificationKind as Kind
from core.users.models import User


def user_zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.timezone or "Asia/Kolkata")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Asia/Kolkata")


def when_for(moment, user: User) -> str:
    """A time as ``user`` reads it, in their own timezone: "Tue 3 Mar, 6:30 PM IST"."""
    return dateformat.format(timezone.localtime(moment, user_zone(user)), "D j M, g:i A T")


def booking_url(booking: Booking) -> str:
    return reverse("bookings:booking-detail", args=[booking.pk])


def rejection_kind(reason: str) -> str:
    return Kind.SLOT_TAKEN if reason == SLOT_TAKEN else Kind.BOOKING_REJECTED


def booking_message(*, booking: Booking, kind: str) -> tuple[User, str, str]:
    """Who hears about ``kind`` for ``booking``, the title and the body."""
    session = booking.session
    mentor, learner = session.mentor, booking.learner
    if kind == Kind.BOOKING_REQUESTED:
        return (
            mentor,
            f"New booking request: {learner.name} for {session.title}",
            f"{when_for(session.starts_at, mentor)}. Accept or reject it before the session starts.",
        )
    if kind == Kind.BOOKING_CONFIRMED:
        return (
            learner,
            f"Confirmed: {session.title} on {when_for(session.starts_at, learner)}",
            f"With {mentor.name}. The Join button opens 10 minutes before the start.",
        )
    reason = booking.status_reason
    if kind == Kind.SLOT_TAKEN:
        title = f"Slot taken: {session.title}"
    elif booking.status == BookingStatus.CANCELLED:
        title = f"Cancelled: {session.title}"
    else:
        title = f"Not accepted: {session.title}"
    if booking.status == BookingStatus.REJECTED:
        # A capture may have happened after all (a lost answer, one made outside the accept):
        # then the payment is refunded, and "not charged" would be untrue.
        if not Payment.objects.filter(booking=booking, captured_at__isnull=False).exists():
            reason = f"{reason.rstrip('.!')}. You were not charged."
        elif "refund" not in reason.lower():
            reason = f"{reason.rstrip('.!')}. Your payment is refunded in full."
    return learner, title, reason


def payment_message(*, payment: Payment, kind: str) -> tuple[User, str, str]:
    booking = payment.booking
    title = booking.session.title
    if kind == Kind.PAYMENT_CAPTURED:
        return (
            payment.learner,
            f"Receipt: {format_inr(payment.amount_paise)} for {title}",
            f"{format_inr(payment.price_paise)} session + {format_inr(payment.fee_paise)} platform fee. "
            f"Reference {booking.reference}.",
        )
    if kind == Kind.EARNINGS_UPDATED:
        return (
            payment.mentor,
            f"{format_inr(payment.mentor_share_paise)} earned",
            f"{title} with {payment.learner.name}. It becomes available to withdraw "
            f"{settings.EARNINGS_HOLD_HOURS} hours after the session ends, unless the learner reports a problem.",
        )
    return (
        payment.learner,
        f"Refunded: {format_inr(payment.refunded_paise)} for {title}",
        f"Reference {booking.reference}. Banks usually take 5–7 working days to show a refund.",
    )


def withdrawal_message(*, withdrawal: Withdrawal, payout_status: str) -> tuple[str, str]:
    amount = format_inr(withdrawal.amount_paise)
    if payout_status == "processed":
        return (
            f"Withdrawal of {amount} paid out",
            "It is on its way to your account; banks usually show it within a day.",
        )
    if payout_status == "reversed":
        return (
            f"Withdrawal of {amount} returned by the bank",
            f"The bank sent the payout back, so {amount} is in your available balance again. "
            "Check the account details and withdraw again.",
        )
    return (
        f"Withdrawal of {amount} failed",
        f"{withdrawal.failure_reason or 'The payout failed'}. {amount} is back in your available balance.",
    )


def approval_message(*, mentor: User) -> tuple[str, str, str]:
    title = "You're approved: your sessions are public"
    body = "Learners can now find and book your sessions. Publish more from your dashboard."
    note = _review_note(mentor)
    if note:
        body = f"{body} A note from our team: {note}"
    return title, body, reverse("core:mentor-sessions")


def not_approved_message(*, mentor: User) -> tuple[str, str, str]:
    title = "Your mentor profile needs changes"
    body = (
        f"Our team could not approve your profile yet: {_review_note(mentor)} "
        "Change your profile and it goes back to our team; your sessions stay hidden until then."
    )
    return title, body, reverse("users:profile-update")


def _review_note(mentor: User) -> str:
    profile = getattr(mentor, "mentor_profile", None)
    return (profile.review_note or "").strip() if profile is not None else ""


def room_url(session) -> str:
    return f"/session/{session.room_id}/"


def reminder_text(*, booking: Booking, user: User, key: str) -> tuple[str, str]:
    session = booking.session
    other = booking.learner if user.pk == session.mentor_id else session.mentor
    if key == "reminder_24h":
        title = f"Tomorrow: {session.title}"
    elif key == "reminder_15m":
        title = f"In 15 minutes: {session.title}"
    else:
        title = f"Starting in 10 minutes: {session.title}"
    body = f"{when_for(session.starts_at, user)} with {other.name}. The room opens 10 minutes before the start."
    return title, body
