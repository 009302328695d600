"""What core's events tell whom: a notification in the app now and, through a task, an email.

``core.realtime.receivers`` calls these when a domain signal arrives. They are the only
services that queue the email tasks, which call ``core.realtime.services.email``: so services
and tasks import one way (event -> tasks -> email).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from core.bookings.models import Booking, DisputeStatus
from core.bookings.services import CANCELLED_BY_LEARNER
from core.money import format_inr
from core.payments.models import Payment, Withdrawal
from core.realtime import tasks
from core.realtime.messages import (
    approval_message,
    booking_message,
    booking_url,
    not_approved_message,
    payment_message,
    rejection_kind,
    room_url,
    withdrawal_message,
)
from core.realtime.models import Notification
from core.realtime.models import NotificationKind as Kind
from core.realtime.services.notification import notification_send, text_fit
from core.users.models import User


def _booking_notify(*, booking: Booking, kind: str) -> Notification | None:
    user, title, body = booking_message(booking=booking, kind=kind)
    notification = notification_send(user=user, kind=kind, title=title, body=body, url=booking_url(booking))
    transaction.on_commit(lambda: tasks.booking_email_send_task.delay(booking.pk, kind))
    return notification


def booking_request_notify(*, booking: Booking) -> Notification | None:
    """A learner paid and waits: tell the session's mentor (in the app, and by email)."""
    return _booking_notify(booking=booking, kind=Kind.BOOKING_REQUESTED)


def booking_confirmation_notify(*, booking: Booking) -> Notification | None:
    """The mentor accepted: tell the learner (in the app, and by email)."""
    return _booking_notify(booking=booking, kind=Kind.BOOKING_CONFIRMED)


def booking_rejection_notify(*, booking: Booking, reason: str) -> Notification | None:
    """A request was declined, cancelled, or lost to another learner (``slot_taken``). A learner
    who withdrew their own request is not told about it."""
    if reason == CANCELLED_BY_LEARNER:
        return None
    return _booking_notify(booking=booking, kind=rejection_kind(reason))


def payment_capture_notify(*, payment) -> None:
    """A booking's payment was captured: a receipt for the learner, "₹900 earned" for the mentor.

    Payments that are not core's booking payments (a plugin's gift, say) are left to their plugin.
    """
    if not isinstance(payment, Payment):
        return
    for kind, url in (
        (Kind.PAYMENT_CAPTURED, booking_url(payment.booking)),
        (Kind.EARNINGS_UPDATED, reverse("core:dashboard-mentor")),
    ):
        user, title, body = payment_message(payment=payment, kind=kind)
        notification_send(user=user, kind=kind, title=title, body=body, url=url)
    transaction.on_commit(lambda: tasks.payment_email_send_task.delay(payment.pk, Kind.PAYMENT_CAPTURED))


def payment_refund_notify(*, payment, amount_paise: int) -> None:
    """A booking's payment was refunded (refunds are full, once per payment): tell the learner."""
    if not isinstance(payment, Payment):
        return
    user, title, body = payment_message(payment=payment, kind=Kind.PAYMENT_REFUNDED)
    notification_send(user=user, kind=Kind.PAYMENT_REFUNDED, title=title, body=body, url=booking_url(payment.booking))
    transaction.on_commit(lambda: tasks.payment_email_send_task.delay(payment.pk, Kind.PAYMENT_REFUNDED))


def dispute_open_notify(*, dispute) -> None:
    """The learner reported a problem: the mentor hears their share is on hold; the learner,
    that staff will look at it."""
    booking = dispute.booking
    session = booking.session
    url = booking_url(booking)
    notification_send(
        user=session.mentor,
        kind=Kind.EARNINGS_UPDATED,
        title=f"Problem reported: {session.title}",
        body=f"{booking.learner.name or 'Your learner'} reported a problem: “{dispute.reason}”. "
        "Your earning for this session is on hold until our team settles it.",
        url=url,
    )
    notification_send(
        user=booking.learner,
        kind=Kind.SESSION_SUMMARY,
        title=f"We received your report: {session.title}",
        body="Our team will look at it and decide: release the payment to the mentor, or refund you in part or "
        "in full. You will hear from us here.",
        url=url,
    )


def dispute_settle_notify(*, dispute) -> None:
    """Staff settled a dispute: both participants hear the decision and why."""
    booking = dispute.booking
    session = booking.session
    url = booking_url(booking)
    refund = format_inr(dispute.refund_paise)
    learner_text, mentor_text = {
        DisputeStatus.RELEASED: ("The payment goes to the mentor.", "Your earning is now available."),
        DisputeStatus.PARTIALLY_REFUNDED: (
            f"You get {refund} back.",
            f"{refund} was refunded to the learner; the rest of your earning is now available.",
        ),
        DisputeStatus.REFUNDED: (f"You get {refund} back in full.", "The learner was refunded in full."),
    }[dispute.status]
    for user, text in ((booking.learner, learner_text), (session.mentor, mentor_text)):
        notification_send(
            user=user,
            kind=Kind.EARNINGS_UPDATED if user.pk == session.mentor_id else Kind.SESSION_SUMMARY,
            title=f"Report settled: {session.title}",
            body=f"{text} Our team's note: {dispute.decision_note}",
            url=url,
        )


def withdrawal_settle_notify(*, withdrawal: Withdrawal, payout_status: str) -> Notification | None:
    """A mentor's withdrawal was paid out, failed or reversed: tell them in the app, and by email
    (a task) under their "Earnings" choices. The platform's own withdrawals (no user) tell nobody."""
    if withdrawal.user is None:
        return None
    title, body = withdrawal_message(withdrawal=withdrawal, payout_status=payout_status)
    notification = notification_send(
        user=withdrawal.user, kind=Kind.EARNINGS_UPDATED, title=title, body=body, url=reverse("core:mentor-withdrawals")
    )
    transaction.on_commit(lambda: tasks.withdrawal_email_send_task.delay(withdrawal.pk, payout_status))
    return notification


def mentor_approval_notify(*, mentor: User) -> Notification | None:
    """Staff approved the mentor: tell them their sessions are public (in the app, and by email)."""
    title, body, url = approval_message(mentor=mentor)
    notification = notification_send(user=mentor, kind=Kind.MENTOR_APPROVED, title=title, body=body, url=url)
    transaction.on_commit(lambda: tasks.mentor_approval_email_send_task.delay(mentor.pk))
    return notification


def mentor_not_approved_notify(*, mentor: User) -> Notification | None:
    """Staff did not approve the mentor (or withdrew it), saying why: tell them, in the app and
    by email, with staff's message and a link to their profile."""
    title, body, url = not_approved_message(mentor=mentor)
    notification = notification_send(user=mentor, kind=Kind.MENTOR_NOT_APPROVED, title=title, body=body, url=url)
    transaction.on_commit(lambda: tasks.mentor_approval_email_send_task.delay(mentor.pk))
    return notification


def chat_message_notify(*, message, recipient: User) -> Notification | None:
    """Someone wrote in a session's room chat while ``recipient`` was not in the room: one
    in-app notification with the room's link, until they read it (no flood for a busy chat)."""
    session = message.session
    url = room_url(session)
    if Notification.objects.filter(user=recipient, kind=Kind.CHAT_MESSAGE, url=url, read_at=None).exists():
        return None
    sender = message.sender.name or "Your session partner"
    return notification_send(
        user=recipient,
        kind=Kind.CHAT_MESSAGE,
        title=f"New message from {sender}",
        body=text_fit(message.text, 140),
        url=url,
    )


def session_published_notify(*, session) -> None:
    """A mentor published a session: the people who follow them hear of it, from a task (a
    mentor may have thousands of followers)."""
    transaction.on_commit(lambda: tasks.followers_session_notify_task.delay(session.pk))
