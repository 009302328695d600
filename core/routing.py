"""The WebSocket routes, above every app that serves one (notifications, the landing, the room)."""

from django.urls import path, re_path

from core.realtime import consumers
from core.realtime.middleware import socket_refuse
from core.room.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/notifications/", consumers.NotificationConsumer.as_asgi()),
    path("ws/landing/", consumers.LandingConsumer.as_asgi()),
    path("ws/room/<str:room_id>/", RoomConsumer.as_asgi()),
    # Any other path: the handshake is refused (closed), never an unhandled "No route found".
    re_path(r"", socket_refuse),
]
