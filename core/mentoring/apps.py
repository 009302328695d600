from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "core.mentoring"
    label = "mentoring"
    verbose_name = "Mentoring sessions"
