"""ASGI entry point: HTTP and WebSockets on one port."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from core.api.sockets import BearerOrCookie, origin_checked_if_sent  # noqa: E402
from core.realtime.middleware import SecondFactorSocketGate  # noqa: E402
from core.routing import bearer_websocket_urlpatterns, websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Apps offer the subprotocols ["bearer", <access token>]: no cookie is read for them, and
        # the token was given after the second factor (core/api/sockets.py). Everyone else: the
        # second-factor gate sits inside the auth stack (it reads the session and the user) and
        # before every route, so no consumer opens for a session pages would refuse.
        "websocket": BearerOrCookie(
            bearer=origin_checked_if_sent(URLRouter(bearer_websocket_urlpatterns)),
            cookie=AllowedHostsOriginValidator(
                AuthMiddlewareStack(SecondFactorSocketGate(URLRouter(websocket_urlpatterns)))
            ),
        ),
    }
)
