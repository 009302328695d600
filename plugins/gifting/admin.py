"""Gifts in the admin: who gave whom how much after which session, and where the payment stands.

The money is core's: staff refund a gift from core's Payment admin (purpose "Gift"), which
refunds through the gateway and the ledger; this list then shows it refunded, and both people
are told."""

from django.contrib import admin

from plugins.gifting.models import Gift, GiftJar


@admin.register(Gift)
class GiftAdmin(admin.ModelAdmin):
    list_display = ("reference", "learner", "mentor", "price_paise", "status", "refunded_paise", "created_at")
    list_filter = ("status",)
    search_fields = ("reference", "learner__email", "mentor__email", "session_title")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Gift._meta.fields]
    list_select_related = ("learner", "mentor")

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
