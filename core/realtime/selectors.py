"""Reads about notifications: unread counts, the list, catch-up after an id, and preferences."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from core.realtime import kinds
from core.realtime.models import Channel, Notification, NotificationPreference
from core.users.models import User

PAGE_SIZE = 20
CATCH_UP_LIMIT = 100


def notification_unread_count(*, user: User) -> int:
    """How many of ``user``'s notifications are unread (one indexed count)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_last_id(*, user: User) -> int:
    """The id of ``user``'s newest notification, 0 when there is none."""
    return Notification.objects.filter(user=user).aggregate(last=Max("id"))["last"] or 0


@dataclass(frozen=True)
class NotificationPage:
    notifications: list[Notification]
    has_older: bool

    @property
    def older_than(self) -> int | None:
        """The ``?before=`` cursor of the next (older) page."""
        return self.notifications[-1].pk if self.has_older and self.notifications else None


def notification_list(*, user: User, before: int | None = None, limit: int = PAGE_SIZE) -> NotificationPage:
    """``user``'s notifications, newest first, ``limit`` at a time, older than id ``before``.

    Keyset pagination on the id (one query, no count): a page stays stable while new
    notifications arrive on top.
    """
    rows = Notification.objects.filter(user=user)
    if before is not None:
        rows = rows.filter(id__lt=before)
    notifications = list(rows.order_by("-id")[: limit + 1])
    return NotificationPage(notifications=notifications[:limit], has_older=len(notifications) > limit)


def notification_queryset_for_user(*, user: User):
    """``user``'s notifications, unordered: a queryset for cursor pages (on the id, newest first)."""
    return Notification.objects.filter(user=user)


def notification_list_after(*, user: User, after: int, limit: int = CATCH_UP_LIMIT) -> list[Notification]:
    """What ``user`` missed: their notifications with an id above ``after``, oldest first, at
    most ``limit`` (ask again from the last one for more)."""
    return list(Notification.objects.filter(user=user, id__gt=after).order_by("id")[:limit])


def hello_payload(*, user: User) -> dict:
    """What a tab is told when it connects: the unread count and the newest id to catch up from."""
    return {"type": "hello", "unread": notification_unread_count(user=user), "last_id": notification_last_id(user=user)}


def catch_up_payload(*, user: User, after: int, limit: int = CATCH_UP_LIMIT) -> dict:
    """The answer to "what did I miss after ``after``?", for the socket and the JSON endpoint."""
    missed = notification_list_after(user=user, after=after, limit=limit + 1)
    more = len(missed) > limit
    missed = missed[:limit]
    return {
        "type": "catch_up",
        "notifications": [
            notification.to_payload(refreshes=kinds.refreshes_of(notification.kind)) for notification in missed
        ],
        "more": more,
        "last_id": missed[-1].pk if missed else after,
        "unread": notification_unread_count(user=user),
    }


def wants(user: User, kind: str, channel: str) -> bool:
    """Whether ``user`` wants ``kind`` notifications by ``channel`` ("email" or "in_app").

    The kind's default unless they chose (on, for core's kinds). Kinds without an email never
    send one.
    """
    if channel == Channel.EMAIL and kinds.email_template(kind) is None:
        return False
    if channel not in Channel.values:
        raise ValueError(f"Unknown notification channel {channel!r}.")
    choice = NotificationPreference.objects.filter(user=user, kind=kind).values_list(channel, flat=True).first()
    return kinds.kind_default(kind, channel) if choice is None else choice


@dataclass(frozen=True)
class PreferenceRow:
    """One line of the settings form: ``email`` is None for kinds that never send one. A plugin's
    kind has its plugin's name as ``group`` (the heading it shows under) and the ``roles`` it is
    for; core's kinds have neither (the settings form knows whom they are for)."""

    kind: str
    label: str
    in_app: bool
    email: bool | None
    group: str = ""
    roles: tuple[str, ...] = ()
    digest: bool = False  # its email comes in the daily digest


def notification_preferences_get(*, user: User) -> list[PreferenceRow]:
    """Every kind (core's, then the enabled plugins') with ``user``'s choice for each channel
    (the kind's defaults when none), in one query."""
    stored = {
        row["kind"]: row for row in NotificationPreference.objects.filter(user=user).values("kind", "email", "in_app")
    }
    rows = []
    for kind in kinds.kinds_all():
        choice = stored.get(kind.key, {"email": kind.email_default, "in_app": kind.in_app_default})
        rows.append(
            PreferenceRow(
                kind=kind.key,
                label=kind.label,
                in_app=choice["in_app"],
                email=choice["email"] if kind.email_template else None,
                group=kind.group,
                roles=kind.roles,
                digest=kind.digest,
            )
        )
    return rows
