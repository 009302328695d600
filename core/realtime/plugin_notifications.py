"""Notifications a plugin sends (``core.plugin_api.notify``), through core's own path.

A plugin's notification is one of the kinds it declared (``notification_kinds``, checked by
``core.realtime.kinds``). It is saved and pushed to the person's open tabs by
``notification_send``, exactly as core's are, under the person's choices for that kind;
when the kind offers email and the person wants it, a task sends one plain email
(``templates/emails/plugin_notification.{txt,html}``: the title, the body, a link, and the
footer every notification email has): ``plugin_notification_email_send`` in
``core.realtime.services.email``, run by a task of ``core.realtime.tasks`` (this module ->
tasks -> email, one way, as core's own notifications go). A kind declared with
``email_digest`` waits instead, as a ``DigestEntry``, for the person's daily digest
(``digests_send``, run by beat).
"""

from __future__ import annotations

import uuid

from django.db import transaction

from core.realtime import kinds, selectors, tasks
from core.realtime.models import Channel, DigestEntry
from core.realtime.services.notification import BODY_MAX, TITLE_MAX, local_path, notification_send, text_fit
from core.users.models import User


def plugin_notify(*, plugin: str | None, user, kind: str, title: str, body: str = "", url: str = "") -> bool:
    """Tell ``user`` about ``kind`` of ``plugin`` (the label of the plugin that asks): in the app
    (saved, then pushed live after the commit) and by email when the kind offers one, each as the
    person chose for this kind. Returns whether they are told at all.

    Raises ``kinds.NotificationKindError`` (a ValueError) when the plugin did not declare ``kind``
    or the kind is not for ``user``'s role, and ValueError for an empty title or a link off
    this site; nothing is saved or sent then."""
    if not isinstance(user, User) or user.pk is None:
        raise ValueError(f"notify() takes a person core handed your plugin, not {user!r}.")
    info = kinds.plugin_kind_get(plugin=plugin, kind=kind, role=user.role)
    # Cut and checked as core's own are, once, so the app and the email say the same.
    title, body = text_fit(title or "", TITLE_MAX), text_fit(body or "", BODY_MAX)
    url = local_path(str(url or ""))
    if not title:
        raise ValueError("A notification needs a title.")
    notification = notification_send(user=user, kind=info.key, title=title, body=body, url=url)
    emailed = bool(
        info.email_template and user.is_active and user.email and selectors.wants(user, info.key, Channel.EMAIL)
    )
    if emailed and info.digest:  # waits for the person's daily digest email
        DigestEntry.objects.create(user=user, kind=info.key, title=title, body=body, url=url, notification=notification)
    elif emailed:
        key = f"{info.key}:{uuid.uuid4().hex}"  # this notification's email, once however often the task runs
        transaction.on_commit(
            lambda: tasks.plugin_notification_email_send_task.delay(user.pk, info.key, key, title, body, url)
        )
    return notification is not None or emailed
