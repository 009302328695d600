"""``/ws/console/``: the admin's home listens here and fetches its figures again on "changed".

Only staff who passed their TOTP code get through (``SecondFactorSocketGate`` refuses others at
the handshake; this consumer refuses anyone who is not staff). Nothing but "changed" is sent:
the figures themselves come over HTTP, where each one's permission is checked.
"""

from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer

GROUP = "console"


class ConsoleConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        await self.accept()  # then close with a code: a browser only sees the code of an open socket
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        if not (user.is_active and user.is_staff):
            await self.close(code=4403)
            return
        self.joined = True
        await self.channel_layer.group_add(GROUP, self.channel_name)

    async def disconnect(self, code) -> None:
        if getattr(self, "joined", False):
            await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def console_changed(self, event) -> None:
        await self.send_json({"type": "changed"})

    @classmethod
    async def decode_json(cls, text_data):
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return {}
