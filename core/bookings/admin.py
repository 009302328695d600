"""Django admin for bookings and disputes. Bookings: search, filter, export, cancel one (with a
full refund, through ``core.console``). Disputes: staff read the report and settle it (release,
partial or full refund) through ``core.bookings.disputes``; the admin site already requires their
TOTP code."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from import_export import resources

from core.admin_base import ReadOnlyAdmin
from core.bookings.disputes import NOTE_MAX, dispute_settle
from core.bookings.models import Booking, BookingStatus, Dispute, DisputeStatus
from core.exports import NeutralisingExportMixin
from core.money import format_inr, rupees_to_paise
from core.payments.models import Payment
from core.users.services.two_factor import fresh_code_use


class DisputeSettleForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (DisputeStatus.RELEASED, "Release the mentor's share"),
            (DisputeStatus.PARTIALLY_REFUNDED, "Refund part of the payment"),
            (DisputeStatus.REFUNDED, "Refund the whole payment"),
        ],
        widget=forms.RadioSelect,
    )
    refund = forms.CharField(
        label="Refund (₹)",
        required=False,
        help_text="For a partial refund: more than ₹0 and at most what the learner paid. It is taken from the "
        "mentor's share and the platform's in proportion.",
    )
    note = forms.CharField(
        label="Why",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required. Both participants read this note.",
    )
    otp_token = forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text="A fresh 6-digit code: each money decision asks for one.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == DisputeStatus.PARTIALLY_REFUNDED:
            try:
                data["refund_paise"] = rupees_to_paise(data.get("refund") or "")
            except ValueError:
                self.add_error("refund", "Enter the amount to refund in rupees, e.g. 550 or 550.50.")
        else:
            data["refund_paise"] = 0
        return data


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ("pk", "booking", "opened_by", "status", "created_at", "decided_by", "refund", "settle_link")
    list_filter = ("status", "source")
    search_fields = ("booking__reference", "opened_by__email", "reason")
    list_select_related = ("booking", "opened_by", "decided_by")
    readonly_fields = (
        "booking",
        "opened_by",
        "source",
        "reason",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_note",
        "refund_paise",
        "gateway_refund_id",
    )

    @admin.display(description="Refund")
    def refund(self, dispute: Dispute) -> str:
        return format_inr(dispute.refund_paise) if dispute.refund_paise else "—"

    @admin.display(description="")
    def settle_link(self, dispute: Dispute) -> str:
        if not dispute.is_open:
            return ""
        return format_html('<a href="{}">Settle</a>', reverse("admin:bookings_dispute_settle", args=[dispute.pk]))

    def get_urls(self):
        view = self.admin_site.admin_view(self.settle_view)
        return [path("<int:pk>/settle/", view, name="bookings_dispute_settle"), *super().get_urls()]

    def settle_carry_out(
        self, request, *, dispute: Dispute, decision: str, note: str, refund_paise: int, otp_token: str
    ) -> str:
        """Settle now with the staff member's fresh code; returns what to tell them. (The console
        puts a second staff member's approval in front of large refunds: core/console/admin.py.)"""
        fresh_code_use(request.user, otp_token)
        dispute = dispute_settle(
            dispute=dispute, by=request.user, decision=decision, note=note, refund_paise=refund_paise
        )
        return f"Dispute {dispute.pk} settled: {dispute.get_status_display().lower()}."

    def settle_view(self, request, pk: int):
        """Staff settle one open dispute, saying why; each decision goes through the ledger."""
        if not request.user.has_perm("bookings.change_dispute"):
            raise PermissionDenied
        dispute = get_object_or_404(Dispute.objects.select_related("booking__session__mentor", "opened_by"), pk=pk)
        payment = Payment.objects.filter(booking_id=dispute.booking_id).order_by("-created_at").first()
        form = DisputeSettleForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and dispute.is_open and form.is_valid():
            try:
                done = self.settle_carry_out(
                    request,
                    dispute=dispute,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                    refund_paise=form.cleaned_data["refund_paise"],
                    otp_token=form.cleaned_data["otp_token"],
                )
            except ValidationError as exc:  # DisputeError, or the code: shown on the form
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                self.message_user(request, done, messages.SUCCESS)
                return redirect("admin:bookings_dispute_change", dispute.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Settle dispute {dispute.pk}",
            "dispute": dispute,
            "payment": payment,
            "form": form,
            "opts": self.model._meta,
        }
        status = 409 if request.method == "POST" and not dispute.is_open else (400 if form.errors else 200)
        return TemplateResponse(request, "admin/bookings/dispute/settle.html", context, status=status)


class BookingResource(resources.ModelResource):
    class Meta:
        model = Booking
        fields = (
            "id",
            "reference",
            "session__title",
            "learner__email",
            "mentor__email",
            "status",
            "status_reason",
            "created_at",
            "decided_at",
        )
        export_order = fields


@admin.register(Booking)
class BookingAdmin(NeutralisingExportMixin, ReadOnlyAdmin):
    resource_classes = [BookingResource]
    list_display = ("reference", "session", "learner", "mentor", "status", "created_at", "support_link")
    list_filter = ("status", ("created_at", admin.DateFieldListFilter))
    search_fields = ("reference", "learner__email", "learner__name", "mentor__email", "session__title")
    date_hierarchy = "created_at"
    list_select_related = ("session", "learner", "mentor")
    actions = ["cancel_one"]

    @admin.display(description="")
    def support_link(self, booking: Booking) -> str:
        url = reverse("console:session-support", args=[booking.session_id])
        return format_html('<a href="{}">Support view</a>', url)

    def has_cancel_permission(self, request) -> bool:
        return request.user.has_perm("bookings.cancel_booking")

    @admin.action(description="Cancel… (a full refund; you say why)", permissions=["cancel"])
    def cancel_one(self, request, queryset):
        chosen = queryset.filter(status__in=[BookingStatus.HELD, BookingStatus.PENDING, BookingStatus.CONFIRMED])
        if chosen.count() != 1:
            self.message_user(request, "Choose one open booking to cancel: each cancellation says why.", "warning")
            return None
        return redirect("console:booking-cancel", chosen.get().pk)
