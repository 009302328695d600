from django.apps import AppConfig


class RoomConfig(AppConfig):
    name = "core.room"
    label = "room"
    verbose_name = "Live room"

    def ready(self) -> None:
        # Django's way to connect receivers: import them once the app registry is ready.
        from core.room import receivers  # noqa: F401
