from django.urls import path

from core.realtime import consumers

websocket_urlpatterns = [
    path("ws/notifications/", consumers.NotificationConsumer.as_asgi()),
    path("ws/landing/", consumers.LandingConsumer.as_asgi()),
]
