"""WebSocket consumers. Every route is wrapped in AllowedHostsOriginValidator(AuthMiddlewareStack)."""

from __future__ import annotations

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core.mentoring import live
from core.realtime import selectors

BAD_AFTER = "catch_up needs after: the last id you saw (0 or more)."


def user_group(user_id: int) -> str:
    """The channel-layer group of one person: every tab they have open."""
    return f"user.{user_id}"


class JsonObjectConsumer(AsyncJsonWebsocketConsumer):
    """A JSON consumer that reads anything but a JSON object as an empty message (never a crash):
    ``receive_json`` then sees no ``type`` and answers with an error or ignores it."""

    @classmethod
    async def decode_json(cls, text_data):
        try:
            content = json.loads(text_data)
        except ValueError:
            return {}
        return content if isinstance(content, dict) else {}


class NotificationConsumer(JsonObjectConsumer):
    """``/ws/notifications/``: one socket per tab, joined to its person's group.

    Anonymous sockets are refused (close code 4401); foreign origins are refused by the
    ``AllowedHostsOriginValidator`` around every route (core/asgi.py). On connect the tab gets
    ``{"type": "hello", "unread": n, "last_id": m}``. It may ask ``{"type": "catch_up",
    "after": <id>}`` and gets its own notifications above that id, oldest first (at most
    100 at a time; ``more`` says to ask again). Messages sent to the group with
    ``type="notify"`` (new notifications, unread counts) are passed on as they are.
    """

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.user = user
        self.group = user_group(user.pk)
        # Join first, then count: whatever is saved from now on arrives here, and the tab
        # ignores ids it has already seen.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(await _hello(user))

    async def disconnect(self, code) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "catch_up":
            after = content.get("after")
            if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after < 2**63:
                await self.send_json({"type": "error", "error": BAD_AFTER})
                return
            await self.send_json(await _catch_up(self.user, after))

    async def notify(self, event) -> None:
        await self.send_json(event.get("payload", {}))

    async def account_closed(self, event) -> None:
        """Staff blocked this person (``core.realtime.services.sockets_close``)."""
        await self.close(code=4403)


@database_sync_to_async
def _hello(user) -> dict:
    return selectors.hello_payload(user=user)


@database_sync_to_async
def _catch_up(user, after: int) -> dict:
    return selectors.catch_up_payload(user=user, after=after)


class LandingConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/landing/``: public and read-only. Pushes the live sections whenever a session changes."""

    group = live.GROUP

    async def connect(self) -> None:
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def landing_sections(self, event) -> None:
        await self.send_json(event["payload"])
