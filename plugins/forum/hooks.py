from django.urls import reverse

from core.hooks import NavItem, NotificationType, hookimpl
from plugins.forum import services
from plugins.forum.urls import urlpatterns as forum_urlpatterns


@hookimpl
def on_user_registered(user):
    services.member_join(user=user)


@hookimpl
def urlpatterns():
    return forum_urlpatterns


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
