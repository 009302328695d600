"""``Idempotency-Key``: the same key sends back the same answer, as payment APIs do.

A client that lost the answer to "book this session" or "withdraw ₹5,000" sends the request
again with the same header and gets the first answer back (``Idempotent-Replayed: true``)
instead of a second booking or withdrawal. Keys are per person and kept
``API_IDEMPOTENCY_HOURS`` (24 hours). The rules, as Stripe's and Razorpay's APIs have them:

- the same key with a different request (method, path or body) is refused: 422;
- the same key while its first request is still running is refused: 409 (ask again shortly);
  a unique constraint makes the claim, so two copies sent at once never both run;
- an answer that is a server error (5xx) is not kept, so the key may be tried again.

Views that move money or create a booking mix in ``Idempotent``; the schema lists the header on
each of their POST operations (``core.api.schema``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.response import Response

from core.api.models import IdempotentRequest
from core.api.problems import Conflict, Unprocessable

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEPT_HEADERS = ("Location",)
CONTENT_TYPE = "Content-Type"  # kept when the view chose it (problem details), so a replay has it too
KEY_REUSED = "This Idempotency-Key was sent before with a different request. Use a new key for a new request."
STILL_RUNNING = "The first request with this Idempotency-Key is still running. Ask again in a moment."
BAD_KEY = f"{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters (a UUID is a good key)."


class _Replay(Exception):
    def __init__(self, response: Response):
        self.response = response


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent_requests_purge(*, now=None) -> int:
    """Forget answers older than ``API_IDEMPOTENCY_HOURS`` (beat runs this hourly)."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class Idempotent:
    """A view mix-in: its POSTs honour ``Idempotency-Key``."""

    idempotent_methods = ("POST",)

    def _claim(self, request) -> IdempotentRequest | None:
        key = request.headers.get(HEADER)
        if key is None or request.method not in self.idempotent_methods:
            return None
        if not (0 < len(key) <= MAX_KEY_LENGTH) or not all(" " < char < "\x7f" for char in key):
            raise exceptions.ValidationError({HEADER: [BAD_KEY]})
        fingerprint = _fingerprint(request)  # reads the body first: a malformed one is a 400 here
        user = request.user
        cutoff = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
        IdempotentRequest.objects.filter(user=user, key=key, created_at__lt=cutoff).delete()
        try:
            with transaction.atomic():
                return IdempotentRequest.objects.create(user=user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            pass
        earlier = IdempotentRequest.objects.filter(user=user, key=key).first()
        if earlier is None:  # its first request failed and let the key go meanwhile
            raise Conflict(STILL_RUNNING)
        if earlier.fingerprint != fingerprint:
            raise Unprocessable(KEY_REUSED)
        if not earlier.status:
            raise Conflict(STILL_RUNNING)
        headers = {**earlier.headers, "Idempotent-Replayed": "true"}
        content_type = headers.pop(CONTENT_TYPE, None)  # a problem's application/problem+json
        raise _Replay(Response(earlier.body, status=earlier.status, headers=headers, content_type=content_type))

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotent_request = self._claim(request)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def dispatch(self, request, *args, **kwargs):
        self._idempotent_request = None
        try:
            return super().dispatch(request, *args, **kwargs)
        except BaseException:
            if self._idempotent_request is not None:  # a server error: the key may be tried again
                IdempotentRequest.objects.filter(pk=self._idempotent_request.pk).delete()
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "_idempotent_request", None)
        if record is not None:
            if response.status_code >= 500:
                IdempotentRequest.objects.filter(pk=record.pk).delete()
            else:
                IdempotentRequest.objects.filter(pk=record.pk).update(
                    status=response.status_code,
                    body=getattr(response, "data", None),
                    headers={
                        **{name: response[name] for name in KEPT_HEADERS if name in response},
                        **({CONTENT_TYPE: response.content_type} if getattr(response, "content_type", None) else {}),
                    },
                )
            self._idempotent_request = None
        return response
