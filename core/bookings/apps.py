from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "core.bookings"
    label = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        # Django's way to connect receivers: import them once the app registry is ready.
        from core.bookings import receivers  # noqa: F401
