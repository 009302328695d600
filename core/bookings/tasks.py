"""Celery tasks: thin wrappers that take ids and call a service (eager in the embedded default)."""

from celery import shared_task

from core.bookings import services
from core.mentoring.models import MentoringSession


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def bookings_cancel_for_session_task(session_id: int) -> int:
    return services.bookings_cancel_for_session(session=MentoringSession.objects.get(pk=session_id))


@shared_task(acks_late=True)
def bookings_reject_unanswered_task(session_id: int) -> int:
    return services.bookings_reject_unanswered(session=MentoringSession.objects.get(pk=session_id))


@shared_task(acks_late=True)
def bookings_sweep_task() -> dict[str, int]:
    return services.bookings_sweep()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def earnings_release_for_session_task(session_id: int) -> int:
    return services.earnings_release_for_session(session=MentoringSession.objects.get(pk=session_id))


@shared_task(acks_late=True)
def earnings_release_due_task() -> int:
    return services.earnings_release_due()
