"""State of the offline test-mode gateway: what Razorpay would keep on its side, kept locally.

Ids look like Razorpay's (``order_TEST…``); amounts are paise. Only the test-mode gateway and its
checkout page write these rows; the payments domain keeps its own records.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def new_id(prefix: str) -> str:
    """``order_TEST`` + 14 random characters: as long as a Razorpay id, and plainly a test one."""
    return f"{prefix}_TEST" + "".join(secrets.choice(_ALPHABET) for _ in range(14))


class TestOrder(models.Model):
    __test__ = False  # a model, not a pytest class

    id = models.CharField(primary_key=True, max_length=40, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who may open the checkout page (notes['user_id'] at creation).",
    )
    amount_paise = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3, default="INR")
    receipt = models.CharField(max_length=40)
    notes = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, default="created")  # created | attempted | paid
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"


class TestPayment(models.Model):
    __test__ = False  # a model, not a pytest class

    id = models.CharField(primary_key=True, max_length=40, editable=False)
    order = models.ForeignKey(TestOrder, on_delete=models.CASCADE, related_name="payments")
    amount_paise = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10)  # authorized | captured | refunded | failed
    created_at = models.DateTimeField(auto_now_add=True)
    captured_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"


class TestRefund(models.Model):
    __test__ = False  # a model, not a pytest class

    id = models.CharField(primary_key=True, max_length=40, editable=False)
    payment = models.ForeignKey(TestPayment, on_delete=models.CASCADE, related_name="refunds")
    amount_paise = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, default="processed")  # pending | processed | failed
    idempotency_key = models.CharField(max_length=100, unique=True)
    notes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"


class TestPayout(models.Model):
    __test__ = False  # a model, not a pytest class

    id = models.CharField(primary_key=True, max_length=40, editable=False)
    amount_paise = models.PositiveBigIntegerField()
    status = models.CharField(max_length=12, default="processed")
    reference_id = models.CharField(max_length=40)
    idempotency_key = models.CharField(max_length=100, unique=True)
    purpose = models.CharField(max_length=20, default="payout")
    mode = models.CharField(max_length=4)  # IMPS | UPI
    destination_kind = models.CharField(max_length=12)
    destination_name = models.CharField(max_length=120)
    ifsc = models.CharField(max_length=11, blank=True)
    account_number = models.CharField(max_length=18, blank=True)
    vpa = models.CharField(max_length=100, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"
