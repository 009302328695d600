"""A person's private calendar feed (its secret address): made when first shown, reset on request."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from core.users.models import CalendarFeed, User, _calendar_token


def calendar_feed_get_or_create(*, user: User) -> CalendarFeed:
    """``user``'s feed, made the first time (two tabs at once make one)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(user=user)
    except IntegrityError:
        return CalendarFeed.objects.get(user=user)


def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new secret address for ``user``'s feed; the old one answers 404 from now on."""
    feed = calendar_feed_get_or_create(user=user)
    feed.token = _calendar_token()
    feed.save(update_fields=["token"])
    return feed
