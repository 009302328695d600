from django.apps import AppConfig


class GiftingConfig(AppConfig):
    name = "plugins.gifting"
    label = "gifting"
    verbose_name = "Gifting"
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = "Gifting"
        author = "PeerLearn"
        version = "0.1"
        description = "Learners thank mentors with a gift (a tip), split like any payment."
        category = "money"
