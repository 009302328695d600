"""What the admins of core's apps share."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by services only (money, presence, feedback): admins read and export them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
