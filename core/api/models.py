"""What the API keeps: the answers to requests sent with an ``Idempotency-Key``."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class IdempotentRequest(models.Model):
    """One ``Idempotency-Key`` of one person, and the answer their first request with it got.

    A row is made before the request runs (``status`` 0 while it runs), so a duplicate sent at the
    same moment finds it and is told to wait (409) instead of running twice; the answer is stored
    when the request ends and replayed for ``API_IDEMPOTENCY_HOURS``. A request that fails with a
    server error leaves no row, so the same key may be tried again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and body.")
    status = models.PositiveSmallIntegerField(default=0, help_text="The answer's HTTP status; 0 while running.")
    body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_per_user")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status or 'running'})"


class EmailCode(models.Model):
    """A code we emailed to someone using the API: to confirm their address after signing up, or
    to set a new password. The website keeps its codes in the browser's session (allauth); an app
    has no session, so the code's digest lives here, with its wrong tries counted across processes.

    Only the newest unused code of a person and purpose counts; it lasts as long as allauth's codes
    on the website do, and dies after as many wrong tries (``core/api/codes.py``).
    """

    class Purpose(models.TextChoices):
        VERIFY_EMAIL = "verify_email", "Confirm the email address"
        RESET_PASSWORD = "reset_password", "Set a new password"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    digest = models.CharField(max_length=64, help_text="HMAC of the code: the code itself is only in the email.")
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "-created_at"], name="api_emailcode_newest")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for user {self.user_id}"
