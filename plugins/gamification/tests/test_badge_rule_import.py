"""Staff import badge rules with a dry-run preview (``plugin_api.AdminImportExport``)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.users.tests.helpers import force_login_verified
from plugins.gamification.models import BadgeRule

pytestmark = pytest.mark.django_db
URL = "/admin/gamification/badgerule/"


def _upload(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile("rules.csv", out.getvalue().encode(), content_type="text/csv")


def test_a_badge_rule_import_previews_then_saves(client, staff):
    force_login_verified(client, staff)
    header = [
        "key",
        "name",
        "description",
        "icon",
        "kind",
        "audience",
        "threshold",
        "min_average",
        "is_active",
        "order",
    ]
    kind = BadgeRule.Kind.values[0]
    audience = BadgeRule.Audience.values[0]
    bad_row = ["x-1", "X", "", "", "nonsense", audience, "1", "", "1", "9"]
    wrong = client.post(f"{URL}import/", {"import_file": _upload([header, bad_row]), "format": "0", "resource": "0"})
    assert wrong.status_code == 200 and wrong.context.get("confirm_form") is None
    row = ["marathon", "{topic} Marathon", "Fifty sessions", "", kind, audience, "50", "", "1", "90"]
    preview = client.post(f"{URL}import/", {"import_file": _upload([header, row]), "format": "0", "resource": "0"})
    assert not BadgeRule.objects.filter(key="marathon").exists()
    form = preview.context["confirm_form"]
    done = client.post(
        f"{URL}process_import/", {name: form.initial[name] for name in form.fields if name in form.initial}
    )
    assert done.status_code == 302
    assert BadgeRule.objects.get(key="marathon").threshold == 50
