"""Celery tasks: thin wrappers that take ids and call a service (eager in the embedded default).

They import the service modules they call, never the services package (whose ``withdrawal``
queues ``withdrawal_payout_send_task``), so services and tasks import one way."""

from celery import shared_task

from core.payments import reconcile, webhooks
from core.payments.models import Withdrawal
from core.payments.services.payout import withdrawal_payout_send


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def webhook_event_process_task(event_id: int) -> bool:
    return webhooks.webhook_event_process(event_id=event_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def withdrawal_payout_send_task(withdrawal_id: int) -> str:
    return withdrawal_payout_send(withdrawal=Withdrawal.objects.get(pk=withdrawal_id)).status


@shared_task(acks_late=True)
def payments_reconcile_task() -> dict[str, int]:
    return reconcile.payments_reconcile()
