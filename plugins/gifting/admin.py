"""Gifts in the admin: who gave whom how much after which session, and where the payment stands.

The money is core's: each gift links to core's refund page for its payment (in full or in part,
with a reason), which refunds through the gateway and the ledger; the gift then shows it, and
both people are told."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from core import plugin_api
from plugins.gifting.models import Gift, GiftJar
from plugins.gifting.services import PURPOSE


@admin.register(Gift)
class GiftAdmin(admin.ModelAdmin):
    list_display = ("reference", "learner", "mentor", "price_paise", "status", "refunded_paise", "created_at")
    list_filter = ("status",)
    search_fields = ("reference", "learner__email", "mentor__email", "session_title")
    date_hierarchy = "created_at"
    readonly_fields = [*(field.name for field in Gift._meta.fields), "refund"]
    list_select_related = ("learner", "mentor")

    @admin.display(description="Refund")
    def refund(self, gift: Gift) -> str:
        """A link to core's refund page for the gift's payment (staff say how much and why)."""
        payment = plugin_api.payment_get(purpose=PURPOSE, reference=gift.reference)
        if payment is None:
            return "No payment"
        url = reverse("admin:payments_payment_refund", args=[payment.id])
        return format_html('<a href="{}">Refund this gift (in full or in part)…</a>', url)

    def has_add_permission(self, request) -> bool:
        return False  # a gift starts from the learner's dialog, with its payment

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # money records stay


@admin.register(GiftJar)
class GiftJarAdmin(admin.ModelAdmin):
    list_display = ("mentor", "accepts_gifts", "opened_at")
    list_filter = ("accepts_gifts",)
    search_fields = ("mentor__email", "mentor__name")
    raw_id_fields = ("mentor",)
