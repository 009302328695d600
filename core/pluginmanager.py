"""The one pluggy PluginManager, the relay from domain signals to event hooks, and how core
calls hooks.

Plugins are ordinary Django apps under ``plugins/`` whose ``AppConfig`` has an inner
``PluginMeta`` class. They are installed (or not) by the ``PEERLEARN_PLUGINS`` setting;
core finds them in the app registry and never imports one by name. Each plugin's
``<app>.hooks`` module holds its ``@hookimpl`` functions.

Every hook call goes through pluggy's own call path (so ``pm.add_hookcall_monitoring``
sees it: ``PEERLEARN_TRACE_HOOKS=1`` logs each call), one plugin at a time through
``pm.subset_hook_caller``: a plugin that raises is logged and skipped, and the others, and
the caller's own work (a payment, a page), go on.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import logging
import reprlib
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pluggy
from django.apps import AppConfig, apps
from django.conf import settings
from django.urls import include, path

from core import defaults, hooks

logger = logging.getLogger(__name__)
trace_logger = logging.getLogger(f"{__name__}.trace")

pm = pluggy.PluginManager(hooks.PROJECT_NAME)
pm.add_hookspecs(hooks)

CORE_DEFAULTS = "core.defaults"

_ready = False


def plugin_apps() -> list[AppConfig]:
    """Installed apps that declare themselves PeerLearn plugins, in settings order."""
    return [config for config in apps.get_app_configs() if hasattr(config, "PluginMeta")]


def setup() -> None:
    """Register core's defaults and every installed plugin, and connect the signal relay.

    Runs once from ``CoreConfig.ready()``. ``check_pending()`` makes a misspelt hookimpl
    fail at start-up instead of silently never being called. With ``PEERLEARN_TRACE_HOOKS``
    on, every hook call is logged from here on.
    """
    global _ready
    if _ready:
        return
    pm.register(defaults, name=CORE_DEFAULTS)
    for config in plugin_apps():
        module = importlib.import_module(f"{config.name}.hooks")
        pm.register(module, name=config.label)
    pm.check_pending()
    for signal_name in hooks.SIGNAL_ARGS:
        signal = getattr(hooks, signal_name)
        signal.connect(_relay, dispatch_uid=f"peerlearn-relay-{signal_name}")
    if getattr(settings, "PEERLEARN_TRACE_HOOKS", False):
        trace_enable()
    _ready = True


def _relay(sender, signal, **kwargs) -> None:
    """Forward a domain signal to its ``on_<signal>`` hook."""
    name = _SIGNAL_NAMES[signal]
    call_each(f"on_{name}", **{arg: kwargs.get(arg) for arg in hooks.SIGNAL_ARGS[name]})


_SIGNAL_NAMES = {getattr(hooks, name): name for name in hooks.SIGNAL_ARGS}


# --- Calling hooks ---------------------------------------------------------------------------


def _callers(hook_name: str) -> Iterator[tuple[str, pluggy.HookCaller]]:
    """``(plugin name, a hook caller holding only that plugin's implementation)`` for each
    implementation of ``hook_name``, in the order pluggy would call them."""
    impls = getattr(pm.hook, hook_name).get_hookimpls()
    for impl in reversed(impls):  # pluggy calls the last registered first (tryfirst/trylast kept)
        others = [other.plugin for other in impls if other.plugin is not impl.plugin]
        yield impl.plugin_name, pm.subset_hook_caller(hook_name, remove_plugins=others)


def _is_firstresult(hook_name: str) -> bool:
    spec = getattr(pm.hook, hook_name).spec
    return bool(spec and spec.opts.get("firstresult"))


def call_each(hook_name: str, **kwargs: Any) -> list[Any]:
    """Call every implementation of ``hook_name`` on its own, logging (not raising) failures;
    the results that are not None, in call order.

    Used for event hooks, where a broken plugin must never undo the caller's work, and for
    contribution hooks, where a broken plugin must not take the page down.
    """
    firstresult = _is_firstresult(hook_name)
    results: list[Any] = []
    for plugin_name, caller in _callers(hook_name):
        try:
            answer = caller(**kwargs)
        except Exception:
            logger.exception("Plugin %s failed in hook %s", plugin_name, hook_name)
            continue
        if firstresult:
            if answer is not None:
                results.append(answer)
        else:
            results.extend(answer)  # pluggy's list of the one implementation's non-None result
    return results


def call_first(hook_name: str, **kwargs: Any) -> Any:
    """The first answer (not None) to a ``firstresult`` hook such as ``recommended_sessions``,
    in pluggy's order; a plugin that raises is logged and the next one asked."""
    for plugin_name, caller in _callers(hook_name):
        try:
            answer = caller(**kwargs)
        except Exception:
            logger.exception("Plugin %s failed in hook %s", plugin_name, hook_name)
            continue
        if answer is not None:
            return answer
    return None


def collect(hook_name: str, **kwargs: Any) -> list[Any]:
    """Flatten the lists a contribution hook's implementations return."""
    items: list[Any] = []
    for result in call_each(hook_name, **kwargs):
        items.extend(result)
    return items


def collect_by_plugin(hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """``(plugin label, item)`` for each item of the lists a contribution hook's implementations
    return, in call order: for contributions core keeps apart per plugin (``notification_kinds``
    are namespaced by their plugin's label). A plugin that raises is logged and skipped."""
    items: list[tuple[str, Any]] = []
    for plugin_name, caller in _callers(hook_name):
        try:
            answers = caller(**kwargs)
        except Exception:
            logger.exception("Plugin %s failed in hook %s", plugin_name, hook_name)
            continue
        for answer in answers:  # pluggy's list of the one implementation's non-None result
            items.extend((plugin_name, item) for item in answer)
    return items


def plugin_display_name(label: str) -> str:
    """What people read for a plugin: its ``PluginMeta.name`` ("Gifting"), else its label in words."""
    config = next((config for config in plugin_apps() if config.label == label), None)
    name = str(getattr(config.PluginMeta, "name", "") or "") if config is not None else ""
    return name or label.replace("_", " ").replace("-", " ").capitalize()


def _plugin_packages() -> dict[str, str]:
    """``{label: the package (or module) of its code}`` for each registered plugin module: a
    plugin's ``hooks`` module speaks for its whole package (``plugins.gifting``)."""
    packages = {}
    for name, plugin in pm.list_name_plugin():
        if name == CORE_DEFAULTS or not isinstance(plugin, types.ModuleType):
            continue
        module = plugin.__name__
        packages[name] = module.rpartition(".")[0] if module.endswith(".hooks") else module
    return packages


def plugin_calling() -> str | None:
    """The label of the enabled plugin whose code is nearest on the call stack (the plugin that
    called the facade function asking), or None when no plugin's code is on it."""
    packages = _plugin_packages()
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__") or ""
        for name, package in packages.items():
            if module == package or module.startswith(f"{package}."):
                return name
        frame = frame.f_back
    return None


def badges_for(users: Sequence) -> dict[int, list[hooks.Badge]]:
    """``{user_id: [Badge, ...]}`` from every plugin's ``profile_badges``, in one call each."""
    badges: dict[int, list[hooks.Badge]] = {}
    for result in call_each("profile_badges", users=list(users)):
        for user_id, items in result.items():
            badges.setdefault(user_id, []).extend(items)
    return badges


def plugin_urlpatterns() -> list:
    """Each plugin's URL patterns under ``p/<label>/``, namespaced by its label."""
    patterns = []
    for label, caller in _callers("urlpatterns"):
        if label == CORE_DEFAULTS:
            continue
        for found in caller():
            patterns.append(path(f"p/{label}/", include((found, label), namespace=label)))
    return patterns


def plugin_api_urlpatterns() -> list:
    """Each plugin's API endpoints under ``p/<label>/`` of ``/api/v1/``, namespaced by its label."""
    patterns = []
    for label, caller in _callers("api_urlpatterns"):
        if label == CORE_DEFAULTS:
            continue
        for found in caller():
            patterns.append(path(f"p/{label}/", include((found, label), namespace=label)))
    return patterns


def enabled_plugins() -> Iterable[str]:
    """Labels of the registered plugins (core's defaults excluded)."""
    return [name for name, _ in pm.list_name_plugin() if name != CORE_DEFAULTS]


# --- Tracing -------------------------------------------------------------------------------------

_short = reprlib.Repr()
_short.maxstring = _short.maxother = 120


def _arguments(kwargs: dict) -> str:
    return ", ".join(f"{name}={_short.repr(value)}" for name, value in kwargs.items())


def trace_enable(log: Callable[..., None] | None = None) -> Callable[[], None]:
    """Log every hook call (``PEERLEARN_TRACE_HOOKS=1``): hook, plugin, arguments, then the
    result or the exception, on the ``core.pluginmanager.trace`` logger at INFO. Returns the
    function that turns tracing off again (pluggy's undo)."""
    log = log or trace_logger.info

    def before(hook_name: str, impls: Sequence[pluggy.HookImpl], kwargs: dict) -> None:
        names = ",".join(impl.plugin_name for impl in impls)
        log("hook %s [%s] called with %s", hook_name, names, _arguments(kwargs))

    def after(outcome: pluggy.Result, hook_name: str, impls: Sequence[pluggy.HookImpl], kwargs: dict) -> None:
        names = ",".join(impl.plugin_name for impl in impls)
        if outcome.exception is not None:
            log("hook %s [%s] raised %r", hook_name, names, outcome.exception)
        else:
            log("hook %s [%s] returned %s", hook_name, names, _short.repr(outcome.get_result()))

    undo = pm.add_hookcall_monitoring(before, after)
    _tracers.append(undo)

    def stop() -> None:
        undo()
        _tracers.remove(undo)

    return stop


_tracers: list[Callable[[], None]] = []


def tracing_is_on() -> bool:
    """Whether hook calls are being logged (``trace_enable``)."""
    return bool(_tracers)


# --- What the staff page lists ----------------------------------------------------------------------


@dataclass(frozen=True)
class PluginInfo:
    """One plugin of ``settings.ALL_PLUGINS``, as the staff page lists it."""

    label: str
    name: str
    version: str
    description: str
    author: str
    url: str
    category: str
    is_enabled: bool
    hooks: tuple[str, ...]  # the hooks it implements


META_FIELDS = ("name", "version", "description", "author", "url", "category")


def _package_dir(label: str) -> Path | None:
    spec = importlib.util.find_spec(f"plugins.{label}")
    return Path(spec.origin).parent if spec and spec.origin else None


def _read_disabled(label: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """A disabled plugin's ``PluginMeta`` strings and ``@hookimpl`` function names, read from
    its source without importing it (its models are not installed)."""
    folder = _package_dir(label)
    meta: dict[str, str] = {}
    implemented: list[str] = []
    if folder is None:
        return meta, ()
    apps_file, hooks_file = folder / "apps.py", folder / "hooks.py"
    if apps_file.exists():
        for node in ast.walk(ast.parse(apps_file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name == "PluginMeta":
                for item in node.body:
                    if (
                        isinstance(item, ast.Assign)
                        and isinstance(item.value, ast.Constant)
                        and isinstance(item.value.value, str)
                    ):
                        for target in item.targets:
                            if isinstance(target, ast.Name):
                                meta[target.id] = item.value.value
    if hooks_file.exists():
        for node in ast.parse(hooks_file.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and any(
                "hookimpl" in ast.unparse(decorator) for decorator in node.decorator_list
            ):
                implemented.append(node.name)
    return meta, tuple(sorted(implemented))


def plugin_infos() -> list[PluginInfo]:
    """Every plugin the project ships (``ALL_PLUGINS``): its metadata, whether it is enabled,
    and the hooks it implements (from pluggy when enabled, from its source when not)."""
    configs = {config.label: config for config in plugin_apps()}
    infos = []
    for label in settings.ALL_PLUGINS:
        config = configs.get(label)
        plugin = pm.get_plugin(label)
        if config is not None and plugin is not None:
            meta = {field: str(getattr(config.PluginMeta, field, "")) for field in META_FIELDS}
            implemented = tuple(sorted(caller.name for caller in pm.get_hookcallers(plugin) or ()))
        else:
            meta, implemented = _read_disabled(label)
        infos.append(
            PluginInfo(
                label=label,
                name=meta.get("name") or label,
                version=meta.get("version", ""),
                description=meta.get("description", ""),
                author=meta.get("author", ""),
                url=meta.get("url", ""),
                category=meta.get("category", ""),
                is_enabled=plugin is not None,
                hooks=implemented,
            )
        )
    return infos
