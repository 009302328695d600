from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
    verbose_name = "PeerLearn core"

    def ready(self) -> None:
        # Build the one plugin manager once every app (and so every plugin) is loaded.
        from core import pluginmanager

        pluginmanager.setup()
