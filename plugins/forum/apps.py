from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _starter_boards(sender, using="default", **kwargs) -> None:
    """A forum with no boards gets the starter boards and the moderators' group after ``migrate``
    (and after a test's flush, which empties the tables the migration filled, as Django's own
    permissions are made again). A forum that has boards is left as staff arranged it."""
    from plugins.forum import services  # the app registry is ready when the signal is sent
    from plugins.forum.models import Board

    if Board._meta.db_table not in connections[using].introspection.table_names():
        return  # the forum is migrated to zero
    if not Board.objects.using(using).exists():
        services.boards_seed()
    services.moderators_group()


class ForumConfig(AppConfig):
    name = "plugins.forum"
    label = "forum"
    verbose_name = "Forum"
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = "Forum"
        author = "PeerLearn"
        version = "0.1"
        description = "Community questions and answers between learners and mentors."
        category = "community"

    def ready(self) -> None:
        post_migrate.connect(_starter_boards, sender=self, dispatch_uid="forum-starter-boards")
