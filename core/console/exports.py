"""The admin's lists as CSV, as they show: columns, amounts in rupees, formula-safe cells.

``display_for_field`` and ``label_for_field`` are Django admin's own, taught the ``_paise``
rule (core/admin_site.py puts them in the admin's lists and read-only forms). A list exports
the rows chosen at once up to ``EXPORT_NOW_MAX``; more go to a background export
(``ExportJob``) with its progress, which lands as a download for the staff member who asked.
"""

from __future__ import annotations

import csv
import html
import io
import pickle

from django.contrib import admin
from django.contrib.admin import utils
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import capfirst

from core.console.models import ExportJob, ExportStatus
from core.exports import row_neutralise
from core.money import format_inr

MONEY_SUFFIX = "_paise"
EXPORT_NOW_MAX = 2_000
PROGRESS_EVERY = 500

_display_for_field = utils.display_for_field
_label_for_field = utils.label_for_field


def display_for_field(value, field, empty_value_display, *args, **kwargs):
    """An amount in paise as rupees with Indian grouping; anything else as Django shows it."""
    if getattr(field, "name", "").endswith(MONEY_SUFFIX) and isinstance(value, int) and not isinstance(value, bool):
        return format_inr(value)
    return _display_for_field(value, field, empty_value_display, *args, **kwargs)


def label_for_field(name, model, model_admin=None, return_attr=False, form=None):
    """ "Amount (₹)" for ``amount_paise`` (unless the field has a verbose name of its own)."""
    label = _label_for_field(name, model, model_admin=model_admin, return_attr=return_attr, form=form)
    text, attr = label if return_attr else (label, None)
    if isinstance(name, str) and name.endswith(MONEY_SUFFIX) and str(text).lower().endswith(" paise"):
        text = str(text)[: -len(" paise")] + " (₹)"
    return (text, attr) if return_attr else text


def _columns(model_admin) -> list:
    return [name for name in model_admin.list_display if name != "action_checkbox"]


def header(model_admin, model) -> list[str]:
    return [capfirst(strip_tags(str(label_for_field(name, model, model_admin)))) for name in _columns(model_admin)]


def row(model_admin, obj) -> list[str]:
    empty = model_admin.get_empty_value_display()
    cells = []
    for name in _columns(model_admin):
        try:
            field, attr, value = utils.lookup_field(name, obj, model_admin)
        except (AttributeError, ObjectDoesNotExist):
            cells.append(empty)
            continue
        if field is None:
            text = utils.display_for_value(value, empty, getattr(attr, "boolean", False))
        else:
            text = display_for_field(value, field, empty)
        cells.append(html.unescape(strip_tags(str(text))))
    return cells


def csv_bytes(model_admin, queryset, *, on_progress=None) -> bytes:
    """The rows of ``queryset`` as the list shows them, in a CSV a spreadsheet opens right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(row_neutralise(header(model_admin, queryset.model)))
    for index, obj in enumerate(queryset, start=1):
        writer.writerow(row_neutralise(row(model_admin, obj)))
        if on_progress and index % PROGRESS_EVERY == 0:
            on_progress(index)
    return out.getvalue().encode("utf-8-sig")


def file_name(model) -> str:
    return f"{model._meta.label_lower.replace('.', '-')}-{timezone.now():%Y%m%d-%H%M}.csv"


def export_job_start(*, queryset, by) -> ExportJob:
    """A background export of ``queryset`` (the list's filters and choice, kept as its query)."""
    return ExportJob.objects.create(
        model=queryset.model._meta.label_lower,
        query=pickle.dumps(queryset.query),
        total_rows=queryset.count(),
        requested_by=by,
    )


def export_job_run(*, job_id: int) -> ExportJob:
    """Write the export, telling its progress as it goes; idempotent once done."""
    job = ExportJob.objects.get(pk=job_id)
    if job.status == ExportStatus.DONE:
        return job
    model = next(m for m in admin.site._registry if m._meta.label_lower == job.model)
    model_admin = admin.site._registry[model]
    queryset = model._default_manager.all()
    queryset.query = pickle.loads(bytes(job.query))  # noqa: S301 (our own query, see above)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, started_at=timezone.now())

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done_rows=done)

    try:
        content = csv_bytes(model_admin, queryset, on_progress=progress)
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=str(exc)[:300])
        raise
    job.refresh_from_db()
    job.file.save(file_name(model), ContentFile(content), save=False)
    ExportJob.objects.filter(pk=job.pk).update(
        file=job.file.name, status=ExportStatus.DONE, done_rows=job.total_rows, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job
