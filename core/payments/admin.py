"""Django admin for money: payments, withdrawals (settled by hand without RazorpayX), the ledger."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from core.admin_base import ReadOnlyAdmin
from core.exports import NeutralisingExportMixin
from core.payments import ledger, selectors, services
from core.payments.forms import WithdrawalForm
from core.payments.models import JournalEntry, Payment, Posting, WebhookEvent, Withdrawal, WithdrawalStatus


@admin.register(Payment)
class PaymentAdmin(NeutralisingExportMixin, ReadOnlyAdmin):
    list_display = (
        "razorpay_order_id",
        "learner",
        "mentor",
        "amount_paise",
        "mentor_share_paise",
        "app_share_paise",
        "status",
        "gateway",
        "created_at",
    )
    list_filter = ("status", "gateway")
    search_fields = ("razorpay_order_id", "razorpay_payment_id", "learner__email", "mentor__email")
    list_select_related = ("learner", "mentor")


class PostingInline(admin.TabularInline):
    model = Posting
    extra = 0
    can_delete = False
    readonly_fields = ("account", "amount_paise")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("reference", "memo", "created_at")
    search_fields = ("reference", "memo")
    inlines = [PostingInline]

    def changelist_view(self, request, extra_context=None):
        if not ledger.entries_balanced():
            self.message_user(request, "An entry does not balance: investigate now.", messages.ERROR)
        return super().changelist_view(request, extra_context)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("event_type", "event_id", "received_at", "processed_at")
    list_filter = ("event_type",)
    search_fields = ("event_id",)


@admin.register(Withdrawal)
class WithdrawalAdmin(NeutralisingExportMixin, ReadOnlyAdmin):
    list_display = ("pk", "user", "amount_paise", "destination_kind", "status", "payout_id", "created_at")
    list_filter = ("status", "destination_kind")
    search_fields = ("user__email", "payout_id")
    actions = ["mark_paid", "mark_failed"]
    change_list_template = "admin/payments/withdrawal/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.platform_withdrawal_view)
        return [path("platform/", view, name="payments_withdrawal_platform"), *super().get_urls()]

    def platform_withdrawal_view(self, request):
        """Staff withdraw the platform's revenue the way mentors withdraw theirs: at most what
        sessions that took place earned, with a current code from their authenticator app."""
        if not request.user.has_perm("payments.view_withdrawal"):
            raise PermissionDenied
        form = WithdrawalForm(
            request.POST or None, user=request.user, available_paise=selectors.platform_withdrawable_paise()
        )
        if request.method == "POST" and form.is_valid():
            try:
                withdrawal = services.withdrawal_request(user=None, requested_by=request.user, **form.service_kwargs())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                self.message_user(
                    request,
                    f"Platform withdrawal {withdrawal.pk} requested. Processed within 24 hours.",
                    messages.SUCCESS,
                )
                return redirect("admin:payments_withdrawal_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Withdraw platform revenue",
            "form": form,
            "withdrawable_paise": selectors.platform_withdrawable_paise(),
            "unearned_paise": selectors.platform_unearned_paise(),
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/payments/withdrawal/platform.html", context, status=400 if form.errors else 200
        )

    @admin.action(description="Mark selected withdrawals paid")
    def mark_paid(self, request, queryset):
        self._settle(request, queryset, "processed")

    @admin.action(description="Mark selected withdrawals failed (the amount returns to the balance)")
    def mark_failed(self, request, queryset):
        self._settle(request, queryset, "failed")

    def _settle(self, request, queryset, payout_status: str) -> None:
        done = 0
        for withdrawal in queryset.filter(status__in=[WithdrawalStatus.PENDING, WithdrawalStatus.PROCESSING]):
            services.withdrawal_settle(
                withdrawal=withdrawal, payout_status=payout_status, reason=f"Marked {payout_status} by {request.user}"
            )
            done += 1
        self.message_user(request, f"Settled {done} withdrawal(s).", messages.SUCCESS)
