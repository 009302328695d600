from django.urls import path

from core.realtime import consumers, room

websocket_urlpatterns = [
    path("ws/notifications/", consumers.NotificationConsumer.as_asgi()),
    path("ws/landing/", consumers.LandingConsumer.as_asgi()),
    path("ws/room/<str:room_id>/", room.RoomConsumer.as_asgi()),
]
