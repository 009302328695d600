"""Sessions in the admin: search and filter them, open a session's support view, cancel one
(with refunds, through ``core.console``). Sessions are the mentors' to write: staff read them and
cancel them, nothing else."""

from __future__ import annotations

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from import_export import resources

from core.admin_base import ReadOnlyAdmin
from core.exports import NeutralisingExportMixin
from core.mentoring.models import MentoringSession


class SessionResource(resources.ModelResource):
    class Meta:
        model = MentoringSession
        fields = ("id", "title", "mentor__email", "price_paise", "starts_at", "ends_at", "status", "created_at")
        export_order = fields


@admin.register(MentoringSession)
class MentoringSessionAdmin(NeutralisingExportMixin, ReadOnlyAdmin):
    resource_classes = [SessionResource]
    list_display = ("title", "mentor", "starts_at", "price_paise", "status", "support_link")
    list_filter = ("status", ("starts_at", admin.DateFieldListFilter))
    search_fields = ("title", "mentor__email", "mentor__name", "room_id")
    date_hierarchy = "starts_at"
    list_select_related = ("mentor",)
    ordering = ("-starts_at",)
    actions = ["cancel_one"]
    exclude = ("room_id",)

    @admin.display(description="")
    def support_link(self, session: MentoringSession) -> str:
        return format_html('<a href="{}">Support view</a>', reverse("console:session-support", args=[session.pk]))

    def has_cancel_permission(self, request) -> bool:
        return request.user.has_perm("mentoring.cancel_mentoringsession")

    @admin.action(description="Cancel… (refunds its learners; you say why)", permissions=["cancel"])
    def cancel_one(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one session to cancel: each cancellation says why.", "warning")
            return None
        return redirect("console:session-cancel", queryset.get().pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The support view is the session's page."""
        if str(object_id).isdigit():
            return redirect("console:session-support", int(object_id))
        return super().change_view(request, object_id, form_url, extra_context)
