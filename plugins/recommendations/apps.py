from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "plugins.recommendations"
    label = "recommendations"
    verbose_name = "Recommendations"
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = "Recommendations"
        author = "PeerLearn"
        version = "0.1"
        description = "Suggests sessions from a learner's interests and history."
        category = "discovery"
