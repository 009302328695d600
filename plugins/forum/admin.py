"""The forum in the admin: boards (staff edit and retire them), the moderation queue (flags not
yet dealt with, oldest first, with "Hide these posts"), threads and posts, and the moderators'
log (read only). Hiding here goes through the same service as on the site, so it is logged."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from plugins.forum import services
from plugins.forum.models import Board, Flag, ModerationAction, Post, Thread


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "is_active", "threads")
    list_editable = ("position", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "description")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(thread_total=Count("threads"))

    @admin.display(description="Threads", ordering="thread_total")
    def threads(self, board: Board) -> int:
        return board.thread_total

    def has_delete_permission(self, request, obj=None) -> bool:
        # A board with threads stays (switch it off instead): its threads point to it.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.threads.exists())


class OpenFlagFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "To look at"), ("resolved", "Dealt with")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    """The moderation queue."""

    list_display = ("post_excerpt", "reason", "note", "by", "created_at", "resolved_at", "on_site")
    list_filter = (OpenFlagFilter, "reason")
    ordering = ("resolved_at", "created_at")
    readonly_fields = [field.name for field in Flag._meta.fields]
    list_select_related = ("post", "post__thread", "by", "resolved_by")
    actions = ["hide_posts", "dismiss"]

    @admin.display(description="Post")
    def post_excerpt(self, flag: Flag) -> str:
        return flag.post.body[:80]

    @admin.display(description="On the site")
    def on_site(self, flag: Flag) -> str:
        return format_html(
            '<a href="{}">Open</a>', services.thread_path(flag.post.thread, anchor=f"post-{flag.post_id}")
        )

    @admin.action(description="Hide these posts (logged, flags dealt with)")
    def hide_posts(self, request, queryset):
        posts = {flag.post for flag in queryset.select_related("post")}
        for post in posts:
            services.post_moderate(
                moderator=request.user, post=post, action="hide", reason="Flagged: hidden in the admin"
            )
        self.message_user(request, f"{len(posts)} post(s) hidden.", messages.SUCCESS)

    @admin.action(description="Dismiss these flags (nothing wrong)")
    def dismiss(self, request, queryset):
        done = queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now(), resolved_by=request.user)
        self.message_user(request, f"{done} flag(s) dismissed.", messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        return False  # people flag on the site


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("title", "board", "author", "post_count", "last_posted_at", "is_pinned", "is_locked", "is_hidden")
    list_filter = ("board", "is_pinned", "is_locked", "is_hidden")
    search_fields = ("title",)
    readonly_fields = ("author", "created_at", "last_posted_at", "post_count", "answer", "slug")
    list_select_related = ("board", "author")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("__str__", "thread", "author", "created_at", "is_hidden", "open_flags")
    list_filter = ("is_hidden",)
    search_fields = ("body", "thread__title")
    readonly_fields = [field.name for field in Post._meta.fields]
    list_select_related = ("thread", "author")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(flags_open=Count("flags", filter=Q(flags__resolved_at__isnull=True)))
        )

    @admin.display(description="Open flags", ordering="flags_open")
    def open_flags(self, post: Post) -> int:
        return post.flags_open

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "moderator", "action", "what", "reason")
    list_filter = ("action",)
    search_fields = ("reason", "moderator__email")
    list_select_related = ("moderator", "thread", "post")

    @admin.display(description="On")
    def what(self, action: ModerationAction) -> str:
        if action.thread is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:forum_thread_change", args=[action.thread_id]), action.thread
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the log nobody edits

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
