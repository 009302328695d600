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


def test_every_signal_has_an_on_hook_and_every_on_hook_a_signal():
    """``SIGNAL_ARGS`` is read from the ``on_`` hooks, so this compares the signals declared
    with the events the hooks declare: one without the other fails."""
    assert set(_signals()) == set(hooks.SIGNAL_ARGS)
    assert {f"on_{name}" for name in _signals()} == {name for name in _specs() if name.startswith("on_")}


def test_signal_arguments_are_the_on_hooks_parameters():
    assert hooks.SIGNAL_ARGS["booking_rejected"] == ("booking", "reason")
    assert hooks.SIGNAL_ARGS["withdrawal_settled"] == ("withdrawal", "payout_status")
    for name, args in hooks.SIGNAL_ARGS.items():
        assert tuple(inspect.signature(_specs()[f"on_{name}"]).parameters) == args


def test_every_signal_has_a_docstring_naming_its_arguments():
    source = inspect.getsource(hooks)
    for name, args in hooks.SIGNAL_ARGS.items():
        marker = f"{name} = django.dispatch.Signal()\n" + '"""'
        assert marker in source, f"signal {name} has no docstring right after it"
        docstring = source.split(marker, 1)[1].split('"""', 1)[0]
        for arg in args:
            assert f"``{arg}``" in docstring, f"signal {name}'s docstring does not name ``{arg}``"


def test_every_hook_has_a_docstring():
    specs = _specs()
    assert len(specs) >= len(hooks.SIGNAL_ARGS) + 5
    for name, spec in specs.items():
        assert (spec.__doc__ or "").strip(), f"hook {name} has no docstring"


def test_markers_belong_to_the_peerlearn_project():
    assert isinstance(hooks.hookimpl, pluggy.HookimplMarker)
    assert hooks.hookimpl.project_name == "peerlearn"
    assert hooks.hookspec.project_name == "peerlearn"
