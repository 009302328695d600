from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The operator's console: the admin's home, people's decisions (block, approve, erase),
    sessions' support view, money decisions, reports and exports (issue 17)."""

    name = "core.console"
    label = "console"
    verbose_name = "Operator's console"

    def ready(self) -> None:
        from core.console import receivers  # noqa: F401
