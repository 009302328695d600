"""Emails about events, each sent at most once (run by the tasks of ``core.realtime.tasks``).

A unique ``EmailDelivery`` row per (person, event) is claimed before sending, so a task that
runs twice sends one email; a failed send drops its row so the retry sends it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.bookings.models import Booking
from core.money import split
from core.payments.gateways import get_gateway
from core.payments.models import Payment, Withdrawal
from core.realtime import kinds, selectors
from core.realtime.kinds import DIGEST_EMAIL_TEMPLATE
from core.realtime.messages import (
    approval_message,
    booking_message,
    booking_url,
    not_approved_message,
    payment_message,
    user_zone,
    withdrawal_message,
)
from core.realtime.models import Channel, DigestEntry, EmailDelivery
from core.realtime.models import NotificationKind as Kind
from core.users.models import MentorProfile, User

logger = logging.getLogger(__name__)


def notification_email_send(*, user: User, kind: str, key: str, subject: str, context: dict) -> bool:
    """Email ``user`` about one event at most once, if they want emails of ``kind``.

    ``key`` names the event (``"booking_confirmed:booking:12"``). The delivery row is
    claimed before sending; if sending fails it is dropped, so the task's retry sends it.
    Templates ``emails/<name>.txt`` and ``.html`` render in the person's own timezone.
    Returns whether an email was sent now.
    """
    if not user.is_active or not user.email or not selectors.wants(user, kind, Channel.EMAIL):
        return False
    return _email_once(
        user=user, kind=kind, key=key, subject=subject, template=kinds.email_template(kind), context=context
    )


def _email_once(*, user: User, kind: str, key: str, subject: str, template: str, context: dict) -> bool:
    """Claim ``key`` for ``user``, then send ``emails/<template>.{txt,html}``; False when the key
    was claimed before (sent already, or being sent by another worker)."""
    try:
        with transaction.atomic():
            delivery = EmailDelivery.objects.create(user=user, kind=kind, key=key)
    except IntegrityError:
        return False
    zone = user_zone(user)
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


def booking_email_send(*, booking: Booking, kind: str) -> bool:
    """The email about ``kind`` for ``booking`` (run by ``booking_email_send_task``), once."""
    user, subject, body = booking_message(booking=booking, kind=kind)
    context = {
        "booking": booking,
        "session": booking.session,
        "mentor": booking.session.mentor,
        "learner": booking.learner,
        "body": body,
        "kind": kind,
        "earn_paise": split(booking.session.price_paise).mentor_share_paise,
        "url": settings.SITE_URL.rstrip("/") + booking_url(booking),
    }
    return notification_email_send(
        user=user, kind=kind, key=f"{kind}:booking:{booking.pk}", subject=subject, context=context
    )


def payment_email_send(*, payment: Payment, kind: str) -> bool:
    """The receipt or refund email for ``payment`` (run by ``payment_email_send_task``), once."""
    user, subject, body = payment_message(payment=payment, kind=kind)
    booking = payment.booking
    context = {
        "payment": payment,
        "booking": booking,
        "session": booking.session,
        "mentor": payment.mentor,
        "body": body,
        "is_test_mode": payment.gateway == "testmode",
        "url": settings.SITE_URL.rstrip("/") + booking_url(booking),
    }
    return notification_email_send(
        user=user, kind=kind, key=f"{kind}:payment:{payment.pk}", subject=subject, context=context
    )


def withdrawal_email_send(*, withdrawal: Withdrawal, payout_status: str) -> bool:
    """The email about a settled withdrawal (run by ``withdrawal_email_send_task``), once per outcome."""
    subject, body = withdrawal_message(withdrawal=withdrawal, payout_status=payout_status)
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


def mentor_approval_email_send(*, mentor: User) -> bool:
    """The email of staff's decision (run by ``mentor_approval_email_send_task``), once per
    decision: "you're approved", or "your profile needs changes" with staff's message."""
    profile = MentorProfile.objects.filter(user=mentor).first()
    if profile is None:
        return False
    if profile.is_approved and profile.approved_at is not None:
        kind, decided_at = Kind.MENTOR_APPROVED, profile.approved_at
        title, body, url = approval_message(mentor=mentor)
    elif profile.reviewed_at is not None and profile.review_note:
        kind, decided_at = Kind.MENTOR_NOT_APPROVED, profile.reviewed_at
        title, body, url = not_approved_message(mentor=mentor)
    else:
        return False  # the decision changed before the task ran
    context = {"body": body, "url": settings.SITE_URL.rstrip("/") + url, "approved": kind == Kind.MENTOR_APPROVED}
    key = f"{kind}:user:{mentor.pk}:{decided_at.timestamp():.6f}"
    return notification_email_send(user=mentor, kind=kind, key=key, subject=title, context=context)


def plugin_notification_email_send(*, user: User, kind: str, key: str, title: str, body: str, url: str) -> bool:
    """The email of one plugin notification (run by ``tasks.plugin_notification_email_send_task``), once
    per ``key``, if the plugin is still on and the person still wants emails of ``kind``."""
    info = kinds.kind_get(kind)
    if info is None or not info.plugin:
        return False  # the plugin was switched off before the task ran
    site_url = settings.SITE_URL.rstrip("/")
    context = {"title": title, "body": body, "group": info.group, "url": site_url + url if url else ""}
    return notification_email_send(user=user, kind=kind, key=key, subject=title, context=context)


# --- The daily digest -----------------------------------------------------------------------
DIGEST_KIND = "digest"  # EmailDelivery.kind of digest emails (not a notification kind of its own)
DIGEST_LISTED = 20  # entries spelled out in one email; the rest are counted, with a link to all


def digests_send(*, now=None) -> int:
    """Send every daily digest that is due (run by ``tasks.notification_digests_send_task`` on
    beat, every quarter of an hour): to each person with waiting ``DigestEntry`` rows whose own
    clock has passed ``NOTIFICATION_DIGEST_HOUR`` today. Returns how many emails went out.

    One person's failed send (their mail server refused it) is logged and does not stop the
    others'; their entries wait for the next run."""
    now = now or timezone.now()
    waiting = DigestEntry.objects.values_list("user_id", flat=True).distinct()
    sent = 0
    for user in User.objects.filter(pk__in=list(waiting)):
        try:
            sent += digest_send(user=user, now=now)
        except Exception:
            logger.exception("The daily digest to user %s could not be sent; it is tried again next run", user.pk)
    return sent


def digest_send(*, user: User, now=None) -> bool:
    """``user``'s digest of their waiting entries, at most one a day (the key is their local
    date) and not before ``NOTIFICATION_DIGEST_HOUR`` on their clock. Entries of kinds whose
    plugin is off or whose email they switched off, and entries they read in the app, are left
    out (and not kept for tomorrow). Entries are deleted once handled. Returns whether an email
    was sent now."""
    now = now or timezone.now()
    local = timezone.localtime(now, user_zone(user))
    if local.hour < settings.NOTIFICATION_DIGEST_HOUR:
        return False
    entries = list(DigestEntry.objects.filter(user=user).select_related("notification").order_by("id"))
    wanted = {}
    for entry in entries:
        if entry.kind not in wanted:
            info = kinds.kind_get(entry.kind)
            wanted[entry.kind] = info if info is not None and selectors.wants(user, entry.kind, Channel.EMAIL) else None
    listed = [
        entry
        for entry in entries
        if wanted[entry.kind] is not None and (entry.notification is None or entry.notification.read_at is None)
    ]
    if not user.is_active or not user.email or not listed:
        DigestEntry.objects.filter(pk__in=[entry.pk for entry in entries]).delete()
        return False
    groups: dict[str, list[DigestEntry]] = {}
    for entry in listed[:DIGEST_LISTED]:
        groups.setdefault(wanted[entry.kind].group, []).append(entry)
    count = len(listed)
    subject = f"Your daily digest: {count} update{pluralize(count)}"
    context = {
        "groups": [
            {"name": name, "entries": [{"title": e.title, "body": e.body, "url": _absolute(e.url)} for e in rows]}
            for name, rows in groups.items()
        ],
        "more": count - min(count, DIGEST_LISTED),
        "notifications_url": _absolute(reverse("realtime:notification-list")),
    }
    sent = _email_once(
        user=user,
        kind=DIGEST_KIND,
        key=f"digest:{local.date().isoformat()}",
        subject=subject,
        template=DIGEST_EMAIL_TEMPLATE,
        context=context,
    )
    if sent:  # the ones it carried and the ones it left out; any that arrived meanwhile wait
        DigestEntry.objects.filter(pk__in=[entry.pk for entry in entries]).delete()
    return sent


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path if path else ""
