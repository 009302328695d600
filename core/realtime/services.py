"""Writes about notifications: save, then broadcast; mark read; preferences; emails once.

A notification is saved first and broadcast to its person's group only after the
transaction commits (``transaction.on_commit``), so nobody is told about a write that may
still roll back, and a tab that missed the broadcast finds it by id when it catches up.
Emails are sent by Celery tasks (``core.realtime.tasks``) that take ids; a unique
``EmailDelivery`` row per (person, event) makes a task that runs twice send one email.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import ngettext

from core.bookings.models import Booking, BookingStatus
from core.bookings.services import CANCELLED_BY_LEARNER, SLOT_TAKEN
from core.money import format_inr, split
from core.payments.gateways import get_gateway
from core.payments.models import Payment, Withdrawal
from core.realtime import kinds, selectors
from core.realtime.consumers import user_group
from core.realtime.models import (
    Channel,
    EmailDelivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from core.users.models import MentorProfile, User

logger = logging.getLogger(__name__)

TITLE_MAX = Notification._meta.get_field("title").max_length
BODY_MAX = Notification._meta.get_field("body").max_length
Kind = NotificationKind


# --- In-app notifications ---------------------------------------------------------------------


def _fit(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _local_path(url: str) -> str:
    """Only paths on this site: a notification never links elsewhere."""
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValueError(f"A notification links to a path on this site, not {url!r}.")
    return url


def notification_send(*, user: User, kind: str, title: str, body: str = "", url: str = "") -> Notification | None:
    """Save a notification for ``user`` and, once committed, push it to their open tabs.

    Returns None (and saves nothing) when ``user`` turned off in-app notifications of ``kind``.
    ``kind`` is core's or an enabled plugin's (``core.realtime.kinds``).
    """
    if kinds.kind_get(kind) is None:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    if not selectors.wants(user, kind, Channel.IN_APP):
        return None
    notification = Notification.objects.create(
        user=user, kind=kind, title=_fit(title, TITLE_MAX), body=_fit(body, BODY_MAX), url=_local_path(url)
    )
    transaction.on_commit(lambda: notification_broadcast(notification=notification))
    return notification


def _group_send(*, user_id: int, payload: dict) -> None:
    """Best effort: the notification is stored, and a tab that misses this catches up by id."""
    try:
        async_to_sync(get_channel_layer().group_send)(user_group(user_id), {"type": "notify", "payload": payload})
    except Exception:
        logger.exception("Could not push a %s message to user %s", payload.get("type"), user_id)


def notification_broadcast(*, notification: Notification) -> None:
    """Push a saved notification, with the person's unread count, to every tab they have open."""
    unread = selectors.notification_unread_count(user=notification.user)
    _group_send(user_id=notification.user_id, payload=notification.to_payload(unread=unread))


def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s notifications read: those with ``ids``, or all when ``ids`` is None.

    Ids of other people's notifications are ignored. The new unread count is pushed to the
    person's other tabs. Returns how many were marked.
    """
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(id__in=[int(pk) for pk in ids])
    marked = unread.update(read_at=timezone.now())
    if marked:
        transaction.on_commit(
            lambda: _group_send(
                user_id=user.pk, payload={"type": "unread", "unread": selectors.notification_unread_count(user=user)}
            )
        )
    return marked


def notification_preferences_update(
    *, user: User, prefs: Mapping[str, Mapping[str, bool]]
) -> list[selectors.PreferenceRow]:
    """Change ``user``'s choices: ``{"booking_requested": {"email": False, "in_app": True}, ...}``.

    Kinds or channels left out keep their current value (the kind's default when never set).
    Unknown kinds (a switched-off plugin's among them) or channels, and values that are not
    booleans, raise ValueError and change nothing.
    """
    for kind, channels in prefs.items():
        if kinds.kind_get(kind) is None:
            raise ValueError(f"Unknown notification kind {kind!r}.")
        for channel, value in channels.items():
            if channel not in Channel.values:
                raise ValueError(f"Unknown notification channel {channel!r}.")
            if not isinstance(value, bool):
                raise ValueError(f"A notification choice is True or False, not {value!r}.")
    with transaction.atomic():
        current = {row.kind: row for row in NotificationPreference.objects.filter(user=user, kind__in=list(prefs))}
        rows = []
        for kind, channels in prefs.items():
            row = current.get(kind) or NotificationPreference(
                user=user, kind=kind, email=kinds.kind_default(kind, "email"), in_app=kinds.kind_default(kind, "in_app")
            )
            for channel, value in channels.items():
                setattr(row, channel, value)
            rows.append(row)
        NotificationPreference.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["user", "kind"], update_fields=["email", "in_app"]
        )
    return selectors.notification_preferences_get(user=user)


# --- Emails -------------------------------------------------------------------------------------


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.timezone or "Asia/Kolkata")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Asia/Kolkata")


def _when(moment, user: User) -> str:
    """A time as ``user`` reads it, in their own timezone: "Tue 3 Mar, 6:30 PM IST"."""
    return dateformat.format(timezone.localtime(moment, _zone(user)), "D j M, g:i A T")


def notification_email_send(*, user: User, kind: str, key: str, subject: str, context: dict) -> bool:
    """Email ``user`` about one event at most once, if they want emails of ``kind``.

    ``key`` names the event (``"booking_confirmed:booking:12"``). The delivery row is
    claimed before sending; if sending fails it is dropped, so the task's retry sends it.
    Templates ``emails/<name>.txt`` and ``.html`` render in the person's own timezone.
    Returns whether an email was sent now.
    """
    if not user.is_active or not user.email or not selectors.wants(user, kind, Channel.EMAIL):
        return False
    try:
        with transaction.atomic():
            delivery = EmailDelivery.objects.create(user=user, kind=kind, key=key)
    except IntegrityError:
        return False  # sent already (or being sent by another worker)
    template = kinds.email_template(kind)
    zone = _zone(user)
    context = {
        **context,
        "user": user,
        "site_url": settings.SITE_URL.rstrip("/"),
        "subject": subject,
        "timezone_name": zone.key,
    }
    try:
        with timezone.override(zone):
            text = render_to_string(f"emails/{template}.txt", context)
            html = render_to_string(f"emails/{template}.html", context)
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=text, to=[user.email]
        )
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception:
        EmailDelivery.objects.filter(pk=delivery.pk).delete()
        raise
    EmailDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
    return True


# --- What core's events tell whom (called by core.defaults' hookimpls) ---------------------------


def _booking_url(booking: Booking) -> str:
    return reverse("bookings:booking-detail", args=[booking.pk])


def _rejection_kind(reason: str) -> str:
    return Kind.SLOT_TAKEN if reason == SLOT_TAKEN else Kind.BOOKING_REJECTED


def _booking_message(*, booking: Booking, kind: str) -> tuple[User, str, str]:
    """Who hears about ``kind`` for ``booking``, the title and the body."""
    session = booking.session
    mentor, learner = session.mentor, booking.learner
    if kind == Kind.BOOKING_REQUESTED:
        return (
            mentor,
            f"New booking request: {learner.name} for {session.title}",
            f"{_when(session.starts_at, mentor)}. Accept or reject it before the session starts.",
        )
    if kind == Kind.BOOKING_CONFIRMED:
        return (
            learner,
            f"Confirmed: {session.title} on {_when(session.starts_at, learner)}",
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


def _booking_notify(*, booking: Booking, kind: str) -> Notification | None:
    from core.realtime import tasks  # the tasks call back into this module

    user, title, body = _booking_message(booking=booking, kind=kind)
    notification = notification_send(user=user, kind=kind, title=title, body=body, url=_booking_url(booking))
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
    return _booking_notify(booking=booking, kind=_rejection_kind(reason))


def booking_email_send(*, booking: Booking, kind: str) -> bool:
    """The email about ``kind`` for ``booking`` (run by ``booking_email_send_task``), once."""
    user, subject, body = _booking_message(booking=booking, kind=kind)
    context = {
        "booking": booking,
        "session": booking.session,
        "mentor": booking.session.mentor,
        "learner": booking.learner,
        "body": body,
        "kind": kind,
        "earn_paise": split(booking.session.price_paise).mentor_share_paise,
        "url": settings.SITE_URL.rstrip("/") + _booking_url(booking),
    }
    return notification_email_send(
        user=user, kind=kind, key=f"{kind}:booking:{booking.pk}", subject=subject, context=context
    )


def _payment_message(*, payment: Payment, kind: str) -> tuple[User, str, str]:
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


def payment_capture_notify(*, payment) -> None:
    """A booking's payment was captured: a receipt for the learner, "₹900 earned" for the mentor.

    Payments that are not core's booking payments (a plugin's gift, say) are left to their plugin.
    """
    if not isinstance(payment, Payment):
        return
    from core.realtime import tasks

    for kind, url in (
        (Kind.PAYMENT_CAPTURED, _booking_url(payment.booking)),
        (Kind.EARNINGS_UPDATED, reverse("core:dashboard-mentor")),
    ):
        user, title, body = _payment_message(payment=payment, kind=kind)
        notification_send(user=user, kind=kind, title=title, body=body, url=url)
    transaction.on_commit(lambda: tasks.payment_email_send_task.delay(payment.pk, Kind.PAYMENT_CAPTURED))


def payment_refund_notify(*, payment, amount_paise: int) -> None:
    """A booking's payment was refunded (refunds are full, once per payment): tell the learner."""
    if not isinstance(payment, Payment):
        return
    from core.realtime import tasks

    user, title, body = _payment_message(payment=payment, kind=Kind.PAYMENT_REFUNDED)
    notification_send(user=user, kind=Kind.PAYMENT_REFUNDED, title=title, body=body, url=_booking_url(payment.booking))
    transaction.on_commit(lambda: tasks.payment_email_send_task.delay(payment.pk, Kind.PAYMENT_REFUNDED))


def dispute_open_notify(*, dispute) -> None:
    """The learner reported a problem: the mentor hears their share is on hold; the learner,
    that staff will look at it."""
    booking = dispute.booking
    session = booking.session
    url = _booking_url(booking)
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
    from core.bookings.models import DisputeStatus

    booking = dispute.booking
    session = booking.session
    url = _booking_url(booking)
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


def payment_email_send(*, payment: Payment, kind: str) -> bool:
    """The receipt or refund email for ``payment`` (run by ``payment_email_send_task``), once."""
    user, subject, body = _payment_message(payment=payment, kind=kind)
    booking = payment.booking
    context = {
        "payment": payment,
        "booking": booking,
        "session": booking.session,
        "mentor": payment.mentor,
        "body": body,
        "is_test_mode": payment.gateway == "testmode",
        "url": settings.SITE_URL.rstrip("/") + _booking_url(booking),
    }
    return notification_email_send(
        user=user, kind=kind, key=f"{kind}:payment:{payment.pk}", subject=subject, context=context
    )


def _withdrawal_message(*, withdrawal: Withdrawal, payout_status: str) -> tuple[str, str]:
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


def withdrawal_settle_notify(*, withdrawal: Withdrawal, payout_status: str) -> Notification | None:
    """A mentor's withdrawal was paid out, failed or reversed: tell them in the app, and by email
    (a task) under their "Earnings" choices. The platform's own withdrawals (no user) tell nobody."""
    if withdrawal.user is None:
        return None
    from core.realtime import tasks

    title, body = _withdrawal_message(withdrawal=withdrawal, payout_status=payout_status)
    notification = notification_send(
        user=withdrawal.user, kind=Kind.EARNINGS_UPDATED, title=title, body=body, url=reverse("core:mentor-withdrawals")
    )
    transaction.on_commit(lambda: tasks.withdrawal_email_send_task.delay(withdrawal.pk, payout_status))
    return notification


def withdrawal_email_send(*, withdrawal: Withdrawal, payout_status: str) -> bool:
    """The email about a settled withdrawal (run by ``withdrawal_email_send_task``), once per outcome."""
    subject, body = _withdrawal_message(withdrawal=withdrawal, payout_status=payout_status)
    context = {
        "withdrawal": withdrawal,
        "body": body,
        "is_test_mode": get_gateway().is_test_mode,
        "url": settings.SITE_URL.rstrip("/") + reverse("core:mentor-withdrawals"),
    }
    return notification_email_send(
        user=withdrawal.user,
        kind=Kind.EARNINGS_UPDATED,
        key=f"withdrawal_settled:withdrawal:{withdrawal.pk}:{payout_status}",
        subject=subject,
        context=context,
    )


# --- Reminders before a session, and a summary after ------------------------------------------

# (key, how long before the start it is due, email?, in-app?) — each sent once per booking and person.
REMINDERS = (
    ("reminder_24h", timedelta(hours=24), True, False),
    ("reminder_15m", timedelta(minutes=15), True, False),
    ("starting_10m", timedelta(minutes=10), False, True),
)


def _room_url(session) -> str:
    return f"/session/{session.room_id}/"


def _reminder_text(*, booking: Booking, user: User, key: str) -> tuple[str, str]:
    session = booking.session
    other = booking.learner if user.pk == session.mentor_id else session.mentor
    if key == "reminder_24h":
        title = f"Tomorrow: {session.title}"
    elif key == "reminder_15m":
        title = f"In 15 minutes: {session.title}"
    else:
        title = f"Starting in 10 minutes: {session.title}"
    body = f"{_when(session.starts_at, user)} with {other.name}. The room opens 10 minutes before the start."
    return title, body


def session_reminders_send(*, now=None) -> dict[str, int]:
    """Remind both people of every confirmed booking: by email a day and 15 minutes before, and
    in the app 10 minutes before ("Starting in 10 minutes", with the room's link).

    Run every minute by Celery beat. A reminder is due from its moment until the start, so a
    missed run catches up; each is sent at most once per booking and person (a delivery row per
    event claims it), and a booking confirmed less than a day ahead gets no "tomorrow" email: its
    confirmation said when. One query for the bookings, then one small write per reminder sent.
    """
    now = now or timezone.now()
    counts = {key: 0 for key, *_ in REMINDERS}
    bookings = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        session__status="active",
        session__starts_at__gt=now,
        session__starts_at__lte=now + REMINDERS[0][1],
    ).select_related("session__mentor", "learner")
    for booking in bookings:
        session = booking.session
        for key, before, by_email, in_app in REMINDERS:
            if now < session.starts_at - before:
                continue
            if key == "reminder_24h" and booking.decided_at and booking.decided_at > session.starts_at - before:
                continue  # booked within the last day: the confirmation said when it is
            for user in (session.mentor, booking.learner):
                event = f"{key}:booking:{booking.pk}:user:{user.pk}"
                title, body = _reminder_text(booking=booking, user=user, key=key)
                if by_email:
                    context = {"booking": booking, "session": session, "body": body, "title": title,
                               "url": settings.SITE_URL.rstrip("/") + _room_url(session)}  # fmt: skip
                    counts[key] += notification_email_send(
                        user=user, kind=Kind.SESSION_STARTING, key=event, subject=title, context=context
                    )
                if in_app and _claim(user=user, key=event):
                    counts[key] += (
                        notification_send(
                            user=user, kind=Kind.SESSION_STARTING, title=title, body=body, url=_room_url(session)
                        )
                        is not None
                    )
    return counts


def _claim(*, user: User, key: str) -> bool:
    """Claim a one-off in-app event (the same delivery rows emails use, kind in_app:…)."""
    try:
        with transaction.atomic():
            EmailDelivery.objects.create(user=user, kind=Kind.SESSION_STARTING, key=f"in_app:{key}")
    except IntegrityError:
        return False
    return True


def session_summary_send(*, session) -> int:
    """After a completed session, a summary for its mentor and its learner (in the app and by
    email): how long it was, what it covered, and what comes next (feedback, earnings). Once."""
    booking = (
        Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED)
        .select_related("session__mentor", "learner")
        .first()
    )
    if booking is None:
        return 0
    sent = 0
    mentor, learner = session.mentor, booking.learner
    share = split(session.price_paise).mentor_share_paise
    hold_ends = session.completed_at + timedelta(hours=settings.EARNINGS_HOLD_HOURS)
    minutes = session.minutes_together or 0
    together = "you were both present for " + ngettext("%d minute", "%d minutes", minutes) % minutes
    for user, next_step, url in (
        (
            learner,
            f"How was it? Rate your session with {mentor.name}. Something wrong? Report it by "
            f"{_when(hold_ends, learner)}.",
            f"/session/{session.room_id}/feedback/",
        ),
        (
            mentor,
            f"{format_inr(share)} becomes available on {_when(hold_ends, mentor)}, unless the learner reports "
            "a problem by then.",
            reverse("core:mentor-earnings"),
        ),
    ):
        title = f"Session summary: {session.title}"
        early = " The mentor ended it early." if session.ended_early else ""
        body = f"{_when(session.starts_at, user)}: {together}.{early} {next_step}"
        event = f"summary:session:{session.pk}:user:{user.pk}"
        if _claim(user=user, key=event):
            notification_send(user=user, kind=Kind.SESSION_SUMMARY, title=title, body=body, url=url)
        context = {"booking": booking, "session": session, "mentor": mentor, "learner": learner, "body": body,
                   "next_step": next_step, "is_mentor": user.pk == mentor.pk,
                   "url": settings.SITE_URL.rstrip("/") + url}  # fmt: skip
        sent += notification_email_send(user=user, kind=Kind.SESSION_SUMMARY, key=event, subject=title, context=context)
    return sent


def _approval_message(*, mentor: User) -> tuple[str, str, str]:
    title = "You're approved: your sessions are public"
    body = "Learners can now find and book your sessions. Publish more from your dashboard."
    return title, body, reverse("core:mentor-sessions")


def mentor_approval_notify(*, mentor: User) -> Notification | None:
    """Staff approved the mentor: tell them their sessions are public (in the app, and by email)."""
    from core.realtime import tasks

    title, body, url = _approval_message(mentor=mentor)
    notification = notification_send(user=mentor, kind=Kind.MENTOR_APPROVED, title=title, body=body, url=url)
    transaction.on_commit(lambda: tasks.mentor_approval_email_send_task.delay(mentor.pk))
    return notification


def mentor_approval_email_send(*, mentor: User) -> bool:
    """The "you're approved" email (run by ``mentor_approval_email_send_task``), once per approval."""
    approved = MentorProfile.objects.filter(user=mentor, is_approved=True)
    approved_at = approved.values_list("approved_at", flat=True).first()
    if approved_at is None:
        return False  # the approval was withdrawn before the task ran
    title, body, url = _approval_message(mentor=mentor)
    context = {"body": body, "url": settings.SITE_URL.rstrip("/") + url}
    key = f"{Kind.MENTOR_APPROVED}:user:{mentor.pk}:{approved_at.timestamp():.6f}"
    return notification_email_send(user=mentor, kind=Kind.MENTOR_APPROVED, key=key, subject=title, context=context)


def chat_message_notify(*, message, recipient: User) -> Notification | None:
    """Someone wrote in a session's room chat while ``recipient`` was not in the room: one
    in-app notification with the room's link, until they read it (no flood for a busy chat)."""
    session = message.session
    url = _room_url(session)
    if Notification.objects.filter(user=recipient, kind=Kind.CHAT_MESSAGE, url=url, read_at=None).exists():
        return None
    sender = message.sender.name or "Your session partner"
    return notification_send(
        user=recipient,
        kind=Kind.CHAT_MESSAGE,
        title=f"New message from {sender}",
        body=_fit(message.text, 140),
        url=url,
    )
