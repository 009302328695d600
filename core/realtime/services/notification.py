"""Writes about in-app notifications: save, then broadcast; mark read; each person's choices.

A notification is saved first and broadcast to its person's group only after the
transaction commits (``transaction.on_commit``), so nobody is told about a write that may
still roll back, and a tab that missed the broadcast finds it by id when it catches up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from core.realtime import kinds, selectors
from core.realtime.consumers import user_group
from core.realtime.models import (
    Channel,
    DigestEntry,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from core.users.models import User
from core.users.services import settings_update

logger = logging.getLogger(__name__)

TITLE_MAX = Notification._meta.get_field("title").max_length
BODY_MAX = Notification._meta.get_field("body").max_length
Kind = NotificationKind


# --- In-app notifications ---------------------------------------------------------------------


def text_fit(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def local_path(url: str) -> str:
    """Only paths on this site: a notification never links elsewhere."""
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValueError(f"A notification links to a path on this site, not {url!r}.")
    return url


def notification_send(*, user: User, kind: str, title: str, body: str = "", url: str = "") -> Notification | None:
    """Save a notification for ``user`` and, once committed, push it to their open tabs.

    Returns None (and saves nothing) when ``user`` turned off in-app notifications of ``kind``.
    ``kind`` is core's or an enabled plugin's (``core.realtime.kinds``).
    """
    if kinds.kind_get(kind) is None:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    if not selectors.wants(user, kind, Channel.IN_APP):
        return None
    notification = Notification.objects.create(
        user=user, kind=kind, title=text_fit(title, TITLE_MAX), body=text_fit(body, BODY_MAX), url=local_path(url)
    )
    transaction.on_commit(lambda: notification_broadcast(notification=notification))
    return notification


def _group_send(*, user_id: int, payload: dict) -> None:
    """Best effort: the notification is stored, and a tab that misses this catches up by id."""
    try:
        async_to_sync(get_channel_layer().group_send)(user_group(user_id), {"type": "notify", "payload": payload})
    except Exception:
        logger.exception("Could not push a %s message to user %s", payload.get("type"), user_id)


ACCOUNT_CLOSED = "account.closed"  # the consumers' handler: account_closed
ACCOUNT_CLOSED_CODE = 4403


def sockets_close(*, user_id: int) -> None:
    """Close every socket the person has open (notifications and live rooms, in every tab and on
    every server): staff blocked them. A socket that tries again is refused, as their session is.
    Best effort, like every push; their next request is refused anyway."""
    try:
        async_to_sync(get_channel_layer().group_send)(user_group(user_id), {"type": ACCOUNT_CLOSED})
    except Exception:
        logger.exception("Could not close the sockets of user %s", user_id)


def notification_broadcast(*, notification: Notification) -> None:
    """Push a saved notification, with the person's unread count, to every tab they have open."""
    unread = selectors.notification_unread_count(user=notification.user)
    payload = notification.to_payload(
        unread=unread, refreshes=kinds.refreshes_of(notification.kind), celebrate=kinds.celebrates(notification.kind)
    )
    _group_send(user_id=notification.user_id, payload=payload)


def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s notifications read: those with ``ids``, or all when ``ids`` is None.

    Ids of other people's notifications are ignored. The new unread count is pushed to the
    person's other tabs. Returns how many were marked.
    """
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(id__in=[int(pk) for pk in ids])
    marked = unread.update(read_at=timezone.now())
    if marked:
        transaction.on_commit(
            lambda: _group_send(
                user_id=user.pk, payload={"type": "unread", "unread": selectors.notification_unread_count(user=user)}
            )
        )
    return marked


def notification_preferences_update(
    *, user: User, prefs: Mapping[str, Mapping[str, bool]]
) -> list[selectors.PreferenceRow]:
    """Change ``user``'s choices: ``{"booking_requested": {"email": False, "in_app": True}, ...}``.

    Kinds or channels left out keep their current value. Unknown kinds or channels, and
    values that are not booleans, raise ValueError and change nothing.
    """
    for kind, channels in prefs.items():
        if kinds.kind_get(kind) is None:
            raise ValueError(f"Unknown notification kind {kind!r}.")
        for channel, value in channels.items():
            if channel not in Channel.values:
                raise ValueError(f"Unknown notification channel {channel!r}.")
            if not isinstance(value, bool):
                raise ValueError(f"A notification choice is True or False, not {value!r}.")
    with transaction.atomic():
        current = {row.kind: row for row in NotificationPreference.objects.filter(user=user, kind__in=list(prefs))}
        rows = []
        for kind, channels in prefs.items():
            row = current.get(kind) or NotificationPreference(
                user=user, kind=kind, email=kinds.kind_default(kind, "email"), in_app=kinds.kind_default(kind, "in_app")
            )
            for channel, value in channels.items():
                setattr(row, channel, value)
            rows.append(row)
        NotificationPreference.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["user", "kind"], update_fields=["email", "in_app"]
        )
    return selectors.notification_preferences_get(user=user)


@transaction.atomic
def notification_settings_update(
    *,
    user: User,
    timezone_name: str,
    payout: dict | None = None,
    notifications: Mapping[str, Mapping[str, bool]] | None = None,
) -> User:
    """Save the Settings tab at once, or nothing of it: the timezone and a mentor's payout
    destination (``core.users.services.settings_update``), then the notification choices
    (``notifications``: as ``notification_preferences_update`` takes them, None to keep them)."""
    settings_update(user=user, timezone_name=timezone_name, payout=payout)
    if notifications is not None:
        notification_preferences_update(user=user, prefs=notifications)
    return user


@transaction.atomic
def notifications_erase(*, user: User) -> int:
    """A person's notifications, choices and waiting digest lines go (DPDP erasure); which
    emails were sent stays (kind and time only, so no email is sent twice). Returns how many
    notifications went."""
    DigestEntry.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    count, _ = Notification.objects.filter(user=user).delete()
    return count
