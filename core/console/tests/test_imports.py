"""Imports operators really bulk-load (topics vocabulary, mentor invitations, badge rules in the
gamification plugin): a dry-run preview with each row's errors, nothing saved until confirmed.
And every admin list exports the rows it shows."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from core import hooks
from core.audit.models import AuditEvent
from core.console.models import MentorInvitation
from core.users.models import MentorProfile, Topic, User
from core.users.suggestions import suggest_term
from core.users.tests.factories import user_make
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db

CSV_FORMAT = "0"  # the import form's first format: CSV


@pytest.fixture
def staff_client(client, staff):
    force_login_verified(client, staff)
    return client


def _csv(rows: list[list[str]]) -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile("rows.csv", out.getvalue().encode(), content_type="text/csv")


def _preview(client, url: str, rows: list[list[str]]):
    return client.post(f"{url}import/", {"import_file": _csv(rows), "format": CSV_FORMAT, "resource": "0"})


def _confirm(client, url: str, preview):
    form = preview.context["confirm_form"]
    return client.post(
        f"{url}process_import/", {name: form.initial[name] for name in form.fields if name in form.initial}
    )


def test_a_topics_import_previews_row_errors_and_saves_only_when_confirmed(staff_client):
    url = "/admin/users/topic/"
    bad = _preview(staff_client, url, [["name", "domain"], ["Zig Language", "Programming"], ["Knitting", "Cooking"]])
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "Choose one of Programming" in page  # the row's error, before anything is saved
    assert "confirm_form" not in bad.context or bad.context.get("confirm_form") is None
    assert not Topic.objects.filter(name="Zig Language").exists()

    good = _preview(staff_client, url, [["name", "domain"], ["Zig Language", "Programming"], ["Python", "Programming"]])
    assert not Topic.objects.filter(name="Zig Language").exists()  # a preview saves nothing
    assert _confirm(staff_client, url, good).status_code == 302
    assert Topic.objects.get(name="Zig Language").domain == "Programming"
    assert Topic.objects.get(name="Python").domain == "Programming"  # an existing word, updated
    assert suggest_term("Zig Langauge") == "Zig Language"  # suggestions read the new vocabulary at once


def test_mentor_invitations_are_imported_then_emailed_and_an_invited_mentor_is_approved(
    staff_client, staff, django_capture_on_commit_callbacks
):
    url = "/admin/console/mentorinvitation/"
    bad = _preview(staff_client, url, [["email", "name", "note"], ["not-an-address", "X", ""]])
    assert "Enter a valid email address" in bad.content.decode()
    rows = [["email", "name", "note"], ["Meera@Example.com", "Meera Iyer", "Your SQL talk was great."],
            ["ravi@example.com", "Ravi", ""]]  # fmt: skip
    good = _preview(staff_client, url, rows)
    assert not mail.outbox and not MentorInvitation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert _confirm(staff_client, url, good).status_code == 302
    invitation = MentorInvitation.objects.get(email="meera@example.com")
    assert invitation.invited_by == staff and invitation.sent_at is not None
    assert sorted(message.to[0] for message in mail.outbox) == ["meera@example.com", "ravi@example.com"]
    assert "Your SQL talk was great." in mail.outbox[0].body + mail.outbox[1].body

    meera = user_make(email="meera@example.com", name="Meera Iyer", role="mentor")
    hooks.user_registered.send(sender=User, user=meera)
    assert MentorProfile.objects.get(user=meera).is_approved
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.user == meera
    assert AuditEvent.objects.filter(action="accept invitation").exists()
    learner = user_make(email="ravi@example.com", name="Ravi", role="learner")
    hooks.user_registered.send(sender=User, user=learner)  # joined as a learner: nothing to approve
    assert MentorInvitation.objects.get(email="ravi@example.com").accepted_at is None


def test_every_admin_list_exports_what_it_shows(staff_client, learner):
    response = staff_client.post(
        "/admin/users/user/", {"action": "export_selected_csv", "_selected_action": [learner.pk]}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Email address", "Name"]
    assert rows[1][0] == learner.email
    topics = staff_client.post(
        "/admin/users/topic/",
        {"action": "export_selected_csv", "_selected_action": list(Topic.objects.values_list("pk", flat=True)[:3])},
    )
    assert len(list(csv.reader(io.StringIO(topics.content.decode("utf-8-sig"))))) == 4


def test_a_hostile_name_exports_as_text(staff_client):
    person = user_make(email="evil@example.com", name='=HYPERLINK("http://x")', role="learner")
    response = staff_client.post(
        "/admin/users/user/", {"action": "export_selected_csv", "_selected_action": [person.pk]}
    )
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def test_a_long_export_runs_in_the_background_and_lands_as_a_download(
    client, staff, learner, other_learner, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    from core.console import exports
    from core.console.models import ExportJob
    from core.users.services import staff_user_create
    from core.users.tests.factories import PASSWORD

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)  # exports are private files
    monkeypatch.setattr(exports, "EXPORT_NOW_MAX", 1)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    force_login_verified(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/admin/users/user/",
            {"action": "export_selected_csv", "_selected_action": [learner.pk, other_learner.pk]},
            follow=True,
        )
    assert "in the background" in started.content.decode()
    job = ExportJob.objects.get()
    assert (job.status, job.total_rows, job.done_rows, job.percent) == ("done", 2, 2, 100)
    listing = client.get("/admin/console/exportjob/").content.decode()
    assert 'value="100"' in listing and "Download CSV" in listing
    download = client.get(f"/admin/console/exportjob/{job.pk}/download/")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == sorted([learner.email, other_learner.email])
    # Someone else's export is not theirs to download.
    other, _ = staff_user_create(email="sam@example.com", name="Sam", password=PASSWORD, superuser=False,
                                 roles=("Support",))  # fmt: skip
    client.logout()
    force_login_verified(client, other)
    assert client.get(f"/admin/console/exportjob/{job.pk}/download/").status_code == 404
    assert "Download CSV" not in client.get("/admin/console/exportjob/").content.decode()
