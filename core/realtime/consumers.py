"""WebSocket consumers. Every route is wrapped in AllowedHostsOriginValidator(AuthMiddlewareStack)."""

from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core.mentoring import live


def user_group(user_id: int) -> str:
    """The channel-layer group of one person: every tab they have open."""
    return f"user.{user_id}"


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/notifications/``: one socket per tab, joined to its person's group.

    Anonymous sockets are refused (close code 4401). Messages sent to the group with
    ``type="notify"`` are passed on to the browser as they are.
    """

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "user": user.pk})

    async def disconnect(self, code) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def notify(self, event) -> None:
        await self.send_json(event.get("payload", {}))


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
