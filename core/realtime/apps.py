from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "core.realtime"
    label = "realtime"
    verbose_name = "Real time"

    def ready(self) -> None:
        # Django's way to connect receivers: import them once the app registry is ready.
        from core.realtime import receivers  # noqa: F401
