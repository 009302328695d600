from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Landing pages"

    def ready(self) -> None:
        from cms import signals  # noqa: F401

        _neutralise_wagtail_spreadsheets()


def _neutralise_wagtail_spreadsheets() -> None:
    """Wagtail's CSV and XLSX exports (reports such as Site history, which names people, the
    redirects, form submissions) write cells as they are; send each through the one function
    every PeerLearn export uses, so that no cell runs as a formula (see ``core.exports``)."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    from core.exports import cell_neutralise

    preprocess = SpreadsheetExportMixin.preprocess_field_value
    if getattr(preprocess, "neutralises_formulas", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        return cell_neutralise(preprocess(self, field, value, export_format))

    preprocess_field_value.neutralises_formulas = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
