from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "core.users"
    label = "users"
    verbose_name = "People"

    def ready(self) -> None:
        from core.users import receivers  # noqa: F401
