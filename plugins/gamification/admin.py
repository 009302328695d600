"""Badge rules, which staff edit, and the badges people earned (read only: they follow the
records; ``manage.py gamification_recompute`` rebuilds them and revokes with a reason)."""

from django.contrib import admin
from import_export import resources

from core import plugin_api
from plugins.gamification.models import BadgeAward, BadgeRule


class BadgeRuleResource(resources.ModelResource):
    """Badge rules in a spreadsheet, matched by ``key``: the preview shows each row's errors (an
    unknown kind, a threshold below 1) before anything is saved."""

    class Meta:
        model = BadgeRule
        fields = ("key", "name", "description", "icon", "kind", "audience", "threshold", "min_average",
                  "is_active", "order")  # fmt: skip
        import_id_fields = ("key",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


@admin.register(BadgeRule)
class BadgeRuleAdmin(plugin_api.AdminImportExport, admin.ModelAdmin):
    resource_classes = [BadgeRuleResource]
    list_display = ("name", "kind", "audience", "threshold", "min_average", "is_active", "order", "awarded")
    list_editable = ("is_active", "order")
    list_filter = ("kind", "audience", "is_active")
    search_fields = ("name", "key", "description")
    fieldsets = [
        (None, {"fields": ("key", "name", "description", "icon", "order", "is_active")}),
        (
            "What earns it",
            {
                "fields": ("kind", "audience", "threshold", "min_average"),
                "description": "A session counts when both people were in the room for at least half of it. "
                "Changes apply from the next event or recompute; a badge already earned is only taken back "
                "by a recompute, with the reason in the admin log.",
            },
        ),
    ]

    @admin.display(description="Held by")
    def awarded(self, rule: BadgeRule) -> int:
        return rule.awards.filter(revoked_at__isnull=True).count()

    def has_delete_permission(self, request, obj=None) -> bool:
        # A rule with awards stays (switch it off instead): the awards name it.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.awards.exists())


@admin.register(BadgeAward)
class BadgeAwardAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "awarded_at", "revoked_at")
    list_filter = ("rule", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "user__email", "user__name")
    date_hierarchy = "awarded_at"
    list_select_related = ("user", "rule")
    readonly_fields = ("user", "rule", "topic", "name", "awarded_at", "revoked_at", "revoked_reason")

    def has_add_permission(self, request) -> bool:
        return False  # earned from the records only

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
