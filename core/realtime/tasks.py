"""Celery tasks: thin wrappers that take ids and call a service (eager in the embedded default).

They call the email and reminder services; only ``core.realtime.services.event`` queues them,
so services and tasks import one way.

Each email task is idempotent: the service claims a unique delivery row before sending, so
running a task twice (a retry, a redelivered message) sends one email.
"""

from celery import shared_task

from core.bookings.models import Booking
from core.mentoring.models import MentoringSession
from core.payments.models import Payment, Withdrawal
from core.realtime.services.email import (
    booking_email_send,
    digests_send,
    mentor_approval_email_send,
    payment_email_send,
    plugin_notification_email_send,
    withdrawal_email_send,
)
from core.realtime.services.reminder import followers_session_notify, session_reminders_send, session_summary_send
from core.users.models import User


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def booking_email_send_task(booking_id: int, kind: str) -> bool:
    booking = Booking.objects.select_related("session__mentor", "learner").get(pk=booking_id)
    return booking_email_send(booking=booking, kind=kind)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def payment_email_send_task(payment_id: int, kind: str) -> bool:
    payment = Payment.objects.select_related("booking__session", "learner", "mentor").get(pk=payment_id)
    return payment_email_send(payment=payment, kind=kind)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def withdrawal_email_send_task(withdrawal_id: int, payout_status: str) -> bool:
    withdrawal = Withdrawal.objects.select_related("user").get(pk=withdrawal_id)
    return withdrawal_email_send(withdrawal=withdrawal, payout_status=payout_status)


@shared_task(acks_late=True)
def session_reminders_send_task() -> dict[str, int]:
    return session_reminders_send()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def session_summary_send_task(session_id: int) -> int:
    return session_summary_send(session=MentoringSession.objects.select_related("mentor").get(pk=session_id))


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def mentor_approval_email_send_task(mentor_id: int) -> bool:
    return mentor_approval_email_send(mentor=User.objects.get(pk=mentor_id))


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def plugin_notification_email_send_task(user_id: int, kind: str, key: str, title: str, body: str, url: str) -> bool:
    """A plugin's notification email (``core.realtime.plugin_notifications`` queues it)."""
    return plugin_notification_email_send(
        user=User.objects.get(pk=user_id), kind=kind, key=key, title=title, body=body, url=url
    )


@shared_task(acks_late=True)
def notification_digests_send_task() -> int:
    """The daily digests that are due (beat, every quarter of an hour; each sent once a day)."""
    return digests_send()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def followers_session_notify_task(session_id: int) -> int:
    session = MentoringSession.objects.filter(pk=session_id).first()
    return followers_session_notify(session=session) if session is not None else 0
