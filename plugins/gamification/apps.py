from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "plugins.gamification"
    label = "gamification"
    verbose_name = "Gamification"
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = "Gamification"
        author = "PeerLearn"
        version = "1.0"
        description = "Badges, streaks and points earned from sessions that really took place."
        category = "engagement"
