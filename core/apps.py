from django.apps import AppConfig
from django.contrib.staticfiles import apps as staticfiles_apps


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
    verbose_name = "PeerLearn core"

    def ready(self) -> None:
        # Build the one plugin manager once every app (and so every plugin) is loaded.
        from core import pluginmanager

        pluginmanager.setup()


class StaticFilesConfig(staticfiles_apps.StaticFilesConfig):
    """Django's static files, without the files of libraries we install but never serve: DRF's
    browsable API (the API answers JSON only) and Redoc from drf-spectacular-sidecar (the docs
    are Swagger UI). Fewer files for collectstatic to hash and compress on every ``make run``."""

    ignore_patterns = [*staticfiles_apps.StaticFilesConfig.ignore_patterns, "rest_framework", "redoc"]
