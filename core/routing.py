"""The WebSocket routes, above every app that serves one (notifications, the landing, the room)."""

from django.urls import path, re_path

from core.api.sockets import BearerSocketAuth
from core.console.consumers import ConsoleConsumer
from core.realtime import consumers
from core.realtime.middleware import socket_refuse
from core.room.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/notifications/", consumers.NotificationConsumer.as_asgi()),
    path("ws/landing/", consumers.LandingConsumer.as_asgi()),
    path("ws/room/<str:room_id>/", RoomConsumer.as_asgi()),
    path("ws/console/", ConsoleConsumer.as_asgi()),  # the admin's home, staff only
    # Any other path: the handshake is refused (closed), never an unhandled "No route found".
    re_path(r"", socket_refuse),
]

# Sockets that offer the "bearer" subprotocol (apps, signed in with an access token: core/api/sockets.py):
# notifications, and the live room (its app finds the path at GET /api/v1/bookings/{id}/room/).
bearer_websocket_urlpatterns = [
    path("ws/notifications/", BearerSocketAuth(consumers.NotificationConsumer.as_asgi())),
    path("ws/room/<str:room_id>/", BearerSocketAuth(RoomConsumer.as_asgi())),
    re_path(r"", socket_refuse),
]
