"""The admin site as PeerLearn runs it: staff sign in with a TOTP code, and money reads in rupees.

Every amount is stored in paise in a field whose name ends in ``_paise`` (docs/decisions/0002).
Django's admin shows a model field through ``display_for_field`` and names its column with
``label_for_field``, in its lists and on its read-only forms; here both learn that rule
(``core.console.exports``), so every amount in every admin (plugins' too, with no code of
theirs) reads "₹1,10,000.50" under "Amount (₹)", never "11000050" under "Amount paise". Forms
that take an amount ask for rupees. Every list exports what it shows.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags import admin_list
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_otp.admin import OTPAdminSite

from core import hooks, pluginmanager
from core.console import exports
from core.console import selectors as console
from core.console.tasks import export_job_run_task
from core.users.forms import AdminLoginForm


class PeerLearnAdminSite(OTPAdminSite):
    """django-otp's admin site (a TOTP code on top of the password) whose home is the operator's
    console: money today and this month, what waits for this staff member, and charts."""

    def each_context(self, request):
        """Every admin page knows the four-eyes threshold (the money forms say it)."""
        return {**super().each_context(request), "money_threshold_paise": settings.MONEY_APPROVAL_THRESHOLD_PAISE}

    def index(self, request, extra_context=None):
        unit = request.GET.get("unit", "day")
        unit = unit if unit in console.UNITS else "day"
        tasks = [
            task
            for task in pluginmanager.collect("staff_tasks", request=request)
            if isinstance(task, hooks.StaffTask) and isinstance(task.count, int)
        ]
        home = console.home_get(user=request.user, zone=timezone.get_current_timezone(), unit=unit, extra_tasks=tasks)
        return super().index(request, {"home": home, "units": list(console.UNITS), **(extra_context or {})})


@admin.action(description="Export the selected rows as CSV (as the list shows them)", permissions=["view"])
def export_selected_csv(modeladmin, request, queryset):
    """Every admin list (plugins' too) exports what it shows: its columns, amounts in rupees, in a
    CSV whose cells a spreadsheet cannot run as formulas. Many rows export in the background."""
    if queryset.count() > exports.EXPORT_NOW_MAX:
        job = exports.export_job_start(queryset=queryset, by=request.user)
        transaction.on_commit(lambda: export_job_run_task.delay(job.pk))
        url = reverse("admin:console_exportjob_changelist")
        modeladmin.message_user(
            request,
            format_html('Exporting {} rows in the background: <a href="{}">follow it under Exports</a>.',
                        f"{job.total_rows:,}", url),
            messages.INFO,
        )  # fmt: skip
        return None
    response = HttpResponse(exports.csv_bytes(modeladmin, queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(queryset.model)}"'
    return response


def configure(site: admin.AdminSite) -> None:
    """Make ``site`` PeerLearn's: the TOTP sign-in, the console home, and amounts in rupees."""
    site.__class__ = PeerLearnAdminSite
    site.login_form = AdminLoginForm  # email, password and code in one submit (core/users/forms.py)
    site.login_template = "admin/login.html"
    site.site_header = "PeerLearn administration"
    site.site_title = "PeerLearn admin"
    site.index_title = "People and money"
    for module in (admin_list, helpers):
        module.display_for_field = exports.display_for_field
        module.label_for_field = exports.label_for_field
    site.add_action(export_selected_csv, "export_selected_csv")
