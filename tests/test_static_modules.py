"""Native ES modules survive ``collectstatic`` with the production storage: every relative
import in a collected module names a hashed file that was collected too, and the templates
load the entry modules as ``<script type="module">`` (the strict CSP allows them: same origin)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

STATIC = Path(__file__).resolve().parent.parent / "static"
TEMPLATES = STATIC.parent / "templates"
IMPORT_RE = re.compile(r"""^(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']""", re.MULTILINE)
HASHED_RE = re.compile(r"\.[0-9a-f]{12}\.js$")


def _modules() -> list[str]:
    """Our module files: those with an import or export statement."""
    found = []
    for path in sorted((STATIC / "js").rglob("*.js")):
        if re.search(r"^(?:import|export)\b", path.read_text(), re.MULTILINE):
            found.append(path.relative_to(STATIC).as_posix())
    return found


@pytest.mark.parametrize("storage", ["ModuleManifestStaticFilesStorage", "CompressedModuleManifestStaticFilesStorage"])
def test_module_imports_point_at_hashed_collected_files(tmp_path, storage):
    modules = _modules()
    assert {"js/socket.js", "js/live.js", "js/notifications.js", "js/room/main.js"} <= set(modules)
    with override_settings(
        STATIC_ROOT=str(tmp_path),
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": f"core.staticfiles.{storage}"},
        },
    ):
        call_command("collectstatic", "--no-input", verbosity=0)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    compressed = (tmp_path / f"{paths['js/room/main.js']}.gz").is_file()
    assert compressed == storage.startswith("Compressed")  # production's only: `make run` skips the work
    assert len(IMPORT_RE.findall((tmp_path / paths["js/room/main.js"]).read_text())) > 10
    for module in modules:
        hashed = tmp_path / paths[module]
        imports = IMPORT_RE.findall(hashed.read_text())
        source_imports = IMPORT_RE.findall((STATIC / module).read_text())
        assert len(imports) == len(source_imports), module
        for target in imports:
            assert target.startswith("."), f"{module} imports {target}: only relative imports of our own files"
            assert HASHED_RE.search(target), f"{module} still imports the unhashed {target}"
            assert (hashed.parent / target).resolve().is_file(), f"{module} imports {target}, which was not collected"


def test_templates_load_modules_as_modules():
    """A module loaded as a classic script fails on its first ``import``."""
    entries = {"js/live.js", "js/notifications.js", "js/room/main.js", "js/console.js"}
    tags = re.compile(r"<script\b([^>]*)\bsrc=\"\{% static '([^']+)' %\}\"([^>]*)>")
    seen = set()
    for template in TEMPLATES.rglob("*.html"):
        for before, src, after in tags.findall(template.read_text()):
            if src in entries:
                seen.add(src)
                assert 'type="module"' in before + after, f"{template}: {src} without type=module"
            else:
                assert src not in _modules(), f"{template} loads the module {src} directly"
    assert seen == entries
