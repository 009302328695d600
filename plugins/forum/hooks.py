from django.urls import reverse

from core.hooks import NavItem, hookimpl
from plugins.forum import services


@hookimpl
def on_user_registered(user):
    services.member_join(user=user)


@hookimpl
def urlpatterns():
    from plugins.forum.urls import urlpatterns as patterns

    return patterns


@hookimpl
def nav_items(request):
    if not request.user.is_authenticated:
        return []
    return [
        NavItem(
            label="Forum", url=reverse("forum:thread-list"), icon="chat-bubble-left-right", aria_label="Community forum"
        )
    ]
