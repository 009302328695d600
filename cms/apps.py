from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Landing pages"

    def ready(self) -> None:
        from cms import signals  # noqa: F401
