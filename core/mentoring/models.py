"""Mentoring sessions: one mentor, one learner, a start time in UTC and a price in paise."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q


def new_room_id() -> str:
    """An unguessable id for the session's live room (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


class SessionStatus(models.TextChoices):
    ACTIVE = "active", "Active"  # upcoming or live
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class MentoringSession(models.Model):
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentoring_sessions")
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    topics = models.JSONField(default=list, blank=True, help_text="What the session covers, in order.")
    price_paise = models.PositiveIntegerField(help_text="The mentor's price in paise; learners pay a fee on top.")
    starts_at = models.DateTimeField(help_text="UTC.")
    ends_at = models.DateTimeField(help_text="UTC; the start plus the duration.")
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.ACTIVE)
    room_id = models.CharField(max_length=32, unique=True, default=new_room_id, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why staff cancelled it (the learner reads it); empty when the mentor did.",
    )
    # Written once, by ``session_complete``: when it ended, whether the mentor ended it before
    # half its scheduled length, and the minutes both participants were in the room together.
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When the session ended (UTC).")
    ended_early = models.BooleanField(default=False, help_text="The mentor ended it before half its scheduled length.")
    minutes_together = models.PositiveIntegerField(
        null=True, blank=True, help_text="Minutes both participants were present, from the presence records."
    )

    class Meta:
        ordering = ["starts_at"]
        permissions = [("cancel_mentoringsession", "Can cancel a session (its bookings are refunded)")]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="mentoring_status_start_idx"),
            models.Index(fields=["mentor", "starts_at"], name="mentoring_mentor_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="mentoring_ends_after_start"),
            models.CheckConstraint(condition=Q(price_paise__gt=0), name="mentoring_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d %H:%M} UTC)"

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)
