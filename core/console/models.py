"""The console's own records: money decisions waiting for a second staff member."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.mentoring.storage import PrivateStorage


class MoneyKind(models.TextChoices):
    REFUND = "refund", "Refund a payment"
    SETTLE = "settle", "Settle a dispute with a refund"
    PLATFORM_WITHDRAWAL = "platform_withdrawal", "Withdraw platform revenue"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a second staff member"
    APPROVED = "approved", "Approved and carried out"
    REJECTED = "rejected", "Turned down"
    FAILED = "failed", "Approved, but the act failed"


class MoneyApproval(models.Model):
    """A money decision above ``MONEY_APPROVAL_THRESHOLD_PAISE``: asked by one staff member (with
    their TOTP code and a reason), carried out only when another approves it with theirs
    (docs/decisions/0022, "four eyes"). The database refuses the asker as their own approver."""

    kind = models.CharField(max_length=24, choices=MoneyKind.choices)
    object_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="The payment or dispute.")
    amount_paise = models.PositiveBigIntegerField()
    details = models.JSONField(default=dict, blank=True, help_text="What the act needs (decision, destination).")
    reason = models.CharField("why", max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=300, blank=True, help_text="What happened when it was carried out.")

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="money_approval_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display().lower()})"


class MonthlyReport(models.Model):
    """One month of the platform in figures (``core.console.reports``), made by Celery beat on
    the 1st for the month before, or by staff for any past month. ``data`` is what the CSV, the
    PDF and the email show, kept as it was computed, with the ledger totals that prove it."""

    month = models.DateField(unique=True, help_text="The month's first day.")
    generated_at = models.DateTimeField(default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"Report for {self.month:%B %Y}"


class MentorInvitation(models.Model):
    """Staff invite someone to teach (often many at once: the admin imports a spreadsheet). The
    email says how to join; whoever signs up as a mentor with that address is approved at once,
    as the team vetted them already."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=100, blank=True)
    note = models.CharField("message", max_length=300, blank=True, help_text="A line of your own in the email.")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    def clean(self) -> None:
        self.email = (self.email or "").strip().lower()


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Failed"


class ExportJob(models.Model):
    """A long export of an admin list, written in the background (``core.console.exports``);
    only the staff member who asked downloads it (and superusers)."""

    model = models.CharField(max_length=100, help_text="The list's model, as app_label.model.")
    query = models.BinaryField(help_text="The list's query (filters and choice), as Django pickles it.")
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="exports/", storage=PrivateStorage(), blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Export of {self.model} ({self.get_status_display().lower()})"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return int(100 * self.done_rows / self.total_rows) if self.total_rows else 0
