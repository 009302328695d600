from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "core.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from core.audit import receivers  # noqa: F401
