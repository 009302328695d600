"""The plugin API documents itself: every signal has an ``on_`` hook, everything has a docstring."""

import inspect

import django.dispatch
import pluggy

from core import hooks


def _specs() -> dict:
    return {
        name: func
        for name, func in vars(hooks).items()
        if inspect.isfunction(func) and hasattr(func, f"{hooks.PROJECT_NAME}_spec")
    }


def _signals() -> dict:
    return {name: value for name, value in vars(hooks).items() if isinstance(value, django.dispatch.Signal)}


def test_every_signal_is_listed_with_its_arguments():
    assert set(_signals()) == set(hooks.SIGNAL_ARGS)


def test_every_signal_has_a_docstring_naming_its_arguments():
    source = inspect.getsource(hooks)
    for name, args in hooks.SIGNAL_ARGS.items():
        marker = f"{name} = django.dispatch.Signal()\n" + '"""'
        assert marker in source, f"signal {name} has no docstring right after it"
        docstring = source.split(marker, 1)[1].split('"""', 1)[0]
        for arg in args:
            assert f"``{arg}``" in docstring, f"signal {name}'s docstring does not name ``{arg}``"


def test_every_signal_has_an_on_hook_with_the_same_arguments():
    specs = _specs()
    for name, args in hooks.SIGNAL_ARGS.items():
        spec = specs.get(f"on_{name}")
        assert spec is not None, f"signal {name} has no on_{name} hook"
        assert tuple(inspect.signature(spec).parameters) == args


def test_every_hook_has_a_docstring():
    specs = _specs()
    assert len(specs) >= len(hooks.SIGNAL_ARGS) + 5
    for name, spec in specs.items():
        assert (spec.__doc__ or "").strip(), f"hook {name} has no docstring"


def test_markers_belong_to_the_peerlearn_project():
    assert isinstance(hooks.hookimpl, pluggy.HookimplMarker)
    assert hooks.hookimpl.project_name == "peerlearn"
    assert hooks.hookspec.project_name == "peerlearn"
