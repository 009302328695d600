"""``{% notification_badge as bell %}``: the signed-in person's unread count for the header bell."""

from __future__ import annotations

from django import template

from core.realtime import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_badge(context) -> dict:
    """``{"unread": n}`` for ``request.user`` (0 for visitors): one indexed count per request,
    remembered on the request so the header and the page share it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread": 0}
    badge = getattr(request, "_notification_badge", None)
    if badge is None:
        badge = {"unread": selectors.notification_unread_count(user=user)}
        request._notification_badge = badge
    return badge
