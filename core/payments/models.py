"""Payments, the double-entry ledger, withdrawals and processed webhook events.

Money is integer paise everywhere. Balances are never stored: they are sums of postings
(``core.payments.ledger`` is the only writer of entries and postings).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.money import format_inr


class PaymentStatus(models.TextChoices):
    CREATED = "created", "Created"  # order made, learner in checkout
    AUTHORIZED = "authorized", "Authorized"  # paid, not captured: waiting for the mentor
    CAPTURED = "captured", "Captured"  # the mentor accepted
    VOIDED = "voided", "Released"  # authorized but never captured: the hold on the card lapses
    REFUNDED = "refunded", "Refunded"
    FAILED = "failed", "Failed"


BOOKING_PURPOSE = "booking"
"""The purpose of core's own payments: a seat in a session. Every other purpose is a plugin's."""


class Payment(models.Model):
    """A learner's payment to a mentor: for a booking (``purpose`` "booking", ``booking`` set), or
    for a purpose a plugin declared (``payment_purposes``), with the plugin's own ``reference``
    (docs/decisions/0012-plugins.md). The split, the gateway, the ledger, webhooks, the reconciler
    and refunds are the same for both."""

    purpose = models.SlugField(
        max_length=32, default=BOOKING_PURPOSE, help_text="What the payment is for: booking, or a plugin's purpose."
    )
    reference = models.CharField(
        max_length=64, blank=True, help_text="The booking's reference, or the plugin's own id for this payment."
    )
    description = models.CharField(max_length=200, blank=True, help_text="What is paid for, in the payer's words.")
    return_url = models.CharField(max_length=200, blank=True, help_text="Where the payer goes after paying.")
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="earnings")
    price_paise = models.PositiveIntegerField()
    fee_paise = models.PositiveIntegerField()
    amount_paise = models.PositiveIntegerField(help_text="What the learner pays: price + fee.")
    mentor_share_paise = models.PositiveIntegerField()
    app_share_paise = models.PositiveIntegerField()
    refunded_paise = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.CREATED)
    gateway = models.CharField(max_length=16, help_text="razorpay or testmode")
    razorpay_order_id = models.CharField(max_length=40, unique=True)
    razorpay_payment_id = models.CharField(max_length=40, null=True, blank=True, unique=True)
    razorpay_refund_id = models.CharField(
        max_length=40, blank=True, help_text="The full refund, saved when the gateway answers; fetched while pending."
    )
    failure_reason = models.CharField(max_length=200, blank=True)
    refund_reason = models.CharField(max_length=300, blank=True, help_text="Why staff refunded it, in their words.")
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    part_refund_id = models.CharField(
        max_length=40, blank=True, help_text="A staff refund of part of a plugin's purpose payment, at the gateway."
    )
    failed_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Tries at a plugin's purpose checkout that failed or were cancelled."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    authorized_at = models.DateTimeField(null=True, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    capture_attempted_at = models.DateTimeField(
        null=True, blank=True, help_text="Set before asking the gateway to capture; the answer may be lost."
    )
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Voided, refunded or failed.")

    class Meta:
        ordering = ["-created_at"]
        permissions = [("refund_payment", "Can refund payments, in full or in part")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_paise=F("mentor_share_paise") + F("app_share_paise")),
                name="payments_amount_is_mentor_plus_app",
            ),
            models.CheckConstraint(
                condition=Q(amount_paise=F("price_paise") + F("fee_paise")), name="payments_amount_is_price_plus_fee"
            ),
            models.CheckConstraint(
                condition=Q(refunded_paise__lte=F("amount_paise")), name="payments_refund_within_amount"
            ),
            models.CheckConstraint(
                condition=(Q(purpose=BOOKING_PURPOSE) & Q(booking__isnull=False))
                | (~Q(purpose=BOOKING_PURPOSE) & Q(booking__isnull=True)),
                name="payments_booking_iff_booking_purpose",
            ),
            models.UniqueConstraint(
                fields=["purpose", "reference"],
                condition=~Q(purpose=BOOKING_PURPOSE),
                name="payments_one_per_purpose_reference",
            ),
        ]
        indexes = [
            models.Index(fields=["purpose", "status"], name="payments_purpose_status_idx"),
            # The mentor's statement and the learner's payments, newest first, one page at a time:
            # read backwards along these, PostgreSQL stops after the page instead of sorting all.
            models.Index(
                fields=["mentor", "captured_at"],
                condition=Q(captured_at__isnull=False),
                name="payments_mentor_captured_idx",
            ),
            models.Index(
                fields=["learner", "authorized_at"],
                condition=Q(authorized_at__isnull=False),
                name="payments_learner_paid_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.razorpay_order_id} {format_inr(self.amount_paise)} ({self.status})"


class AccountKind(models.TextChoices):
    """Ledger accounts. Postings are signed: debit positive, credit negative; every entry sums to 0.

    ``gateway_clearing`` is money the payment gateway holds for us (an asset: positive);
    the others are what we owe (liabilities/revenue: negative balances).
    """

    GATEWAY_CLEARING = "gateway_clearing", "Gateway clearing"
    MENTOR_PENDING = "mentor_pending", "Mentor earnings (pending)"
    MENTOR_AVAILABLE = "mentor_available", "Mentor earnings (available)"
    PLATFORM_REVENUE = "platform_revenue", "Platform revenue"
    PAYOUTS_IN_TRANSIT = "payouts_in_transit", "Payouts in transit"


class LedgerAccount(models.Model):
    kind = models.CharField(max_length=24, choices=AccountKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_accounts"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "user"], name="ledger_account_per_user"),
            models.UniqueConstraint(fields=["kind"], condition=Q(user__isnull=True), name="ledger_platform_account"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{f' of {self.user}' if self.user_id else ''}"


class JournalEntry(models.Model):
    """One money event. ``reference`` is unique, so an event is never posted twice."""

    reference = models.CharField(max_length=80, unique=True)
    memo = models.CharField(max_length=200)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    withdrawal = models.ForeignKey(
        "payments.Withdrawal", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return self.reference


class Posting(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount_paise = models.BigIntegerField(help_text="Debit positive, credit negative.")

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount_paise=0), name="ledger_posting_not_zero")]
        indexes = [models.Index(fields=["account", "entry"], name="ledger_posting_account_idx")]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount_paise:+d} paise"


class WithdrawalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class DestinationKind(models.TextChoices):
    BANK = "bank_account", "Bank account"
    UPI = "vpa", "UPI"


class Withdrawal(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="withdrawals",
        help_text="Empty for the platform's own revenue.",
    )  # fmt: skip
    amount_paise = models.PositiveIntegerField()
    destination_kind = models.CharField(max_length=12, choices=DestinationKind.choices)
    account_name = models.CharField(max_length=120)
    ifsc = models.CharField(max_length=11, blank=True)
    account_number = models.CharField(max_length=18, blank=True)
    vpa = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=WithdrawalStatus.choices, default=WithdrawalStatus.PENDING)
    payout_id = models.CharField(max_length=40, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        permissions = [("withdraw_platform", "Can withdraw the platform's revenue")]
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount_paise__gt=0), name="withdrawal_positive")]

    def __str__(self) -> str:
        return f"Withdrawal {self.pk} of {format_inr(self.amount_paise)} ({self.status})"

    @property
    def idempotency_key(self) -> str:
        """The payout's idempotency key: the withdrawal's own id, saved before any call."""
        return f"withdrawal-{self.pk}"


class WebhookEvent(models.Model):
    """A processed webhook; unique per provider and event id, written with its ledger rows."""

    provider = models.CharField(max_length=16, default="razorpay")
    event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=64)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once")]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_id}"
