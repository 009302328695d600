"""Each state has one writer: a core app's models are created, updated and deleted only by that
app's own modules (docs/decisions/0008-state-changes-are-compare-and-swap.md). Another app that
needs a change asks the owner's services (``payment_release``, ``session_cancel_for_no_show``…)
or sends a signal the owner answers.

Read from the code, not run: every ``<Model>.objects…<write>()`` outside tests and migrations.
Models of other projects' apps (django-otp's devices, allauth's addresses) are not ours to order.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
WRITES = {"update", "create", "bulk_create", "get_or_create", "update_or_create", "delete", "bulk_update"}


def _owners() -> dict[str, str]:
    """Model class name -> the core app (``core.<app>``) that defines it."""
    return {
        model.__name__: model._meta.app_config.name
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("core.")
    }


def foreign_writes(source: str, *, app: str, owners: dict[str, str]) -> list[str]:
    """``Model.write (line)`` for each write in ``source`` (a module of ``app``) of a model that
    another core app owns."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES):
            continue
        if ".objects" not in ast.unparse(node.func):
            continue
        base = node.func.value
        while isinstance(base, ast.Call | ast.Attribute):
            base = base.func if isinstance(base, ast.Call) else base.value
        if isinstance(base, ast.Name) and base.id in owners and owners[base.id] != app:
            found.append(f"{base.id}.{node.func.attr} (line {node.lineno})")
    return found


def test_the_scan_finds_a_write_of_another_apps_model():
    owners = _owners()
    source = "def f(session):\n    MentoringSession.objects.filter(pk=session.pk).update(status='cancelled')\n"
    assert foreign_writes(source, app="core.room", owners=owners) == ["MentoringSession.update (line 2)"]
    assert foreign_writes(source, app="core.mentoring", owners=owners) == []


def test_every_core_model_is_written_by_its_own_app_only():
    owners = _owners()
    problems = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 3 or "tests" in parts or "migrations" in parts:
            continue
        app = f"core.{parts[1]}"
        problems += [
            f"{path.relative_to(ROOT)}: {write}" for write in foreign_writes(path.read_text(), app=app, owners=owners)
        ]
    assert not problems, "Writes of another app's state (ask its services instead):\n" + "\n".join(problems)
