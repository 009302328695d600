"""Editors change the landing page in /cms/ and cannot enter Django admin."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import LandingPage
from cms.services import editor_create
from core.audit.models import AuditEvent
from core.users.tests.factories import PASSWORD
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return editor_create(email="editor@example.com", name="Esha Editor", password=PASSWORD)


def test_an_editor_changes_the_hero_and_it_is_on_the_landing(client, editor):
    landing = LandingPage.objects.get()
    force_login_verified(client, editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[landing.pk])
    assert client.get(edit_url).status_code == 200

    data = nested_form_data(
        {
            "title": landing.title,
            "slug": landing.slug,
            "body": streamfield(
                [
                    (
                        "hero",
                        {
                            "heading": "Mentors who answer your exact question",
                            "text": "Edited in the CMS.",
                            "primary_label": "Start learning",
                            "secondary_label": "Teach on PeerLearn",
                            "highlights": {"count": 0},
                        },
                    ),
                    ("text", rich_text("<p>Written by an editor.</p>")),
                ]
            ),
            "action-publish": "action-publish",
        }
    )
    response = client.post(edit_url, data, REMOTE_ADDR="203.0.113.40")
    assert response.status_code == 302, response.content.decode()[:2000]

    # In the audit trail: who published what, from where.
    published = AuditEvent.objects.get(action="cms wagtail.publish", actor=editor)
    assert (published.actor, published.ip_address, published.source) == (editor, "203.0.113.40", "cms")
    assert published.object_id == str(landing.pk)

    client.logout()
    cache.clear()
    page = client.get("/").content.decode()
    assert "Mentors who answer your exact question" in page
    assert "Start learning" in page
    assert "Written by an editor." in page


def test_an_editor_cannot_open_django_admin(client, editor):
    force_login_verified(client, editor)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/users/user/").status_code == 302


def test_an_editor_lands_in_the_cms_after_login_once_two_factor_is_set_up(client, editor, password):
    response = client.post(reverse("account_login"), {"login": editor.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/cms/"
    # No authenticator app yet: the Security tab first, where setting one up passes the check.
    assert client.get("/cms/")["Location"] == "/profile/security/#two-factor"
    client.post("/profile/security/", {"action": "totp-start"})
    device = TOTPDevice.objects.get(user=editor)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post("/profile/security/", {"action": "totp-confirm", "totp-token": code})
    assert client.get("/cms/").status_code == 200


def test_learners_and_mentors_cannot_open_the_cms(client, learner, mentor):
    for person in (learner, mentor):
        client.force_login(person)
        assert client.get("/cms/").status_code == 302


def test_the_command_creates_an_editor():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("create_cms_editor", email="Ravi@Example.com", name="Ravi", password=PASSWORD, stdout=out)
    assert "ravi@example.com can now edit pages at /cms/." in out.getvalue()
