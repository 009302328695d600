"""Django admin for money: payments, withdrawals (settled by hand without RazorpayX), the ledger."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.admin_base import ReadOnlyAdmin
from core.audit.services import audit_record
from core.exports import NeutralisingExportMixin
from core.money import format_inr, paise_to_rupees_text, rupees_to_paise
from core.payments import ledger, selectors, services
from core.payments.forms import WithdrawalForm
from core.payments.models import (
    BOOKING_PURPOSE,
    JournalEntry,
    LedgerAccount,
    Payment,
    PaymentStatus,
    Posting,
    WebhookEvent,
    Withdrawal,
    WithdrawalStatus,
)
from core.users.services.two_factor import fresh_code_use


class PurposeFilter(admin.SimpleListFilter):
    """By what a payment is for: bookings, and each purpose seen (with its plugin's label)."""

    title = "purpose"
    parameter_name = "purpose"

    def lookups(self, request, model_admin):
        declared = services.purposes_declared()
        seen = set(Payment.objects.order_by().values_list("purpose", flat=True).distinct()) | set(declared)
        return [(slug, services.purpose_label(slug, declared=declared)) for slug in sorted(seen)]

    def queryset(self, request, queryset):
        return queryset.filter(purpose=self.value()) if self.value() else queryset


@admin.register(Payment)
class PaymentAdmin(NeutralisingExportMixin, ReadOnlyAdmin):
    list_display = (
        "razorpay_order_id",
        "purpose",
        "what_for",
        "learner",
        "mentor",
        "amount_paise",
        "fee_paise",
        "mentor_share_paise",
        "app_share_paise",
        "refunded_paise",
        "status",
        "created_at",
    )
    search_fields = ("razorpay_order_id", "razorpay_payment_id", "reference", "learner__email", "mentor__email")
    list_select_related = ("learner", "mentor", "booking__session")
    list_filter = (PurposeFilter, "status", "gateway", ("created_at", admin.DateFieldListFilter))
    date_hierarchy = "created_at"
    actions = ["refund_one"]

    @admin.display(description="For")
    def what_for(self, payment: Payment) -> str:
        """The session's title for a booking's payment; the plugin's reference otherwise."""
        if payment.booking_id and payment.booking.session_id:
            return payment.booking.session.title
        return payment.description or payment.reference

    def has_refund_permission(self, request) -> bool:
        """Finance (``payments.refund_payment``) and superusers refund; nobody else."""
        user = request.user
        return user.is_active and user.is_staff and user.has_perm("payments.refund_payment")

    @admin.action(
        description="Refund… (a plugin's purpose, e.g. a gift: in full or in part, with a reason)",
        permissions=["refund"],
    )
    def refund_one(self, request, queryset):
        """Open the refund page of the one selected payment (refunds are decided one at a time)."""
        if queryset.count() != 1:
            self.message_user(request, "Choose one payment to refund: each refund says why.", messages.WARNING)
            return None
        return redirect("admin:payments_payment_refund", queryset.get().pk)

    def get_urls(self):
        view = self.admin_site.admin_view(self.refund_view)
        return [path("<int:pk>/refund/", view, name="payments_payment_refund"), *super().get_urls()]

    def refund_carry_out(self, request, *, payment: Payment, amount_paise: int, reason: str, otp_token: str) -> str:
        """Refund now with the staff member's fresh code; returns what to tell them. (The console
        puts a second staff member's approval in front of large amounts: core/console/admin.py.)"""
        fresh_code_use(request.user, otp_token)
        payment = services.purpose_payment_refund(
            payment=payment, by=request.user, amount_paise=amount_paise, reason=reason
        )
        return f"Refunded {format_inr(payment.refunded_paise or amount_paise)} of {payment.razorpay_order_id}."

    def refund_view(self, request, pk: int):
        """Staff refund a plugin's purpose payment in full or in part, saying why (both people read it)."""
        if not self.has_refund_permission(request):
            raise PermissionDenied
        payment = get_object_or_404(Payment.objects.select_related("learner", "mentor", "refunded_by"), pk=pk)
        refundable = (
            payment.purpose != BOOKING_PURPOSE
            and payment.status == PaymentStatus.CAPTURED
            and not payment.refunded_paise
            and not payment.razorpay_refund_id
        )
        # Bound on every POST, even an empty one: add_error() below needs a bound form.
        data = request.POST if request.method == "POST" else None
        form = PurposeRefundForm(data, initial={"amount": paise_to_rupees_text(payment.amount_paise)})
        status = 200
        if request.method == "POST":
            status = 400
            if not refundable:
                status = 409
                form.is_valid()
                form.add_error(None, "This payment cannot be refunded here (a booking's, not captured, or refunded).")
            elif form.is_valid():
                try:
                    done = self.refund_carry_out(
                        request,
                        payment=payment,
                        amount_paise=form.cleaned_data["amount_paise"],
                        reason=form.cleaned_data["reason"],
                        otp_token=form.cleaned_data["otp_token"],
                    )
                except ValidationError as exc:
                    _form_errors(form, exc)
                else:
                    self.message_user(request, done, messages.SUCCESS)
                    return redirect("admin:payments_payment_change", payment.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Refund {payment.razorpay_order_id}",
            "payment": payment,
            "label": services.purpose_label(payment.purpose),
            "refundable": refundable,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/payments/payment/refund.html", context, status=status)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def totp_field() -> forms.CharField:
    """Every money decision in the admin asks for a fresh code (docs/decisions/0022)."""
    return forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text="A fresh 6-digit code: each money decision asks for one.",
    )


class PurposeRefundForm(forms.Form):
    amount = forms.CharField(
        label="Refund (₹)",
        help_text="The whole amount paid, or part of it. A part is taken from the mentor's share and the "
        "platform's in proportion.",
    )
    reason = forms.CharField(
        label="Why",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required. The payer and the mentor read it.",
    )
    otp_token = totp_field()

    def clean_amount(self):
        try:
            return rupees_to_paise(self.cleaned_data["amount"])
        except ValueError as exc:
            raise forms.ValidationError("Enter the amount to refund in rupees, e.g. 110 or 55.50.") from exc

    def clean(self):
        data = super().clean()
        if "amount" in data:
            data["amount_paise"] = data["amount"]
        return data


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


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    """Every account of the ledger, each with its statement (the page of one account)."""

    list_display = ("__str__", "kind", "user", "statement_link")
    list_filter = ("kind",)
    search_fields = ("user__email", "user__name")
    list_select_related = ("user",)

    @admin.display(description="")
    def statement_link(self, account: LedgerAccount) -> str:
        url = reverse("admin:payments_ledgeraccount_change", args=[account.pk])
        return format_html('<a href="{}">Statement</a>', url)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The account's statement: postings with the balance after each, oldest first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not str(object_id).isdigit() or len(str(object_id)) > 18:
            raise Http404("No such account.")
        account = get_object_or_404(LedgerAccount.objects.select_related("user"), pk=object_id)
        opening, postings, closing = selectors.account_statement(account_id=account.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Statement: {account}",
            "account": account,
            "opening_paise": opening,
            "postings": postings,
            "closing_paise": closing,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/payments/ledgeraccount/statement.html", context)


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

    def has_change_permission(self, request, obj=None):
        """Settling (the actions) needs ``change_withdrawal``; the records themselves stay read-only."""
        return obj is None and request.user.has_perm("payments.change_withdrawal")

    def get_urls(self):
        view = self.admin_site.admin_view(self.platform_withdrawal_view)
        return [path("platform/", view, name="payments_withdrawal_platform"), *super().get_urls()]

    def platform_withdrawal_carry_out(self, request, *, form: WithdrawalForm) -> str:
        """Withdraw now (the service checks the code); returns what to tell staff. (The console
        puts a second staff member's approval in front of large amounts.)"""
        withdrawal = services.withdrawal_request(user=None, requested_by=request.user, **form.service_kwargs())
        return f"Platform withdrawal {withdrawal.pk} requested. Processed within 24 hours."

    def platform_withdrawal_view(self, request):
        """Staff withdraw the platform's revenue the way mentors withdraw theirs: at most what
        sessions that took place earned, with a current code from their authenticator app."""
        if not request.user.has_perm("payments.withdraw_platform"):
            raise PermissionDenied
        form = WithdrawalForm(
            request.POST if request.method == "POST" else None,
            user=request.user,
            available_paise=selectors.platform_withdrawable_paise(),
        )
        if request.method == "POST" and form.is_valid():
            try:
                done = self.platform_withdrawal_carry_out(request, form=form)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                self.message_user(request, done, messages.SUCCESS)
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

    @admin.action(description="Mark selected withdrawals paid", permissions=["change"])
    def mark_paid(self, request, queryset):
        self._settle(request, queryset, "processed")

    @admin.action(
        description="Mark selected withdrawals failed (the amount returns to the balance)", permissions=["change"]
    )
    def mark_failed(self, request, queryset):
        self._settle(request, queryset, "failed")

    def _settle(self, request, queryset, payout_status: str) -> None:
        done = 0
        for withdrawal in queryset.filter(status__in=[WithdrawalStatus.PENDING, WithdrawalStatus.PROCESSING]):
            services.withdrawal_settle(
                withdrawal=withdrawal, payout_status=payout_status, reason=f"Marked {payout_status} by {request.user}"
            )
            audit_record(
                action=f"mark withdrawal {payout_status}",
                obj=withdrawal,
                after={"amount_paise": withdrawal.amount_paise, "payout_status": payout_status},
                reason="Paid out by hand" if payout_status == "processed" else "The payout failed",
            )
            done += 1
        self.message_user(request, f"Settled {done} withdrawal(s).", messages.SUCCESS)
