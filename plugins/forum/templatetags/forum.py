"""``{% load forum %}``: the forum's one filter."""

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(moment) -> str:
    """Under a minute: "just now"; else "3 hours ago" (the largest unit only)."""
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment, depth=1)} ago"
