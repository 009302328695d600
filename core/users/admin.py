"""Django admin for people: search, block, approve mentors, export."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.shortcuts import redirect
from django.urls import reverse
from import_export import resources

from core.exports import NeutralisingExportMixin, NeutralisingImportExportMixin
from core.users.models import LearnerProfile, MentorProfile, Role, Topic, User


class UserResource(resources.ModelResource):
    class Meta:
        model = User
        fields = ("id", "email", "name", "role", "timezone", "is_active", "date_joined", "registered_at")
        export_order = fields


class LearnerProfileInline(admin.StackedInline):
    model = LearnerProfile
    can_delete = False
    extra = 0


class MentorProfileInline(admin.StackedInline):
    model = MentorProfile
    can_delete = False
    extra = 0
    # Approval goes through the actions (the service tells the mentor and refreshes the landing).
    readonly_fields = ("is_approved", "approved_at")


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "name", "role")


class UserChange(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(NeutralisingExportMixin, DjangoUserAdmin):
    resource_classes = [UserResource]
    form = UserChange
    add_form = UserCreationForm
    ordering = ("-date_joined",)
    list_display = ("email", "name", "role", "is_active", "mentor_approved", "date_joined", "registered_at")
    list_filter = (
        "role",
        "is_active",
        "is_staff",
        "mentor_profile__is_approved",
        ("date_joined", admin.DateFieldListFilter),
        "groups",
    )
    search_fields = ("email", "name")
    readonly_fields = ("date_joined", "registered_at", "last_login")
    list_select_related = ("mentor_profile",)
    actions = ["review_mentors", "block_users", "unblock_users", "erase_user"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("name", "role", "timezone", "avatar")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("date_joined", "registered_at", "last_login")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "role", "password1", "password2")}),)

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        if obj.role == Role.MENTOR:
            return [MentorProfileInline]
        if obj.role == Role.LEARNER:
            return [LearnerProfileInline]
        return []

    @admin.display(boolean=True, description="Approved mentor")
    def mentor_approved(self, obj: User):
        profile = getattr(obj, "mentor_profile", None) if obj.role == Role.MENTOR else None
        return None if profile is None else profile.is_approved

    def has_block_permission(self, request) -> bool:
        return request.user.has_perm("users.block_user")

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("users.approve_mentor")

    @admin.action(description="Approve or turn down mentors… (the waiting queue)", permissions=["approve"])
    def review_mentors(self, request, queryset):
        return redirect("console:mentor-queue")

    @admin.action(description="Block selected people… (see what it cancels first)", permissions=["block"])
    def block_users(self, request, queryset):
        return redirect(f"{reverse('console:person-block')}?ids={_ids(queryset)}")

    def has_erase_permission(self, request) -> bool:
        return request.user.has_perm("users.erase_user")

    @admin.action(description="Erase personal data… (on the person's request; one at a time)", permissions=["erase"])
    def erase_user(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one person: each erasure is confirmed on its own.", "warning")
            return None
        return redirect(f"{reverse('console:person-erase')}?ids={queryset.get().pk}")

    @admin.action(description="Unblock selected people…", permissions=["block"])
    def unblock_users(self, request, queryset):
        return redirect(f"{reverse('console:person-unblock')}?ids={_ids(queryset)}")


def _ids(queryset) -> str:
    return ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:50])


class TopicResource(resources.ModelResource):
    """Import and export of the vocabulary: one topic a row, matched by name (a row whose name
    exists already updates its domain), checked row by row in the preview."""

    class Meta:
        model = Topic
        fields = ("name", "domain")
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def before_import_row(self, row, **kwargs):
        row["name"] = " ".join(str(row.get("name") or "").split())
        row["domain"] = " ".join(str(row.get("domain") or "").split())


@admin.register(Topic)
class TopicAdmin(NeutralisingImportExportMixin, admin.ModelAdmin):
    resource_classes = [TopicResource]
    list_display = ("name", "domain", "created_at")
    list_filter = ("domain",)
    search_fields = ("name",)
