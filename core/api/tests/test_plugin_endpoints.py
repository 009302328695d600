"""Plugins' endpoints in the public API (the ``api_urlpatterns`` hook): the sample plugin's one
endpoint is mounted under ``/api/v1/p/sample/``, answers, and is in the schema; a plugin switched
off leaves nothing of it there. The URLconf is built as at start-up with those plugins enabled."""

from __future__ import annotations

import types

import pytest
import yaml
from django.urls import get_resolver, include, path
from drf_spectacular.views import SpectacularAPIView

from core import pluginmanager
from core import urls as project_urls
from core.api import urls as api_urls
from core.api.tests.helpers import bearer
from core.tests.sample_plugin import hooks as sample_hooks

pytestmark = pytest.mark.django_db


def _urlconf(settings) -> types.ModuleType:
    """The project's URLs, its API's ``v1`` with the plugins registered now."""
    v1 = [*(p for p in api_urls.v1 if not str(p.pattern).startswith("p/")), *pluginmanager.plugin_api_urlpatterns()]
    api = [
        path("v1/", include((v1, "v1"))),
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
    ]
    urlconf = types.ModuleType("plugin_api_urlconf")
    urlconf.urlpatterns = [
        path("api/", include((api, "api"))),
        *(p for p in project_urls.urlpatterns if not str(p.pattern).startswith("api/")),
    ]
    for name in ("handler403", "handler404", "handler500"):
        setattr(urlconf, name, getattr(project_urls, name))
    settings.ROOT_URLCONF = urlconf
    return urlconf


@pytest.fixture
def sample():
    get_resolver().url_patterns  # noqa: B018 (the project's URLconf loaded with every plugin first)
    pluginmanager.pm.register(sample_hooks, name="sample")
    yield sample_hooks
    pluginmanager.pm.unregister(sample_hooks)


def _paths(client) -> set[str]:
    answer = client.get("/api/schema/")
    assert answer.status_code == 200
    return set(yaml.safe_load(answer.content)["paths"])


def test_the_sample_plugins_endpoint_answers_and_is_in_the_schema(client, learner, sample, settings):
    _urlconf(settings)
    assert client.get("/api/v1/p/sample/hello/").json() == {"greeting": "Hello from the sample plugin, stranger"}
    assert bearer(learner).get("/api/v1/p/sample/hello/").json() == {"greeting": "Hello from the sample plugin, Asha"}
    schema = yaml.safe_load(client.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/p/sample/hello/"]["get"]
    assert (operation["operationId"], operation["tags"]) == ("sample_hello", ["sample"])
    assert "/api/v1/bookings/" in schema["paths"]  # core's own, beside it


def test_a_plugin_switched_off_leaves_the_api_and_its_schema(client, settings):
    if "forum" not in settings.PEERLEARN_PLUGINS:
        pytest.skip("the forum is not enabled in this run")
    get_resolver().url_patterns  # noqa: B018
    registered = pluginmanager.pm.list_name_plugin()
    after = registered[[name for name, _plugin in registered].index("forum") :]  # forum and those after it
    _urlconf(settings)
    assert any(p.startswith("/api/v1/p/forum/") for p in _paths(client))
    pluginmanager.pm.unregister(name="forum")
    try:
        _urlconf(settings)
        paths = _paths(client)
        assert not any(p.startswith("/api/v1/p/forum/") for p in paths)
        assert "/api/v1/bookings/" in paths
        assert client.get("/api/v1/p/forum/boards/").status_code == 404
    finally:  # back in the same order (pluggy calls the last registered first)
        for name, _plugin in after[1:]:
            pluginmanager.pm.unregister(name=name)
        for name, plugin in after:
            pluginmanager.pm.register(plugin, name=name)
    assert pluginmanager.pm.list_name_plugin() == registered
