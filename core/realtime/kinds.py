"""Every kind of notification: core's own (``NotificationKind``) and those the enabled plugins
declare (``notification_kinds``), in one registry.

A plugin's kind is stored namespaced by the plugin's label ("gifting.gift_received"): it cannot
collide with core's kinds (which have no dot) or another plugin's. The registry is read from
the plugins each time (their hooks return constants): a plugin switched off takes its kinds off
the settings page, while the choices people made stay in ``NotificationPreference`` for when it
comes back. Who may send a kind is checked here too: ``plugin_kind_get`` refuses a plugin a kind
it did not declare.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from core import hooks, pluginmanager
from core.realtime.models import EMAIL_TEMPLATES, Notification, NotificationKind
from core.users.models import Role

logger = logging.getLogger(__name__)

PLUGIN_EMAIL_TEMPLATE = "plugin_notification"  # templates/emails/plugin_notification.{txt,html}
DIGEST_EMAIL_TEMPLATE = "digest"  # templates/emails/digest.{txt,html}: the daily email of digest kinds
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KIND_MAX = Notification._meta.get_field("kind").max_length
PLUGIN_ROLES = (Role.LEARNER.value, Role.MENTOR.value)


class NotificationKindError(ValueError):
    """A plugin asked to send a kind it did not declare (or to someone its kind is not for)."""


@dataclass(frozen=True)
class KindInfo:
    """One kind of notification. ``plugin`` is "" for core's kinds; ``group`` is the heading it
    shows under in the settings ("" for core's); ``email_template`` is None for in-app only
    kinds; ``roles`` is () for core's kinds (the settings form knows whom they are for)."""

    key: str
    label: str
    plugin: str = ""
    group: str = ""
    roles: tuple[str, ...] = ()
    email_template: str | None = None
    in_app_default: bool = True
    email_default: bool = True
    refreshes: tuple[str, ...] = ()  # core's kinds (or LIVE_PARTS) whose live parts of a page this one refreshes too
    celebrate: bool = False  # its live toast gets a small celebration
    digest: bool = False  # its email waits for the person's daily digest (a plugin's kind may ask)


# Live parts of core's pages that a plugin's notification may name in ``refreshes`` although no
# notification of core has that kind: the learner home's "Recommended for you" panel.
LIVE_PARTS = ("recommended_sessions",)


def _core_kinds() -> list[KindInfo]:
    return [
        KindInfo(key=kind.value, label=kind.label, email_template=EMAIL_TEMPLATES.get(kind))
        for kind in NotificationKind
    ]


def _plugin_kind(label: str, item) -> KindInfo | None:
    """A declaration checked and namespaced, or None (logged) when it is malformed."""
    if not isinstance(item, hooks.NotificationType) or not isinstance(item.key, str):
        logger.warning("Plugin %s declared a notification kind that is not a NotificationType: %r", label, item)
        return None
    short = item.key.removeprefix(f"{label}.")
    key = f"{label}.{short}"
    roles = tuple(role for role in PLUGIN_ROLES if role in (item.roles or ()))
    if not KEY.match(short) or len(key) > KIND_MAX or not roles:
        logger.warning(
            "Plugin %s declared a notification kind that is ignored: key %r (lower-case letters, digits and _, "
            "at most %d with the label) for roles %r (learner, mentor)",
            label,
            item.key,
            KIND_MAX,
            item.roles,
        )
        return None
    return KindInfo(
        key=key,
        label=" ".join(str(item.label or "").split())[:100] or short.replace("_", " ").capitalize(),
        plugin=label,
        group=pluginmanager.plugin_display_name(label),
        roles=roles,
        email_template=PLUGIN_EMAIL_TEMPLATE if item.email else None,
        in_app_default=bool(item.in_app_default),
        email_default=bool(item.email_default),
        refreshes=tuple(
            kind for kind in (item.refreshes or ()) if kind in NotificationKind.values or kind in LIVE_PARTS
        ),
        celebrate=item.celebrate is True,
        digest=bool(item.email) and item.email_digest is True,
    )


def plugin_kinds() -> list[KindInfo]:
    """The kinds the enabled plugins declare, in plugin order; a key declared twice counts once."""
    found: dict[str, KindInfo] = {}
    for label, item in pluginmanager.collect_by_plugin("notification_kinds"):
        info = _plugin_kind(label, item)
        if info is not None:
            found.setdefault(info.key, info)
    return list(found.values())


def kinds_all() -> list[KindInfo]:
    """Core's kinds, then the enabled plugins' kinds."""
    return [*_core_kinds(), *plugin_kinds()]


def kind_get(key: str) -> KindInfo | None:
    """The kind ``key`` (core's, or an enabled plugin's), or None when there is no such kind now."""
    if not isinstance(key, str):
        return None
    if "." not in key:
        return next((info for info in _core_kinds() if info.key == key), None)
    return next((info for info in plugin_kinds() if info.key == key), None)


def refreshes_of(key: str) -> tuple[str, ...]:
    """Core's kinds whose live parts a notification of ``key`` also refreshes (a plugin's kind may
    say so; core's own kinds are their own)."""
    if "." not in key:
        return ()
    info = kind_get(key)
    return info.refreshes if info is not None else ()


def celebrates(key: str) -> bool:
    """Whether a notification of ``key`` is shown with a small celebration (a plugin's kind may
    say so: a badge earned; core's own kinds do not)."""
    if "." not in key:
        return False
    info = kind_get(key)
    return info is not None and info.celebrate


def kind_default(key: str, channel: str) -> bool:
    """The choice of a person who made none: on for core's kinds, as declared for a plugin's."""
    info = kind_get(key)
    if info is None:
        return True
    return info.email_default if channel == "email" else info.in_app_default


def email_template(key: str) -> str | None:
    """The email template of the kind ``key`` (``emails/<name>.{txt,html}``), None when it has no email."""
    info = kind_get(key)
    return info.email_template if info is not None else None


def plugin_kind_get(*, plugin: str | None, kind: str, role: str | None = None) -> KindInfo:
    """The kind ``kind`` of ``plugin`` ("gift_received" or "gifting.gift_received"), checked: the
    plugin is enabled and declared it, and (with ``role``) it is for that role.

    Raises ``NotificationKindError`` saying what is wrong otherwise."""
    if not plugin:
        raise NotificationKindError(
            "notify() is for plugins: call it from your plugin's own code (core could not tell which plugin called)."
        )
    if not isinstance(kind, str):
        raise NotificationKindError(f"A notification kind is a string, not {kind!r}.")
    key = kind if kind.startswith(f"{plugin}.") else f"{plugin}.{kind}"
    declared = [info for info in plugin_kinds() if info.plugin == plugin]
    info = next((info for info in declared if info.key == key), None)
    if info is None:
        names = ", ".join(repr(info.key.removeprefix(f"{plugin}.")) for info in declared) or "none"
        raise NotificationKindError(
            f"The plugin {plugin} did not declare the notification kind {kind!r} in notification_kinds() "
            f"(it declares: {names})."
        )
    if role is not None and role not in info.roles:
        raise NotificationKindError(
            f"The notification kind {info.key!r} is for {' and '.join(info.roles)}s, not for a person "
            f"whose role is {str(role or 'none')!r}: they could not turn it off."
        )
    return info
