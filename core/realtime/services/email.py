"""Emails about events, each sent at most once (run by the tasks of ``core.realtime.tasks``).

A unique ``EmailDelivery`` row per (person, event) is claimed before sending, so a task that
runs twice sends one email; a failed send drops its row so the retry sends it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.bookings.models import Booking
from core.money import split
from core.payments.gateways import get_gateway
from core.payments.models import Payment, Withdrawal
from core.realtime import kinds, selectors
from core.realtime.messages import (
    approval_message,
    booking_message,
    booking_url,
    payment_message,
    user_zone,
    withdrawal_message,
)
from core.realtime.models import Channel, EmailDelivery
from core.realtime.models import NotificationKind as Kind
from core.users.models import MentorProfile, User


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
    """The "you're approved" email (run by ``mentor_approval_email_send_task``), once per approval."""
    approved = MentorProfile.objects.filter(user=mentor, is_approved=True)
    approved_at = approved.values_list("approved_at", flat=True).first()
    if approved_at is None:
        return False  # the approval was withdrawn before the task ran
    title, body, url = approval_message(mentor=mentor)
    context = {"body": body, "url": settings.SITE_URL.rstrip("/") + url}
    key = f"{Kind.MENTOR_APPROVED}:user:{mentor.pk}:{approved_at.timestamp():.6f}"
    return notification_email_send(user=mentor, kind=Kind.MENTOR_APPROVED, key=key, subject=title, context=context)


def plugin_notification_email_send(*, user: User, kind: str, key: str, title: str, body: str, url: str) -> bool:
    """The email of one plugin notification (run by ``tasks.plugin_notification_email_send_task``), once
    per ``key``, if the plugin is still on and the person still wants emails of ``kind``."""
    info = kinds.kind_get(kind)
    if info is None or not info.plugin:
        return False  # the plugin was switched off before the task ran
    site_url = settings.SITE_URL.rstrip("/")
    context = {"title": title, "body": body, "group": info.group, "url": site_url + url if url else ""}
    return notification_email_send(user=user, kind=kind, key=key, subject=title, context=context)
