"""Reminders before a session, and a summary after it (run by Celery beat and a task)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from core.bookings.models import Booking, BookingStatus
from core.mentoring.models import MentoringSession, SessionStatus
from core.money import format_inr, split
from core.realtime.messages import reminder_text, room_url, when_for
from core.realtime.models import EmailDelivery
from core.realtime.models import NotificationKind as Kind
from core.realtime.services.email import notification_email_send
from core.realtime.services.notification import notification_send
from core.users.models import User
from core.users.selectors import followers_of

logger = logging.getLogger(__name__)

# (key, how long before the start it is due, email?, in-app?) — each sent once per booking and person.
REMINDERS = (
    ("reminder_24h", timedelta(hours=24), True, False),
    ("reminder_15m", timedelta(minutes=15), True, False),
    ("starting_10m", timedelta(minutes=10), False, True),
)


def session_reminders_send(*, now=None) -> dict[str, int]:
    """Remind both people of every confirmed booking: by email a day and 15 minutes before, and
    in the app 10 minutes before ("Starting in 10 minutes", with the room's link).

    Run every minute by Celery beat. A reminder is due from its moment until the start, so a
    missed run catches up; each is sent at most once per booking and person (a delivery row per
    event claims it), and a booking confirmed less than a day ahead gets no "tomorrow" email: its
    confirmation said when. One query for the bookings, then one small write per reminder sent.
    An email that fails (the person's mail server refuses it) is logged and tried again on the
    next run; it does not stop the other reminders.
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
                title, body = reminder_text(booking=booking, user=user, key=key)
                if by_email:
                    context = {"booking": booking, "session": session, "body": body, "title": title,
                               "url": settings.SITE_URL.rstrip("/") + room_url(session)}  # fmt: skip
                    try:
                        counts[key] += notification_email_send(
                            user=user, kind=Kind.SESSION_STARTING, key=event, subject=title, context=context
                        )
                    except Exception:  # one refused address must not hold back everyone else's reminders
                        logger.exception("Reminder %s to user %s not sent; tried again next run", event, user.pk)
                if in_app and _claim(user=user, key=event):
                    counts[key] += (
                        notification_send(
                            user=user, kind=Kind.SESSION_STARTING, title=title, body=body, url=room_url(session)
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
            f"{when_for(hold_ends, learner)}.",
            f"/session/{session.room_id}/feedback/",
        ),
        (
            mentor,
            f"{format_inr(share)} becomes available on {when_for(hold_ends, mentor)}, unless the learner reports "
            "a problem by then.",
            reverse("core:mentor-earnings"),
        ),
    ):
        title = f"Session summary: {session.title}"
        early = " The mentor ended it early." if session.ended_early else ""
        body = f"{when_for(session.starts_at, user)}: {together}.{early} {next_step}"
        event = f"summary:session:{session.pk}:user:{user.pk}"
        if _claim(user=user, key=event):
            notification_send(user=user, kind=Kind.SESSION_SUMMARY, title=title, body=body, url=url)
        context = {"booking": booking, "session": session, "mentor": mentor, "learner": learner, "body": body,
                   "next_step": next_step, "is_mentor": user.pk == mentor.pk,
                   "url": settings.SITE_URL.rstrip("/") + url}  # fmt: skip
        sent += notification_email_send(user=user, kind=Kind.SESSION_SUMMARY, key=event, subject=title, context=context)
    return sent


FOLLOWERS_BATCH = 500


def followers_session_notify(*, session) -> int:
    """A mentor published ``session``: each person following them hears of it, in the app and by
    email as their settings say, once (a retried task skips whoever heard already). Returns how
    many emails went out. Nothing when the session is no longer open or its mentor not public."""
    session = MentoringSession.objects.select_related("mentor__mentor_profile").get(pk=session.pk)
    mentor = session.mentor
    profile = getattr(mentor, "mentor_profile", None)
    if session.status != SessionStatus.ACTIVE or session.starts_at <= timezone.now():
        return 0
    if not mentor.is_active or profile is None or not profile.is_approved:
        return 0
    url = reverse("mentoring:session-detail", args=[session.pk])
    price = format_inr(split(session.price_paise).amount_paise)
    title = f"New session from {mentor.name}: {session.title}"
    sent = 0
    followers = followers_of(mentor=mentor)
    for start in range(0, followers.count(), FOLLOWERS_BATCH):
        for user in followers[start : start + FOLLOWERS_BATCH]:
            body = f"{when_for(session.starts_at, user)} · {session.duration_minutes} minutes · {price}"
            event = f"mentor_published:session:{session.pk}:user:{user.pk}"
            if _claim(user=user, key=event):
                notification_send(user=user, kind=Kind.MENTOR_PUBLISHED, title=title, body=body, url=url)
            context = {"session": session, "mentor": mentor, "body": body,
                       "url": settings.SITE_URL.rstrip("/") + url}  # fmt: skip
            sent += notification_email_send(
                user=user, kind=Kind.MENTOR_PUBLISHED, key=event, subject=title, context=context
            )
    return sent
