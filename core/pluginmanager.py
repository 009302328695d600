"""The one pluggy PluginManager, and the relay from domain signals to event hooks.

Plugins are ordinary Django apps under ``plugins/`` whose ``AppConfig`` has an inner
``PluginMeta`` class. They are installed (or not) by the ``PEERLEARN_PLUGINS`` setting;
core finds them in the app registry and never imports one by name. Each plugin's
``<app>.hooks`` module holds its ``@hookimpl`` functions.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from typing import Any

import pluggy
from django.apps import AppConfig, apps
from django.urls import include, path

from core import defaults, hooks

logger = logging.getLogger(__name__)

pm = pluggy.PluginManager(hooks.PROJECT_NAME)
pm.add_hookspecs(hooks)

_ready = False


def plugin_apps() -> list[AppConfig]:
    """Installed apps that declare themselves PeerLearn plugins, in settings order."""
    return [config for config in apps.get_app_configs() if hasattr(config, "PluginMeta")]


def setup() -> None:
    """Register core's defaults and every installed plugin, and connect the signal relay.

    Runs once from ``CoreConfig.ready()``. ``check_pending()`` makes a misspelt hookimpl
    fail at start-up instead of silently never being called.
    """
    global _ready
    if _ready:
        return
    pm.register(defaults, name="core.defaults")
    for config in plugin_apps():
        module = importlib.import_module(f"{config.name}.hooks")
        pm.register(module, name=config.label)
    pm.check_pending()
    for signal_name in hooks.SIGNAL_ARGS:
        signal = getattr(hooks, signal_name)
        signal.connect(_relay, dispatch_uid=f"peerlearn-relay-{signal_name}")
    _ready = True


def _relay(sender, signal, **kwargs) -> None:
    """Forward a domain signal to its ``on_<signal>`` hook."""
    name = _SIGNAL_NAMES[signal]
    call_each(f"on_{name}", **{arg: kwargs.get(arg) for arg in hooks.SIGNAL_ARGS[name]})


_SIGNAL_NAMES = {getattr(hooks, name): name for name in hooks.SIGNAL_ARGS}


def call_each(hook_name: str, **kwargs: Any) -> list[Any]:
    """Call every implementation of ``hook_name`` on its own, logging (not raising) failures.

    Used for event hooks, where a broken plugin must never undo the caller's work, and for
    contribution hooks, where a broken plugin must not take the page down.
    """
    results = []
    for impl in reversed(getattr(pm.hook, hook_name).get_hookimpls()):
        try:
            result = impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
        except Exception:
            logger.exception("Plugin %s failed in hook %s", impl.plugin_name, hook_name)
            continue
        if result is not None:
            results.append(result)
    return results


def collect(hook_name: str, **kwargs: Any) -> list[Any]:
    """Flatten the lists a contribution hook's implementations return."""
    items: list[Any] = []
    for result in call_each(hook_name, **kwargs):
        items.extend(result)
    return items


def plugin_urlpatterns() -> list:
    """Each plugin's URL patterns under ``p/<label>/``, namespaced by its label."""
    patterns = []
    for impl in pm.hook.urlpatterns.get_hookimpls():
        if impl.plugin_name == "core.defaults":
            continue
        label = impl.plugin_name
        patterns.append(path(f"p/{label}/", include((impl.function(), label), namespace=label)))
    return patterns


def enabled_plugins() -> Iterable[str]:
    """Labels of the registered plugins (core's defaults excluded)."""
    return [name for name, _ in pm.list_name_plugin() if name != "core.defaults"]
