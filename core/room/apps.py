from django.apps import AppConfig


class RoomConfig(AppConfig):
    name = "core.room"
    label = "room"
    verbose_name = "Live room"
