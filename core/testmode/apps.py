from django.apps import AppConfig


class TestmodeConfig(AppConfig):
    name = "core.testmode"
    label = "testmode"
    verbose_name = "Test-mode payment gateway"
