"""Django admin for people: search, block, approve mentors, export."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from import_export import resources

from core.exports import NeutralisingExportMixin
from core.users import services
from core.users.models import LearnerProfile, MentorProfile, Role, User


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
    list_filter = ("role", "is_active", "is_staff", "mentor_profile__is_approved")
    search_fields = ("email", "name")
    readonly_fields = ("date_joined", "registered_at", "last_login")
    list_select_related = ("mentor_profile",)
    actions = ["approve_mentors", "withdraw_mentor_approval", "block_users", "unblock_users"]
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

    @admin.action(description="Approve selected mentors")
    def approve_mentors(self, request, queryset):
        mentors = queryset.filter(role=Role.MENTOR, mentor_profile__isnull=False)
        for mentor in mentors:
            services.mentor_approve(mentor=mentor)
        self.message_user(request, f"Approved {mentors.count()} mentor(s).", messages.SUCCESS)

    @admin.action(description="Withdraw approval of selected mentors (their sessions are hidden)")
    def withdraw_mentor_approval(self, request, queryset):
        mentors = queryset.filter(role=Role.MENTOR, mentor_profile__isnull=False)
        for mentor in mentors:
            services.mentor_approve(mentor=mentor, approved=False)
        self.message_user(request, f"Withdrew the approval of {mentors.count()} mentor(s).", messages.SUCCESS)

    @admin.action(description="Block selected people (they cannot log in)")
    def block_users(self, request, queryset):
        count = queryset.exclude(pk=request.user.pk).update(is_active=False)
        self.message_user(request, f"Blocked {count} account(s).", messages.SUCCESS)

    @admin.action(description="Unblock selected people")
    def unblock_users(self, request, queryset):
        count = queryset.update(is_active=True)
        self.message_user(request, f"Unblocked {count} account(s).", messages.SUCCESS)
