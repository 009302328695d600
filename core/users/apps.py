from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class UsersConfig(AppConfig):
    name = "core.users"
    label = "users"
    verbose_name = "People"

    def ready(self) -> None:
        from core.users import receivers  # noqa: F401

        # After the last app's post_migrate, when every app's permissions exist (Django makes
        # them app by app, in INSTALLED_APPS order).
        post_migrate.connect(
            _staff_roles_sync, sender=list(apps.get_app_configs())[-1], dispatch_uid="users_staff_roles_sync"
        )


def _staff_roles_sync(sender, using="default", **kwargs) -> None:
    from core.users.roles import staff_roles_sync
    from core.users.services import topics_seed

    staff_roles_sync()
    topics_seed()
