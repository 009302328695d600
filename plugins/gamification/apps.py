from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "plugins.gamification"
    label = "gamification"
    verbose_name = "Gamification"
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = "Gamification"
        author = "PeerLearn"
        version = "0.1"
        description = "Points and badges for taking part."
        category = "engagement"
