"""Logging in: role dashboards, ``next``, one answer for bad credentials, lockout, password reset."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.users.adapter import AccountAdapter
from core.users.tests.factories import user_make
from core.users.tests.helpers import code_from_outbox

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")
MISMATCH = AccountAdapter.error_messages["email_password_mismatch"]


def _login(client, email, password, ip="127.0.0.1", **extra):
    return client.post(LOGIN_URL, {"login": email, "password": password, **extra}, REMOTE_ADDR=ip)


def _logged_in_as(client):
    return client.session.get("_auth_user_id")


def _rewind_lockouts(minutes: int) -> None:
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


def test_login_page_renders(client):
    assert client.get(LOGIN_URL).status_code == 200


@pytest.mark.parametrize(
    ("persona", "dashboard"), [("learner", "/dashboard/learner/"), ("mentor", "/dashboard/mentor/")]
)
def test_login_lands_on_the_role_dashboard(client, password, persona, dashboard, request):
    user = request.getfixturevalue(persona)

    response = _login(client, user.email, password)

    assert response.status_code == 302
    assert response["Location"] == dashboard
    assert _logged_in_as(client) == str(user.pk)
    assert client.get(dashboard).status_code == 200


def test_login_email_is_case_insensitive(client, learner, password):
    response = _login(client, "  ASHA@Example.com ", password)

    assert response.status_code == 302
    assert _logged_in_as(client) == str(learner.pk)


def test_login_respects_next(client, learner, password):
    response = _login(client, learner.email, password, next="/accounts/email/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/email/"


def test_login_ignores_next_to_another_site(client, learner, password):
    response = _login(client, learner.email, password, next="https://evil.example.net/")

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/learner/"


def test_dashboard_redirect_sends_to_own_dashboard(client, mentor):
    client.force_login(mentor)

    response = client.get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/mentor/"


def test_wrong_password_and_unknown_email_get_the_same_answer(client, learner):
    wrong_password = _login(client, learner.email, "not-the-password")
    unknown_email = _login(client, "nobody@example.com", "not-the-password")

    assert wrong_password.status_code == unknown_email.status_code == 200
    assert wrong_password.context["form"].non_field_errors() == [MISMATCH]
    assert unknown_email.context["form"].non_field_errors() == [MISMATCH]
    assert wrong_password.context["form"].errors == unknown_email.context["form"].errors
    assert _logged_in_as(client) is None


def test_blocked_account_cannot_log_in(client, learner, password):
    learner.is_active = False
    learner.save(update_fields=["is_active"])

    response = _login(client, learner.email, password)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    assert _logged_in_as(client) is None
    assert client.get("/dashboard/learner/").status_code == 302


def test_unconfirmed_address_must_be_confirmed_first(client, password):
    user = user_make(email="new@example.com", registered=False)
    user.emailaddress_set.update(verified=False)

    response = _login(client, user.email, password)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _logged_in_as(client) is None


# --- Lockout (django-axes) ------------------------------------------------------------------


def _fail(client, email, times, ip="127.0.0.1"):
    return [_login(client, email, "wrong-password-123", ip=ip) for _ in range(times)]


def test_four_failures_do_not_lock(client, learner, password):
    responses = _fail(client, learner.email, 4)

    assert [r.status_code for r in responses] == [200] * 4
    assert _login(client, learner.email, password).status_code == 302


def test_five_failures_lock_the_account_for_fifteen_minutes(client, learner, password):
    responses = _fail(client, learner.email, 5)

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "account/lockout.html" in [t.name for t in responses[-1].templates]
    assert _fail(client, learner.email, 1)[0].status_code == 429

    # Even the right password is refused while locked.
    response = _login(client, learner.email, password)
    assert response.status_code == 429
    assert _logged_in_as(client) is None


def test_the_lock_holds_the_account_from_that_address_only(client, learner, password):
    _fail(client, learner.email, 5, ip="10.0.0.1")

    assert _login(client, learner.email, password, ip="10.0.0.1").status_code == 429
    # From elsewhere the same person still logs in: a stranger cannot lock them out.
    response = _login(client, learner.email, password, ip="10.0.0.2")
    assert response.status_code == 302
    assert _logged_in_as(client) == str(learner.pk)


def test_one_person_cannot_lock_out_another_from_the_same_address(client, learner, other_learner, password):
    _fail(client, learner.email, 5, ip="10.0.0.1")

    response = _login(client, other_learner.email, password, ip="10.0.0.1")

    assert response.status_code == 302
    assert _logged_in_as(client) == str(other_learner.pk)


def test_other_accounts_from_other_addresses_are_not_locked(client, learner, other_learner, password):
    _fail(client, learner.email, 5, ip="10.0.0.1")

    response = _login(client, other_learner.email, password, ip="10.0.0.2")

    assert response.status_code == 302
    assert _logged_in_as(client) == str(other_learner.pk)


@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=12)
def test_an_address_guessing_across_accounts_is_stopped_at_its_own_limit(client, learner, password):
    for n in range(11):  # each account below its own five
        _login(client, f"nobody{n}@example.com", "wrong-password-123", ip="10.0.0.9")
    assert _login(client, learner.email, password, ip="10.0.0.9").status_code == 302
    client.logout()

    last = _login(client, "nobody11@example.com", "wrong-password-123", ip="10.0.0.9")
    assert last.status_code == 429
    assert "too many failed login attempts from your network" in last.content.decode()
    assert _login(client, learner.email, password, ip="10.0.0.9").status_code == 429
    assert _login(client, learner.email, password, ip="10.0.0.10").status_code == 302


def test_the_address_limit_is_far_above_the_accounts():
    from django.conf import settings

    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT >= 20 * settings.AXES_FAILURE_LIMIT


def test_an_unknown_email_and_a_wrong_password_get_the_same_reply(client, learner):
    unknown = _login(client, "nobody@example.com", "wrong-password-123", ip="10.0.0.3")
    wrong = _login(client, learner.email, "wrong-password-123", ip="10.0.0.4")

    def shape(response, email):
        html = response.content.decode().replace(email, "EMAIL")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert unknown.status_code == wrong.status_code == 200
    assert MISMATCH in wrong.content.decode()
    assert shape(unknown, "nobody@example.com") == shape(wrong, learner.email)
    locked = [_login(client, "nobody@example.com", "x-wrong-password", ip="10.0.0.3") for _ in range(4)][-1]
    locked_known = [_login(client, learner.email, "x-wrong-password", ip="10.0.0.4") for _ in range(4)][-1]
    assert locked.status_code == locked_known.status_code == 429


def test_lock_counts_the_email_in_any_case(client, learner, password):
    for email in ["asha@example.com", "ASHA@example.com", " Asha@Example.com", "asha@EXAMPLE.COM", "Asha@example.com"]:
        _login(client, email, "wrong-password-123", ip="10.0.0.1")

    assert _login(client, learner.email, password, ip="10.0.0.1").status_code == 429


def test_login_works_again_after_fifteen_minutes(client, learner, password):
    _fail(client, learner.email, 5)

    _rewind_lockouts(minutes=14)
    assert _login(client, learner.email, password).status_code == 429

    _rewind_lockouts(minutes=16)
    response = _login(client, learner.email, password)
    assert response.status_code == 302
    assert _logged_in_as(client) == str(learner.pk)


def test_successful_login_resets_the_count(client, learner, password):
    _fail(client, learner.email, 4)
    assert _login(client, learner.email, password).status_code == 302
    client.logout()

    responses = _fail(client, learner.email, 4)

    assert [r.status_code for r in responses] == [200] * 4


# --- The landing page (the test database starts with the default pages) ---------------


@pytest.mark.parametrize(
    ("persona", "dashboard"), [("learner", "/dashboard/learner/"), ("mentor", "/dashboard/mentor/")]
)
def test_logged_in_person_opening_home_goes_to_their_dashboard(client, persona, dashboard, request):
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == dashboard


def test_anonymous_person_sees_the_landing_page(client):
    assert client.get("/").status_code == 200


# --- Password reset by emailed code ------------------------------------------------------


def test_password_reset_by_code_end_to_end(client, learner, password):
    new_password = "a-brand-new-passphrase"

    response = client.post(reverse("account_reset_password"), {"email": "Asha@Example.com"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_password_reset_code")

    code = code_from_outbox(to=learner.email)
    response = client.post(reverse("account_confirm_password_reset_code"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_complete_password_reset")

    response = client.post(
        reverse("account_complete_password_reset"), {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(new_password)

    client.logout()
    assert _login(client, learner.email, password).status_code == 200
    response = _login(client, learner.email, new_password)
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/learner/"


def test_password_reset_wrong_code_is_refused(client, learner, password):
    client.post(reverse("account_reset_password"), {"email": learner.email})
    code = code_from_outbox(to=learner.email)
    wrong = "BBBB-BBBB" if code != "BBBB-BBBB" else "CCCC-CCCC"

    response = client.post(reverse("account_confirm_password_reset_code"), {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [AccountAdapter.error_messages["incorrect_code"]]
    learner.refresh_from_db()
    assert learner.check_password(password)


def test_password_reset_refuses_a_weak_new_password(client, learner, password):
    client.post(reverse("account_reset_password"), {"email": learner.email})
    client.post(reverse("account_confirm_password_reset_code"), {"code": code_from_outbox(to=learner.email)})

    response = client.post(reverse("account_complete_password_reset"), {"password1": "12345", "password2": "12345"})

    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    learner.refresh_from_db()
    assert learner.check_password(password)
