"""The audit trail: one append-only row per thing a staff member did (docs/decisions/0021-audit-trail.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditSource(models.TextChoices):
    ADMIN = "admin", "Admin"
    CMS = "cms", "CMS"
    LOGIN = "login", "Sign-in"
    SYSTEM = "system", "System"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only: rows are never updated.")

    def delete(self):
        raise TypeError("The audit trail is append-only: rows are never deleted.")


class AuditEvent(models.Model):
    """Who did what, when, from where, before and after, and why.

    Rows are written by ``core.audit.services`` only and never change, with one exception made
    by the database's own trigger rule: erasing a person (DPDP) may redact their personal values
    once, keeping the action, its time, its object and who did it (``redacted_at`` is set then).
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField("who", max_length=254, help_text="Their email at the time; empty for the system.")
    ip_address = models.GenericIPAddressField("from", null=True, blank=True)
    request_id = models.CharField(
        max_length=32, blank=True, db_index=True, help_text="Rows written by one request share it."
    )
    source = models.CharField(max_length=16, choices=AuditSource.choices)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField("object", max_length=200, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField("why", blank=True)
    redacted_at = models.DateTimeField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-pk")
        indexes = [models.Index(fields=("object_type", "object_id"), name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.actor_label or 'system'} {self.action} {self.object_repr}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The audit trail is append-only: rows are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only: rows are never deleted.")
