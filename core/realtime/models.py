"""Stored notifications, each person's choices of how to hear about things, and sent emails.

The channel layer is not a record (docs/decisions/0013-real-time.md): every notification is saved here *before*
it is broadcast, its id only grows, and a client that reconnects catches up from the last
id it saw.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    BOOKING_REQUESTED = "booking_requested", "New booking requests"
    BOOKING_CONFIRMED = "booking_confirmed", "Bookings confirmed"
    BOOKING_REJECTED = "booking_rejected", "Bookings declined or cancelled"
    SLOT_TAKEN = "slot_taken", "Slot taken by someone else"
    PAYMENT_CAPTURED = "payment_captured", "Payment receipts"
    EARNINGS_UPDATED = "earnings_updated", "Earnings"
    PAYMENT_REFUNDED = "payment_refunded", "Refunds"
    SESSION_STARTING = "session_starting", "Session reminders (a day and 15 minutes before)"
    SESSION_SUMMARY = "session_summary", "Summaries after a session"
    CHAT_MESSAGE = "chat_message", "New chat messages"
    MENTOR_APPROVED = "mentor_approved", "Your mentor profile approved"
    MENTOR_NOT_APPROVED = "mentor_not_approved", "Your mentor profile needs changes"
    MENTOR_PUBLISHED = "mentor_published", "New sessions from mentors you follow"


# Kinds that also send an email (templates/emails/<template>.{txt,html}); the others are in-app only.
EMAIL_TEMPLATES: dict[str, str] = {
    NotificationKind.BOOKING_REQUESTED: "booking_requested",
    NotificationKind.BOOKING_CONFIRMED: "booking_confirmed",
    NotificationKind.BOOKING_REJECTED: "booking_rejected",
    NotificationKind.SLOT_TAKEN: "booking_rejected",
    NotificationKind.PAYMENT_CAPTURED: "payment_captured",
    NotificationKind.PAYMENT_REFUNDED: "payment_refunded",
    NotificationKind.EARNINGS_UPDATED: "withdrawal_settled",  # withdrawals paid out, failed or reversed
    NotificationKind.SESSION_STARTING: "session_reminder",
    NotificationKind.SESSION_SUMMARY: "session_summary",
    NotificationKind.MENTOR_APPROVED: "mentor_approved",
    NotificationKind.MENTOR_NOT_APPROVED: "mentor_approved",  # the same email, with staff's message
    NotificationKind.MENTOR_PUBLISHED: "mentor_published",
}


# A kind is one of NotificationKind, or an enabled plugin's namespaced kind ("gifting.gift_received"):
# core/realtime/kinds.py checks them, so the fields carry no fixed choices.
KIND_MAX_LENGTH = 64


class Channel(models.TextChoices):
    """How a notification reaches a person."""

    IN_APP = "in_app", "In the app"
    EMAIL = "email", "Email"


class Notification(models.Model):
    """One thing a person was told. ``id`` is the catch-up cursor; ``read_at`` is null until read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=KIND_MAX_LENGTH)
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=300, blank=True, help_text="A path on this site, e.g. /bookings/12/.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The list (newest first), catch-up (id > n) and the last id: one range of one person.
            models.Index(fields=["user", "id"], name="realtime_notif_user_id_idx"),
            # The unread count in every signed-in page's header.
            models.Index(fields=["user", "read_at"], name="realtime_notif_user_read_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id}: {self.title}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def to_payload(
        self, *, unread: int | None = None, refreshes: tuple[str, ...] = (), celebrate: bool = False
    ) -> dict:
        """What the socket and the JSON catch-up send for this notification (all text, never HTML).
        ``refreshes``: core's kinds whose live parts of a page it also brings up to date;
        ``celebrate``: its toast gets a small celebration (sent live only, never on catch-up)."""
        payload = {
            "type": "notification",
            "id": self.pk,
            "kind": self.kind,
            "title": self.title,
            "body": self.body,
            "url": self.url,
            "created_at": self.created_at.isoformat(),
            "is_unread": self.is_unread,
        }
        if unread is not None:
            payload["unread"] = unread
        if refreshes:
            payload["refreshes"] = list(refreshes)
        if celebrate:
            payload["celebrate"] = True
        return payload


class NotificationPreference(models.Model):
    """A person's choice for one kind of notification. No row means the kind's defaults (both
    channels on for core's kinds; as declared for a plugin's).

    One row per (person, kind) rather than a JSON blob: the database checks the one-row rule,
    "who turned off receipts?" is one query, and a new kind needs no data migration (it is
    simply at its default until someone changes it). A plugin's kind keeps its rows while the
    plugin is switched off.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=KIND_MAX_LENGTH)
    email = models.BooleanField(default=True)
    in_app = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="realtime_pref_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id}: email={self.email} in_app={self.in_app}"


class EmailDelivery(models.Model):
    """One email about one event to one person, claimed before it is sent: the unique ``key``
    (e.g. ``booking_requested:booking:12``) makes a task that runs twice send one email."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_deliveries")
    kind = models.CharField(max_length=KIND_MAX_LENGTH)
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="Empty while sending (or if it crashed).")

    class Meta:
        verbose_name_plural = "email deliveries"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="realtime_email_once")]

    def __str__(self) -> str:
        return f"{self.key} to user {self.user_id}"


class DigestEntry(models.Model):
    """A notification of a digest kind (``NotificationType.email_digest``) waiting for the
    person's daily email. Kept apart from ``Notification`` because the person may have the kind's
    in-app switch off and its email on; ``notification`` links the in-app copy when there is one,
    so that what they read in the app by then is left out. An entry is deleted once the digest
    that carried it went out, or once it was left out (read, or the email switched off): the
    ``EmailDelivery`` of the digest is the record that it was sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_entries")
    kind = models.CharField(max_length=KIND_MAX_LENGTH)
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=300, blank=True)
    notification = models.ForeignKey(Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "digest entries"
        # The digest task's reads: who has entries waiting, and each one's entries in order.
        indexes = [models.Index(fields=["user", "id"], name="realtime_digest_user_idx")]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id} in a digest: {self.title}"
