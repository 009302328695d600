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
    # The session's mentor, copied here (a session never changes hands) so that a mentor's
    # requests are found and ordered by index: through the session, PostgreSQL read every
    # booking of the site to find one mentor's. ``save()`` fills it from the session.
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings_received", editable=False
    )
    reference = models.CharField(max_length=16, unique=True, default=new_reference, editable=False)
    status = models.CharField(max_length=10, choices=BookingStatus.choices, default=BookingStatus.HELD)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0, help_text="Failed or cancelled checkout tries.")
    status_reason = models.CharField(max_length=200, blank=True, help_text="Shown to the learner, e.g. “Slot taken”.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    went_as_booked = models.BooleanField(
        null=True, blank=True, help_text="The learner's answer after a session the mentor ended early."
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [("cancel_booking", "Can cancel a booking (refunded by the cancellation rules)")]
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
        indexes = [
            models.Index(fields=["session", "status"], name="bookings_session_status_idx"),
            # The learner's lists and "1 Upcoming" badge filter by learner and status together;
            # without this, PostgreSQL scans every confirmed booking of the site for one learner's.
            models.Index(fields=["learner", "status"], name="bookings_learner_status_idx"),
            # The mentor's requests, newest first, a page at a time.
            models.Index(fields=["mentor", "-created_at"], name="bookings_mentor_created_idx"),
            # The mentor's "Pending" badge on every mentor page: the few waiting requests only.
            models.Index(fields=["mentor"], condition=Q(status="pending"), name="bookings_pending_by_mentor"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        if self.mentor_id is None and self.session_id is not None:
            self.mentor_id = self.session.mentor_id
        super().save(*args, **kwargs)


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open: the mentor's share is on hold"
    RELEASED = "released", "Released to the mentor"
    PARTIALLY_REFUNDED = "partially_refunded", "Partly refunded"
    REFUNDED = "refunded", "Refunded in full"


SETTLED_STATUSES = (DisputeStatus.RELEASED, DisputeStatus.PARTIALLY_REFUNDED, DisputeStatus.REFUNDED)


class DisputeSource(models.TextChoices):
    BOOKING_PAGE = "booking_page", "The booking page"
    FEEDBACK = "feedback", "The feedback form"
    ROOM = "room", "The room after the session"
    ENDED_EARLY = "ended_early", "“No” to “Did the session go as booked?”"
    API = "api", "An app, through the API"


class Dispute(models.Model):
    """A learner's report of a problem with a completed session, made within the hold window.

    While it is open the mentor's share stays pending; staff settle it in the admin (release,
    partial refund or full refund) through ``core.bookings.disputes``, which records who
    decided, when and why. Written by that module only.
    """

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="disputes")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=16, choices=DisputeSource.choices)
    reason = models.TextField(max_length=2000)
    status = models.CharField(max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, help_text="Why staff decided so; shown to both participants.")
    refund_paise = models.PositiveIntegerField(default=0, help_text="What the learner got back, in paise.")
    gateway_refund_id = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking"], condition=Q(status="open"), name="bookings_one_open_dispute_per_booking"
            ),
            # Open means undecided; a decision always says who, when and why.
            models.CheckConstraint(
                condition=(
                    Q(status="open", decided_by__isnull=True, decided_at__isnull=True)
                    | (Q(decided_by__isnull=False, decided_at__isnull=False) & ~Q(status="open") & ~Q(decision_note=""))
                ),
                name="bookings_dispute_decision_recorded",
            ),
            # A refund amount goes with a refund decision, and only with one.
            models.CheckConstraint(
                condition=(
                    Q(status__in=["open", "released"], refund_paise=0)
                    | Q(status__in=["partially_refunded", "refunded"], refund_paise__gt=0)
                ),
                name="bookings_dispute_refund_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute {self.pk} on {self.booking.reference} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == DisputeStatus.OPEN


class CalendarEventRevision(models.Model):
    """What the calendar feeds last said of one event (``uid``): a digest of its time, title and
    status, and a ``sequence`` that rises each time that changes, as calendar apps expect (RFC
    5545). Kept per event, not per feed: a session reads the same in every copy of a feed."""

    uid = models.CharField(max_length=120, unique=True)
    digest = models.CharField(max_length=64)
    sequence = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.uid} #{self.sequence}"
