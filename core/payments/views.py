"""The Razorpay webhook endpoint: verify, store once, answer fast."""

from __future__ import annotations

import logging

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.payments.gateways import get_gateway
from core.payments.tasks import webhook_event_process_task
from core.payments.webhooks import BadWebhook, webhook_event_record

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def razorpay_webhook(request: HttpRequest) -> JsonResponse:
    signature = request.headers.get("X-Razorpay-Signature", "")
    if not signature:
        return JsonResponse({"error": "Missing X-Razorpay-Signature header."}, status=400)
    body = request.body
    if not get_gateway().webhook_signature_valid(body=body, signature=signature):
        logger.warning("Webhook with a bad signature refused")
        return JsonResponse({"error": "The signature does not match the body."}, status=400)
    try:
        event, created = webhook_event_record(body=body, event_id=request.headers.get("X-Razorpay-Event-Id", ""))
    except BadWebhook as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    if created or event.processed_at is None:  # a redelivery retries an event whose processing failed
        transaction.on_commit(lambda: webhook_event_process_task.delay(event.pk))
    return JsonResponse({"status": "accepted" if created else "duplicate"})
