"""Bookings: a learner's request for a session, from checkout to the mentor's answer."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


def new_reference() -> str:
    """A short public reference for receipts and the gateway's ``receipt`` field."""
    return "BK-" + secrets.token_hex(5).upper()


class BookingStatus(models.TextChoices):
    # The learner is in checkout: the slot is held for them until ``hold_expires_at``.
    HELD = "held", "In checkout"
    # Paid (authorized), waiting for the mentor's answer.
    PENDING = "pending", "Waiting for the mentor"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    # Withdrawn by the learner, a lapsed checkout, a cancelled session or a no-show.
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (BookingStatus.HELD, BookingStatus.PENDING, BookingStatus.CONFIRMED)


class Booking(models.Model):
    session = models.ForeignKey("mentoring.MentoringSession", on_delete=models.PROTECT, related_name="bookings")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    reference = models.CharField(max_length=16, unique=True, default=new_reference, editable=False)
    status = models.CharField(max_length=10, choices=BookingStatus.choices, default=BookingStatus.HELD)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0, help_text="Failed or cancelled checkout tries.")
    status_reason = models.CharField(max_length=200, blank=True, help_text="Shown to the learner, e.g. “Slot taken”.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The marketplace is one-to-one: the database refuses a second confirmation.
            models.UniqueConstraint(
                fields=["session"], condition=Q(status="confirmed"), name="bookings_one_confirmed_per_session"
            ),
            # One learner at a time in checkout for a slot.
            models.UniqueConstraint(
                fields=["session"], condition=Q(status="held"), name="bookings_one_hold_per_session"
            ),
            # A learner has at most one open booking per session.
            models.UniqueConstraint(
                fields=["session", "learner"],
                condition=Q(status__in=["held", "pending", "confirmed"]),
                name="bookings_one_open_per_learner",
            ),
        ]
        indexes = [models.Index(fields=["session", "status"], name="bookings_session_status_idx")]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_status_display()})"
