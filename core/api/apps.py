from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The public REST API at ``/api/v1/``: what a learner or mentor does on the web, as JSON for a
    mobile app or a partner (issue 18, docs/decisions/0023-public-api.md)."""

    name = "core.api"
    label = "api"
    verbose_name = "Public API"
