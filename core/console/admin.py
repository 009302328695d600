"""The console in the admin: money decisions pass the four-eyes gate (``core.console.money``),
and the approvals waiting for a second staff member have their own list and page.

The admins of payments, disputes and withdrawals are their apps'; the console registers them
again with one step changed, the carry-out, which here asks a second staff member above
``MONEY_APPROVAL_THRESHOLD_PAISE`` (the apps below cannot know the console: core's layers).
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from import_export import resources

from core.admin_base import ReadOnlyAdmin
from core.bookings.admin import DisputeAdmin
from core.bookings.models import Dispute, DisputeStatus
from core.console import invitations, reports
from core.console.models import (
    ApprovalStatus,
    ExportJob,
    ExportStatus,
    MentorInvitation,
    MoneyApproval,
    MoneyKind,
    MonthlyReport,
)
from core.console.money import PERMISSION, money_approval_decide, money_decide, threshold_paise
from core.exports import NeutralisingImportExportMixin
from core.money import format_inr
from core.payments.admin import PaymentAdmin, WithdrawalAdmin, totp_field
from core.payments.models import Payment, Withdrawal


def _told(outcome, done_text: str) -> str:
    if outcome.done:
        return done_text
    return (
        f"Above {format_inr(threshold_paise())}: this waits for a second staff member's approval "
        f"(request {outcome.approval.pk}). Nothing has moved yet."
    )


admin.site.unregister(Payment)


@admin.register(Payment)
class ConsolePaymentAdmin(PaymentAdmin):
    def refund_carry_out(self, request, *, payment, amount_paise, reason, otp_token) -> str:
        outcome = money_decide(
            kind=MoneyKind.REFUND, by=request.user, object_id=payment.pk, amount_paise=amount_paise,
            reason=reason, otp_token=otp_token,
        )  # fmt: skip
        return _told(outcome, f"Refunded {format_inr(amount_paise)} of {payment.razorpay_order_id}.")


admin.site.unregister(Dispute)


@admin.register(Dispute)
class ConsoleDisputeAdmin(DisputeAdmin):
    def settle_carry_out(self, request, *, dispute, decision, note, refund_paise, otp_token) -> str:
        if decision == DisputeStatus.REFUNDED:  # the whole payment goes back: that is the amount at stake
            paid = Payment.objects.filter(booking_id=dispute.booking_id, captured_at__isnull=False).first()
            refund_paise = paid.amount_paise if paid else 0
        outcome = money_decide(
            kind=MoneyKind.SETTLE, by=request.user, object_id=dispute.pk, amount_paise=refund_paise,
            reason=note, otp_token=otp_token, details={"decision": decision},
        )  # fmt: skip
        if outcome.done:
            return f"Dispute {dispute.pk} settled: {outcome.result.get_status_display().lower()}."
        return _told(outcome, "")


admin.site.unregister(Withdrawal)


@admin.register(Withdrawal)
class ConsoleWithdrawalAdmin(WithdrawalAdmin):
    def platform_withdrawal_carry_out(self, request, *, form) -> str:
        details = form.service_kwargs()
        amount, token = details.pop("amount_paise"), details.pop("otp_token")
        outcome = money_decide(
            kind=MoneyKind.PLATFORM_WITHDRAWAL, by=request.user, amount_paise=amount, otp_token=token,
            reason=f"Platform revenue to {details.get('account_name') or 'the saved account'}", details=details,
        )  # fmt: skip
        if outcome.done:
            return f"Platform withdrawal {outcome.result.pk} requested. Processed within 24 hours."
        return _told(outcome, "")


class ApprovalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve: carry it out now"), ("reject", "Turn it down")], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to turn it down; the one who asked reads it.",
    )  # fmt: skip
    otp_token = totp_field()


@admin.register(MoneyApproval)
class MoneyApprovalAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "amount", "requested_by", "requested_at", "status", "decided_by", "decide_link")
    list_filter = ("status", "kind")
    search_fields = ("reason", "requested_by__email", "decided_by__email")
    list_select_related = ("requested_by", "decided_by")

    @admin.display(description="Amount", ordering="amount_paise")
    def amount(self, approval: MoneyApproval) -> str:
        return format_inr(approval.amount_paise)

    @admin.display(description="")
    def decide_link(self, approval: MoneyApproval) -> str:
        if approval.status != ApprovalStatus.PENDING:
            return ""
        return format_html(
            '<a href="{}">Decide…</a>', reverse("admin:console_moneyapproval_decide", args=[approval.pk])
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.decide_view)
        return [path("<int:pk>/decide/", view, name="console_moneyapproval_decide"), *super().get_urls()]

    def decide_view(self, request, pk: int):
        """A second staff member approves (carrying it out) or turns down a waiting decision."""
        approval = get_object_or_404(MoneyApproval.objects.select_related("requested_by", "decided_by"), pk=pk)
        if not request.user.has_perm(PERMISSION[approval.kind]):
            raise PermissionDenied
        form = ApprovalDecisionForm(request.POST if request.method == "POST" else None)
        own = approval.requested_by_id == request.user.pk
        if request.method == "POST" and form.is_valid() and approval.status == ApprovalStatus.PENDING:
            try:
                approval = money_approval_decide(
                    approval=approval, by=request.user, approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"], otp_token=form.cleaned_data["otp_token"],
                )  # fmt: skip
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                level = messages.ERROR if approval.status == ApprovalStatus.FAILED else messages.SUCCESS
                self.message_user(request, f"Request {approval.pk}: {approval.get_status_display().lower()}.", level)
                return redirect("admin:console_moneyapproval_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Decide: {approval.get_kind_display().lower()} of {format_inr(approval.amount_paise)}",
            "approval": approval,
            "form": form,
            "own": own,
            "opts": self.model._meta,
        }
        status = 400 if form.errors else 200
        return TemplateResponse(request, "admin/console/moneyapproval/decide.html", context, status=status)


class ReportMonthForm(forms.Form):
    month = forms.CharField(
        label="Month", max_length=7, help_text="A month that is over, as YYYY-MM (e.g. 2026-11).",
        widget=forms.TextInput(attrs={"placeholder": "2026-11", "inputmode": "numeric"}),
    )  # fmt: skip

    def clean_month(self):
        text = self.cleaned_data["month"].strip()
        try:
            year, month = (int(part) for part in text.split("-"))
            return date(year, month, 1)
        except (ValueError, TypeError) as exc:
            raise forms.ValidationError("Write the month as YYYY-MM, e.g. 2026-11.") from exc


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "gmv", "revenue", "refunds", "generated_at", "generated_by", "downloads")
    list_select_related = ("generated_by",)
    change_list_template = "admin/console/monthlyreport/change_list.html"
    exclude = ("data",)
    readonly_fields = ("month", "generated_at", "generated_by", "figures")

    def _money(self, report, key) -> str:
        return format_inr(report.data.get("money", {}).get(key, 0))

    @admin.display(description="GMV")
    def gmv(self, report):
        return self._money(report, "gmv_paise")

    @admin.display(description="Platform revenue")
    def revenue(self, report):
        return self._money(report, "revenue_paise")

    @admin.display(description="Refunds")
    def refunds(self, report):
        return self._money(report, "refunds_paise")

    @admin.display(description="Download")
    def downloads(self, report):
        csv_url = reverse("admin:console_monthlyreport_csv", args=[report.pk])
        pdf_url = reverse("admin:console_monthlyreport_pdf", args=[report.pk])
        return format_html('<a href="{}">CSV</a> · <a href="{}">PDF</a>', csv_url, pdf_url)

    @admin.display(description="Figures")
    def figures(self, report):
        return format_html_join("", "<div>{}: {} = {}</div>", reports.report_rows(report=report))

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        generate = self.admin_site.admin_view(self.generate_view)
        return [
            path("<int:pk>/csv/", download, {"kind": "csv"}, name="console_monthlyreport_csv"),
            path("<int:pk>/pdf/", download, {"kind": "pdf"}, name="console_monthlyreport_pdf"),
            path("generate/", generate, name="console_monthlyreport_generate"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk: int, kind: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = get_object_or_404(MonthlyReport, pk=pk)
        name = f"peerlearn-{report.month:%Y-%m}.{kind}"
        if kind == "csv":
            response = HttpResponse(reports.report_csv(report=report), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(reports.report_pdf(report=report), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def generate_view(self, request):
        """Any past month on demand: made (or made again), stored, and emailed to Finance."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ReportMonthForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                report = reports.monthly_report_generate(month=form.cleaned_data["month"], by=request.user)
            except ValidationError as exc:
                form.add_error("month", exc.message_dict.get("month", exc.messages))
            else:
                self.message_user(request, f"{report} made and emailed to Finance.", messages.SUCCESS)
                return redirect("admin:console_monthlyreport_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Make a monthly report",
            "form": form,
            "opts": self.model._meta,
        }
        status = 400 if form.errors else 200
        return TemplateResponse(request, "admin/console/monthlyreport/generate.html", context, status=status)


class MentorInvitationResource(resources.ModelResource):
    """One person a row (email, name, message), matched by email; the preview shows each row's
    errors (a malformed address) before anything is saved, and emails go only on confirmation."""

    class Meta:
        model = MentorInvitation
        fields = ("email", "name", "note")
        import_id_fields = ("email",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def before_import_row(self, row, **kwargs):
        row["email"] = str(row.get("email") or "").strip().lower()

    def before_save_instance(self, instance, row, **kwargs):
        if instance.invited_by_id is None and self.user is not None and getattr(self.user, "pk", None):
            instance.invited_by = self.user

    def after_import(self, dataset, result, **kwargs):
        if kwargs.get("dry_run"):
            return
        created = [row.object_id for row in result.rows if row.import_type == row.IMPORT_TYPE_NEW and row.object_id]
        transaction.on_commit(lambda: invitations.invitations_send(ids=created))


@admin.register(MentorInvitation)
class MentorInvitationAdmin(NeutralisingImportExportMixin, admin.ModelAdmin):
    resource_classes = [MentorInvitationResource]
    list_display = ("email", "name", "invited_by", "created_at", "sent_at", "accepted_at")
    list_filter = (("accepted_at", admin.EmptyFieldListFilter), ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("email", "name")
    readonly_fields = ("invited_by", "created_at", "sent_at", "accepted_at", "user")
    fields = ("email", "name", "note", *readonly_fields)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def save_model(self, request, obj, form, change):
        if not change:
            obj.invited_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            transaction.on_commit(lambda: invitations.invitations_send(ids=[obj.pk]))


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    """Each staff member's background exports, with their progress; the page refreshes itself
    while one runs, and a finished one downloads."""

    list_display = ("model", "created_at", "progress", "status", "download")
    list_filter = ("status",)
    exclude = ("query", "file")
    change_list_template = "admin/console/exportjob/change_list.html"

    def get_queryset(self, request):
        jobs = super().get_queryset(request).select_related("requested_by")
        return jobs if request.user.is_superuser else jobs.filter(requested_by=request.user)

    @admin.display(description="Progress")
    def progress(self, job: ExportJob):
        return format_html(
            '<progress max="100" value="{}" aria-label="{} % done">{} %</progress> {} of {} rows',
            job.percent, job.percent, job.percent, f"{job.done_rows:,}", f"{job.total_rows:,}",
        )  # fmt: skip

    @admin.display(description="")
    def download(self, job: ExportJob):
        if job.status != ExportStatus.DONE:
            return job.error or ""
        return format_html('<a href="{}">Download CSV</a>', reverse("admin:console_exportjob_download", args=[job.pk]))

    def changelist_view(self, request, extra_context=None):
        running = self.get_queryset(request).filter(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).exists()
        return super().changelist_view(request, {"refresh_seconds": 3 if running else 0, **(extra_context or {})})

    def get_urls(self):
        view = self.admin_site.admin_view(self.download_view)
        return [path("<int:pk>/download/", view, name="console_exportjob_download"), *super().get_urls()]

    def download_view(self, request, pk: int):
        job = get_object_or_404(self.get_queryset(request), pk=pk, status=ExportStatus.DONE)
        response = FileResponse(job.file.open("rb"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{job.file.name.rsplit("/", 1)[-1]}"'
        return response
