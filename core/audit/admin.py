"""The audit trail in the admin: searchable, filterable and exportable; nobody can edit or delete
a row (the database refuses too)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from import_export import resources

from core.admin_base import ReadOnlyAdmin
from core.audit.models import AuditEvent
from core.exports import NeutralisingExportMixin


class AuditEventResource(resources.ModelResource):
    class Meta:
        model = AuditEvent
        fields = (
            "id",
            "at",
            "actor_label",
            "ip_address",
            "source",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "reason",
            "request_id",
        )
        export_order = fields


def _values_table(before: dict, after: dict):
    names = sorted(set(before) | set(after))
    if not names:
        return "—"
    rows = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
        ((name, _shown(before, name), _shown(after, name)) for name in names),
    )
    return format_html(
        "<table class='audit-values'><thead><tr><th scope='col'>Field</th><th scope='col'>Before</th>"
        "<th scope='col'>After</th></tr></thead><tbody>{}</tbody></table>",
        rows,
    )


def _shown(values: dict, name: str) -> str:
    if name not in values:
        return "—"
    value = values[name]
    return "(empty)" if value in (None, "") else str(value)


@admin.register(AuditEvent)
class AuditEventAdmin(NeutralisingExportMixin, ReadOnlyAdmin):
    resource_classes = [AuditEventResource]
    list_display = ("at", "actor_label", "action", "object_type", "object_repr", "short_reason", "ip_address")
    list_filter = ("source", "action", "object_type")
    search_fields = ("actor_label", "object_repr", "object_id", "reason", "action", "request_id")
    date_hierarchy = "at"
    list_per_page = 50
    show_full_result_count = False  # the trail grows without end; counting it all is slow
    fields = (
        "at",
        "actor_label",
        "ip_address",
        "source",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "what_changed",
        "reason",
        "request_id",
        "redacted_at",
    )
    readonly_fields = fields

    @admin.display(description="Why")
    def short_reason(self, event: AuditEvent) -> str:
        return (event.reason[:80] + "…") if len(event.reason) > 80 else event.reason

    @admin.display(description="What changed")
    def what_changed(self, event: AuditEvent):
        return _values_table(event.before or {}, event.after or {})
