from django.urls import path, re_path

from core.realtime import consumers, room
from core.realtime.middleware import socket_refuse

websocket_urlpatterns = [
    path("ws/notifications/", consumers.NotificationConsumer.as_asgi()),
    path("ws/landing/", consumers.LandingConsumer.as_asgi()),
    path("ws/room/<str:room_id>/", room.RoomConsumer.as_asgi()),
    # Any other path: the handshake is refused (closed), never an unhandled "No route found".
    re_path(r"", socket_refuse),
]
