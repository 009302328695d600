from celery import shared_task

from core.payments import webhooks


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def webhook_event_process_task(event_id: int) -> bool:
    return webhooks.webhook_event_process(event_id=event_id)
