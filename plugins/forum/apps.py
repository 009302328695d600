from django.apps import AppConfig


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
