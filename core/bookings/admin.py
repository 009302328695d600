"""Django admin for disputes: staff read the report and settle it (release, partial or full
refund) through ``core.bookings.disputes``; the admin site already requires their TOTP code."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.admin_base import ReadOnlyAdmin
from core.bookings.disputes import NOTE_MAX, dispute_settle
from core.bookings.models import Dispute, DisputeStatus
from core.money import format_inr, rupees_to_paise
from core.payments.models import Payment


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

    def settle_view(self, request, pk: int):
        """Staff settle one open dispute, saying why; each decision goes through the ledger."""
        if not request.user.has_perm("bookings.change_dispute"):
            raise PermissionDenied
        dispute = get_object_or_404(Dispute.objects.select_related("booking__session__mentor", "opened_by"), pk=pk)
        payment = Payment.objects.filter(booking_id=dispute.booking_id).order_by("-created_at").first()
        form = DisputeSettleForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and dispute.is_open and form.is_valid():
            try:
                dispute = dispute_settle(
                    dispute=dispute,
                    by=request.user,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                    refund_paise=form.cleaned_data["refund_paise"],
                )
            except ValidationError as exc:  # DisputeError: shown on the form
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                self.message_user(
                    request, f"Dispute {dispute.pk} settled: {dispute.get_status_display().lower()}.", messages.SUCCESS
                )
                return redirect("admin:bookings_dispute_change", dispute.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Settle dispute {dispute.pk}",
            "dispute": dispute,
            "payment": payment,
            "form": form,
            "opts": self.model._meta,
        }
        status = 400 if form.errors else (409 if request.method == "POST" and not dispute.is_open else 200)
        return TemplateResponse(request, "admin/bookings/dispute/settle.html", context, status=status)
