"""Sockets for apps: the notifications socket, signed in with an access token instead of a cookie.

An app opens ``/ws/notifications/`` offering the subprotocols ``["bearer", "<access token>"]``
(the ``Sec-WebSocket-Protocol`` header: a query string would land in logs). The server picks
``bearer``. A token that is bad or expired: the socket is accepted, then closed with 4401, so the
app knows to refresh it (a refused handshake tells a client nothing); a blocked person's: 4403,
as ``core.realtime.services.sockets_close`` closes their open ones. No cookie is read on this
path, so a page of another site gains nothing from it; an ``Origin``, when sent (browsers), must
still be ours. Every other socket goes through the cookie stack as before (core/asgi.py).
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.security.websocket import OriginValidator
from django.conf import settings
from rest_framework.exceptions import AuthenticationFailed

from core.api.authentication import BearerAuthentication

BEARER = "bearer"
TOKEN_REFUSED = 4401  # as the cookie socket refuses an anonymous person
ACCOUNT_CLOSED = 4403  # as core.realtime.services.sockets_close closes a blocked person's sockets


def offers_bearer(scope) -> bool:
    """The socket offers the ``bearer`` subprotocol first (its token second)."""
    subprotocols = scope.get("subprotocols") or []
    return scope["type"] == "websocket" and bool(subprotocols) and subprotocols[0] == BEARER


class BearerOrCookie:
    """Sockets offering ``bearer`` go to ``bearer``; all others to ``cookie``, unchanged."""

    def __init__(self, *, bearer, cookie):
        self.bearer = bearer
        self.cookie = cookie

    async def __call__(self, scope, receive, send):
        application = self.bearer if offers_bearer(scope) else self.cookie
        return await application(scope, receive, send)


class OriginIfSent(OriginValidator):
    """Channels' origin check, except that a socket without ``Origin`` passes: apps send none, and
    the token, which another site's page cannot know, says who it is."""

    def valid_origin(self, parsed_origin) -> bool:
        return parsed_origin is None or super().valid_origin(parsed_origin)


def origin_checked_if_sent(application) -> OriginIfSent:
    """``application`` behind ``OriginIfSent``, allowing the hosts ``AllowedHostsOriginValidator`` allows."""
    allowed_hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
    return OriginIfSent(application, allowed_hosts)


@database_sync_to_async
def _person(token: str):
    """``(user, None)`` for a good access token, ``(None, close code)`` for any other."""
    authentication = BearerAuthentication()
    try:
        return authentication.get_user(authentication.get_validated_token(token.encode())), None
    except UnicodeError:
        return None, TOKEN_REFUSED
    except AuthenticationFailed as exc:
        detail = exc.detail  # simplejwt's: {"detail": …, "code": "user_inactive"}
        code = detail.get("code") if isinstance(detail, dict) else getattr(detail, "code", None)
        return None, ACCOUNT_CLOSED if str(code) == "user_inactive" else TOKEN_REFUSED


async def _accept_and_close(receive, send, code: int) -> None:
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.accept", "subprotocol": BEARER})
        await send({"type": "websocket.close", "code": code})


class BearerSocketAuth:
    """ASGI middleware: the person of the token offered as ``["bearer", token]`` is ``scope["user"]``,
    and the handshake picks the subprotocol ``bearer`` (clients drop a socket that picks none)."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        subprotocols = scope.get("subprotocols") or []
        token = subprotocols[1] if len(subprotocols) == 2 and subprotocols[0] == BEARER else ""
        user, code = await _person(token) if token else (None, TOKEN_REFUSED)
        if user is None:
            return await _accept_and_close(receive, send, code)

        async def send_bearer(message):
            if message["type"] == "websocket.accept" and not message.get("subprotocol"):
                message = {**message, "subprotocol": BEARER}
            await send(message)

        return await self.inner({**scope, "user": user}, receive, send_bearer)
