"""ASGI middleware of the socket stack (core/asgi.py): a socket opens only when the page behind it would.

``SecondFactorSocketGate`` applies ``core.users.two_factor.second_factor_gate``, the rule of
``core.middleware.SecondFactorMiddleware``, to every WebSocket route at once: a session whose
second factor is pending, or staff and editors who have not passed a code in this session, are
refused at the handshake, before any consumer runs.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from core.users.two_factor import Gate, second_factor_gate


async def socket_refuse(scope, receive, send) -> None:
    """Refuse a WebSocket handshake (the server answers 403) and end at once.

    Unlike channels' ``WebsocketDenier``, a consumer, this subscribes to no channel layer and does
    not wait for the client's disconnect: a refused socket leaves no task behind (on Redis, a
    lingering consumer's layer receive could hang an event loop's shutdown)."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.close"})


class SecondFactorSocketGate:
    """Sits inside ``AuthMiddlewareStack`` (it reads ``scope["session"]`` and ``scope["user"]``).

    Like django-otp's ``OTPMiddleware`` for pages, it also gives the user ``otp_device`` and
    ``is_verified()``, so consumers can ask the same question.
    """

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not await _gate_open(scope):
            return await socket_refuse(scope, receive, send)
        return await self.inner(scope, receive, send)


@database_sync_to_async
def _gate_open(scope) -> bool:
    user = scope.get("user")
    session = scope.get("session")
    if user is None or session is None or not user.is_authenticated:
        return True  # anonymous: each consumer decides (the landing socket is public)
    device = None
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if persistent_id:
        device = Device.from_persistent_id(persistent_id)
        if device is not None and (device.user_id != user.pk or not device.confirmed):
            device = None
    user.otp_device = device
    user.is_verified = lambda: user.otp_device is not None
    gate = second_factor_gate(user=user, session=session, is_verified=device is not None, path=scope.get("path", ""))
    return gate is Gate.OPEN
