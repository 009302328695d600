"""The decision records in docs/decisions/ are the ones the code cites.

Comments cite a record by its path (``docs/decisions/0003-capture-on-accept.md``). These tests
fail when a file cites a record that does not exist, when anything still cites the spec's
decisions file from outside the repository, when a record is missing from the index or
lacks one of its sections, or when a record names a path of the repository (in backticks, such
as `core/room/views.py` in its "Where in the code") that does not exist: a move changes the
records in the same commit.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORDS = ROOT / "docs" / "decisions"
SKIP_DIRS = {".git", ".venv", "node_modules", "staticfiles", "media", "private-media", "__pycache__"}
SKIP_DIRS |= {".pytest_cache", ".ruff_cache", ".mypy_cache"}

# Written so that this file does not match itself.
OUTSIDE = re.compile(r"DECISIONS\.md")
CITATION = re.compile(r"docs/decisions/([A-Za-z0-9_.-]+\.md)")
RECORD_NAME = re.compile(r"^(\d{4})-[a-z0-9-]+\.md$")
SECTIONS = ("## Context", "## Decision", "## Consequences", "## Where in the code")
# A path of the repository in backticks: `core/room/views.py`, `core/testmode/`, `plugins/*/hooks.py`.
REPO_PATH = re.compile(r"`([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.*-]+)+/?)`")


def _text_files():
    """Every text file of the repository (binary files and generated folders are skipped)."""
    stack = [ROOT]
    while stack:
        folder = stack.pop()
        for path in sorted(folder.iterdir()):
            if path.is_dir():
                if path.name not in SKIP_DIRS and not path.is_symlink():
                    stack.append(path)
                continue
            if not path.is_file() or path.stat().st_size > 2_000_000:
                continue
            try:
                yield path, path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue


def _lines_matching(pattern: re.Pattern):
    for path, text in _text_files():
        for number, line in enumerate(text.splitlines(), start=1):
            for match in pattern.finditer(line):
                yield f"{path.relative_to(ROOT)}:{number}", match


def _records() -> list[Path]:
    return sorted(path for path in RECORDS.glob("*.md") if path.name != "README.md")


def test_nothing_cites_a_decisions_file_outside_the_repository():
    found = [where for where, _ in _lines_matching(OUTSIDE)]
    assert found == [], "Cite a record under docs/decisions/ instead: " + ", ".join(found)


def test_every_cited_record_exists():
    missing = [
        f"{where} cites {match.group(0)}"
        for where, match in _lines_matching(CITATION)
        if not (RECORDS / match.group(1)).is_file()
    ]
    assert missing == [], "No such decision record: " + "; ".join(missing)


def test_records_are_numbered_once_each_in_order():
    names = [path.name for path in _records()]
    assert names, "docs/decisions/ holds no records"
    bad = [name for name in names if not RECORD_NAME.match(name)]
    assert bad == [], f"Records are named NNNN-lowercase-title.md: {bad}"
    numbers = [int(RECORD_NAME.match(name).group(1)) for name in names]
    assert numbers == list(range(1, len(numbers) + 1)), f"Numbers run 1, 2, 3… without gaps or repeats: {names}"


@pytest.mark.parametrize("record", _records(), ids=lambda path: path.name)
def test_each_record_has_its_sections_and_an_index_line(record: Path):
    text = record.read_text(encoding="utf-8")
    assert text.startswith(f"# {int(record.name[:4])}. "), "A record's title starts with its number"
    missing = [section for section in SECTIONS if f"\n{section}\n" not in text]
    assert missing == [], f"{record.name} lacks {missing}"
    index = (RECORDS / "README.md").read_text(encoding="utf-8")
    assert f"]({record.name})" in index, f"docs/decisions/README.md does not list {record.name}"


def test_the_index_links_only_to_records_that_exist():
    index = (RECORDS / "README.md").read_text(encoding="utf-8")
    linked = re.findall(r"\]\(([^)]+\.md)\)", index)
    assert linked
    assert [name for name in linked if not (RECORDS / name).is_file()] == []


def _top_level() -> set[str]:
    return {path.name for path in ROOT.iterdir()}


def _repo_paths(text: str) -> list[str]:
    """The backticked paths of ``text`` that start at a folder or file of the repository's root
    (so `Asia/Kolkata` and URLs are not taken for paths)."""
    return [path for path in REPO_PATH.findall(text) if path.split("/")[0] in _top_level()]


def _exists(path: str) -> bool:
    return any(ROOT.glob(path)) if "*" in path else (ROOT / path).exists()


@pytest.mark.parametrize("record", _records(), ids=lambda path: path.name)
def test_every_path_a_record_names_exists(record: Path):
    paths = _repo_paths(record.read_text(encoding="utf-8"))
    assert paths or record.name == "README.md"
    missing = [path for path in paths if not _exists(path)]
    assert missing == [], f"{record.name} names paths that are not in the repository: {missing}"


def test_the_path_check_sees_a_missing_path():
    text = "- `core/room/views.py`: the room; `core/room/nowhere.py`; `Asia/Kolkata`; `/sessions/<pk>/`."
    assert _repo_paths(text) == ["core/room/views.py", "core/room/nowhere.py"]
    assert [path for path in _repo_paths(text) if not _exists(path)] == ["core/room/nowhere.py"]
