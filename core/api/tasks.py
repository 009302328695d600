from celery import shared_task

from core.api.codes import codes_purge
from core.api.idempotency import idempotent_requests_purge


@shared_task(acks_late=True)
def idempotent_requests_purge_task() -> int:
    """Celery beat, hourly: forget Idempotency-Key answers older than 24 hours."""
    return idempotent_requests_purge()


@shared_task(acks_late=True)
def email_codes_purge_task() -> int:
    """Celery beat, hourly: forget emailed codes older than a day (each lasts minutes)."""
    return codes_purge()
