from django.urls import path, reverse

from core.hooks import NavItem, NotificationType, StaffPermission, StaffTask, hookimpl
from plugins.forum import api, selectors, services
from plugins.forum.urls import urlpatterns as forum_urlpatterns


@hookimpl
def on_user_registered(user):
    services.member_join(user=user)


@hookimpl
def on_user_erased(user):
    services.member_erase(user=user)


@hookimpl
def urlpatterns():
    return forum_urlpatterns


@hookimpl
def api_urlpatterns():
    return [
        path("boards/", api.BoardList.as_view(), name="boards"),
        path("boards/<slug:slug>/threads/", api.BoardThreads.as_view(), name="board-threads"),
        path("boards/<slug:slug>/follow/", api.BoardFollow.as_view(), name="board-follow"),
        path("threads/<int:pk>/", api.ThreadDetail.as_view(), name="thread"),
        path("threads/<int:pk>/posts/", api.ThreadReply.as_view(), name="thread-reply"),
        path("threads/<int:pk>/follow/", api.ThreadFollow.as_view(), name="thread-follow"),
        path("posts/<int:pk>/", api.PostEdit.as_view(), name="post"),
        path("posts/<int:pk>/answer/", api.PostAnswer.as_view(), name="post-answer"),
        path("posts/<int:pk>/flag/", api.PostFlag.as_view(), name="post-flag"),
        path("search/", api.Search.as_view(), name="search"),
    ]


@hookimpl
def nav_items(request):
    if not request.user.is_authenticated:
        return []
    return [
        NavItem(label="Forum", url=reverse("forum:index"), icon="chat-bubble-left-right", aria_label="Community forum")
    ]


@hookimpl
def notification_kinds():
    return [
        NotificationType(
            services.NEW_REPLY, "Replies in forum threads you follow", email=True, email_default=True, email_digest=True
        ),
        NotificationType(services.MENTION, "When someone mentions you in the forum", email=True, email_default=True),
        NotificationType(
            services.NEW_THREAD,
            "New threads in forum boards you follow",
            email=True,
            email_default=True,
            email_digest=True,
        ),
    ]


@hookimpl
def staff_permissions():
    """Moderators deal with flags, hide and lock posts and threads, and read the moderation log."""
    names = (
        "view_board",
        "view_thread",
        "change_thread",
        "view_post",
        "change_post",
        "view_flag",
        "change_flag",
        "view_moderationaction",
    )
    return [StaffPermission("Moderator", f"forum.{name}") for name in names]


@hookimpl
def staff_tasks(request):
    """Flagged posts waiting for a moderator, on the admin's home."""
    if not request.user.has_perm("forum.view_flag"):
        return []
    return [StaffTask("Flagged forum posts", selectors.flags_open_count(), "/admin/forum/flag/?state=open")]
