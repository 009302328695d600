"""The gifting plugin's own records: each mentor's jar (do they take gifts?) and each gift.

The money of a gift is core's: a payment of purpose "gift" (``core.plugin_api.payment_start``)
with the split, the ledger, the gateway, webhooks and refunds. A ``Gift`` is what the plugin
knows besides: who gave it, after which booking, the message, and the state it last heard of.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class GiftJar(models.Model):
    """A mentor's jar for gifts (tips). Opened when the mentor registers; the mentor may close it."""

    mentor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gift_jar")
    accepts_gifts = models.BooleanField(default=True)
    opened_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Gift jar of {self.mentor}"


class GiftStatus(models.TextChoices):
    STARTED = "started", "Waiting for payment"
    PAID = "paid", "Sent"
    REFUNDED = "refunded", "Refunded"


class Gift(models.Model):
    """A learner's gift to the mentor of one of their sessions.

    ``reference`` is the gift's id at core's payments (purpose "gift"): it comes from the form
    the learner submitted, so submitting it twice opens one payment. ``booking_id`` is core's
    booking the gift follows (a number, not a foreign key: core's tables are not the plugin's).
    """

    reference = models.CharField(max_length=64, unique=True)
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gifts_given")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gifts_received")
    booking_id = models.PositiveBigIntegerField(db_index=True)
    session_title = models.CharField(max_length=200)
    price_paise = models.PositiveIntegerField(help_text="The gift; the learner pays it plus the platform fee.")
    amount_paise = models.PositiveIntegerField(default=0, help_text="What the learner pays: the gift and the fee.")
    mentor_share_paise = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=140, blank=True)
    status = models.CharField(max_length=10, choices=GiftStatus.choices, default=GiftStatus.STARTED)
    refunded_paise = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["learner", "created_at"], name="gifting_learner_created_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(price_paise__gt=0), name="gifting_gift_positive"),
            models.CheckConstraint(
                condition=Q(status="started", paid_at__isnull=True) | ~Q(status="started"),
                name="gifting_started_is_unpaid",
            ),
        ]

    def __str__(self) -> str:
        return f"Gift {self.reference} ({self.get_status_display()})"
