"""Spreadsheet exports that a spreadsheet cannot turn into formulas.

Every CSV or spreadsheet PeerLearn produces (the mentor's earnings statement, the admin's
exports, the CMS's reports) sends its cells through ``cell_neutralise``: a text cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with an apostrophe, so a
learner named ``=HYPERLINK(...)`` is shown as text instead of running as a formula (OWASP's
advice on CSV injection). Plain numbers, negative ones too, are left alone.

django-import-export's own ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` only strips a leading
``=``, so the admin uses the format classes below instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats import base_formats

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def cell_neutralise(value):
    """``value`` as a spreadsheet will show it, never as a formula it would run."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def row_neutralise(values: Iterable) -> list:
    """A row of cells, each through ``cell_neutralise``."""
    return [cell_neutralise(value) for value in values]


class _Neutralising:
    """A django-import-export format whose every cell goes through ``cell_neutralise``."""

    def export_data(self, dataset, **kwargs):
        for index, row in enumerate(dataset):
            dataset[index] = row_neutralise(row)
        return super().export_data(dataset, **kwargs)


class CSV(_Neutralising, base_formats.CSV):
    pass


class TSV(_Neutralising, base_formats.TSV):
    pass


class XLSX(_Neutralising, base_formats.XLSX):
    pass


class ODS(_Neutralising, base_formats.ODS):
    pass


EXPORT_FORMATS = [fmt for fmt in (CSV, XLSX, TSV, ODS) if fmt.is_available()]


class NeutralisingExportMixin(ExportMixin):
    """The admin's export, offering only the formats above. Use it instead of ``ExportMixin``."""

    export_formats = EXPORT_FORMATS


class NeutralisingImportExportMixin(ImportExportMixin):
    """Import with django-import-export's own dry run first (a preview with each row's errors,
    then a confirmation) and the export above. For the records operators bulk-load."""

    export_formats = EXPORT_FORMATS
    import_formats = [base_formats.CSV, base_formats.XLSX]
