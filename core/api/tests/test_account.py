"""An account from an app: sign up, confirm the address with the emailed code, reset and change the
password, and two-factor on and off with recovery codes, with the website's rules and words."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from core.api.models import EmailCode
from core.api.tests.helpers import bearer
from core.payments.tests.races import _stampede
from core.users.models import Role, User
from core.users.tests.factories import totp_code

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
VERIFY = "/api/v1/auth/email/verify/"
NEW_CODE = "/api/v1/auth/email/code/"
RESET = "/api/v1/auth/password/reset/"
RESET_CONFIRM = "/api/v1/auth/password/reset/confirm/"
TOKEN = "/api/v1/auth/token/"
SECOND = "/api/v1/auth/token/second-factor/"
NEW_PASSWORD = "violet harbour lantern 42"
LEARNER = {
    "role": "learner",
    "email": "kavya@example.com",
    "password": "saffron monsoon teapot 7",
    "name": "Kavya Iyer",
    "interests": ["Python", "SQL"],
    "career_goals": "Data analyst",
}


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST as JSON; what the request leaves for after its commit (the emails) runs at its end."""

    def send(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, format="json")

    return send


def emailed_code(to: str) -> str:
    """The code in the newest email to ``to`` (on a line of its own, as people read it)."""
    message = [m for m in mail.outbox if to in m.to][-1]
    return re.search(r"^([A-Z0-9]+(?:-[A-Z0-9]+)+)$", message.body, re.MULTILINE).group(1)


def age(user: User, purpose: str, seconds: int) -> None:
    """Make ``user``'s codes for ``purpose`` ``seconds`` older (time passing, not a shortcut)."""
    for code in EmailCode.objects.filter(user=user, purpose=purpose):
        EmailCode.objects.filter(pk=code.pk).update(created_at=code.created_at - timedelta(seconds=seconds))


def test_signing_up_emails_a_code_that_confirms_the_address_and_signs_in(post):
    client = APIClient()
    answer = post(client, SIGNUP, LEARNER)
    assert answer.status_code == 201, answer.json()
    assert answer.json()["email"] == "kavya@example.com"
    user = User.objects.get(email="kavya@example.com")
    assert user.role == Role.LEARNER and user.registered_at is None
    assert list(user.learner_profile.interests) == ["Python", "SQL"]
    assert len(mail.outbox) == 1 and "in the app" in mail.outbox[0].body
    code = emailed_code("kavya@example.com")
    assert code not in EmailCode.objects.get(user=user).digest  # only its digest is kept

    # Before the code, a password alone does not sign in
    refused = post(client, TOKEN, {"email": LEARNER["email"], "password": LEARNER["password"]})
    assert refused.status_code == 403 and refused.json()["code"] == "not_registered"
    assert len(mail.outbox) == 1  # a code went out less than a minute ago: no second email

    typed = code.lower().replace("-", " ")  # as people type it
    confirmed = post(client, VERIFY, {"email": "Kavya@Example.com", "code": typed})
    assert confirmed.status_code == 200, confirmed.json()
    user.refresh_from_db()
    assert user.registered_at is not None
    assert user.emailaddress_set.get().verified
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {confirmed.json()['access']}")
    assert me.get("/api/v1/me/").json()["name"] == "Kavya Iyer"
    # The code worked once; the address is confirmed now
    again = post(client, VERIFY, {"email": LEARNER["email"], "code": code})
    assert again.status_code == 409 and again.json()["code"] == "already_confirmed"


def test_a_mentor_signs_up_with_skills_and_domains_and_waits_for_approval(post):
    mentor = {
        "role": "mentor",
        "email": "ravi@example.com",
        "password": "granite pepper kite 19",
        "name": "Ravi Kumar",
        "domains": ["Programming"],
        "skills": ["Python", "Django"],
        "bio": "Web apps for ten years.",
    }
    assert post(APIClient(), SIGNUP, mentor).status_code == 201
    user = User.objects.get(email="ravi@example.com")
    assert user.role == Role.MENTOR
    assert list(user.mentor_profile.skills) == ["Python", "Django"] and not user.mentor_profile.is_approved


def test_sign_up_refuses_what_the_website_refuses_with_its_words(learner, post):
    client = APIClient()
    missing = post(client, SIGNUP, {**LEARNER, "role": "mentor"})
    assert missing.status_code == 400
    fields = {error["field"]: error["message"] for error in missing.json()["errors"]}
    assert fields == {"skills": "Add at least one skill you teach.", "domains": "Add at least one domain."}
    taken = post(client, SIGNUP, {**LEARNER, "email": "ASHA@example.com"})
    assert taken.status_code == 400
    assert taken.json()["errors"][0]["field"] == "email"
    assert taken.json()["errors"][0]["message"].startswith("Email taken")
    weak = post(client, SIGNUP, {**LEARNER, "password": "12345678901"})
    assert weak.status_code == 400 and {e["field"] for e in weak.json()["errors"]} == {"password"}
    admin = post(client, SIGNUP, {**LEARNER, "role": "admin"})
    assert admin.status_code == 400
    assert not User.objects.filter(email="kavya@example.com").exists()
    assert mail.outbox == []


def test_three_wrong_codes_end_a_code_and_a_new_one_waits_a_minute(post):
    client = APIClient()
    post(client, SIGNUP, LEARNER)
    user = User.objects.get(email=LEARNER["email"])
    code = emailed_code(LEARNER["email"])
    for expected in ("That code is not right", "That code is not right", "That code has expired"):
        wrong = post(client, VERIFY, {"email": LEARNER["email"], "code": "ZZZZ-ZZZZ"})
        assert wrong.status_code == 400 and wrong.json()["errors"][0]["message"].startswith(expected)
    dead = post(client, VERIFY, {"email": LEARNER["email"], "code": code})
    assert dead.status_code == 400 and dead.json()["errors"][0]["message"].startswith("That code has expired")

    soon = post(client, NEW_CODE, {"email": LEARNER["email"]})
    assert soon.status_code == 429 and soon["Retry-After"] == "60"
    age(user, EmailCode.Purpose.VERIFY_EMAIL, 61)
    assert post(client, NEW_CODE, {"email": LEARNER["email"]}).status_code == 202
    fresh = emailed_code(LEARNER["email"])
    assert post(client, VERIFY, {"email": LEARNER["email"], "code": fresh}).status_code == 200


def test_a_code_lasts_fifteen_minutes(post):
    client = APIClient()
    post(client, SIGNUP, LEARNER)
    age(User.objects.get(email=LEARNER["email"]), EmailCode.Purpose.VERIFY_EMAIL, 15 * 60 + 1)
    late = post(client, VERIFY, {"email": LEARNER["email"], "code": emailed_code(LEARNER["email"])})
    assert late.status_code == 400 and late.json()["errors"][0]["code"] == "expired"


def test_signing_in_later_unconfirmed_emails_a_fresh_code(post):
    client = APIClient()
    post(client, SIGNUP, LEARNER)
    user = User.objects.get(email=LEARNER["email"])
    age(user, EmailCode.Purpose.VERIFY_EMAIL, 3600)
    refused = post(client, TOKEN, {"email": LEARNER["email"], "password": LEARNER["password"]})
    assert refused.status_code == 403 and "`/auth/email/verify/`" in refused.json()["detail"]
    assert len(mail.outbox) == 2
    second = emailed_code(LEARNER["email"])
    assert post(client, VERIFY, {"email": LEARNER["email"], "code": second}).status_code == 200
    assert EmailCode.objects.filter(user=user).count() == 1  # the first one is gone


@pytest.mark.services  # threads share a database file or server, not the in-memory SQLite of a plain run
def test_of_two_requests_with_the_right_code_at_once_one_confirms(transactional_db, postgres_database, post):
    client = APIClient()
    post(client, SIGNUP, LEARNER)
    code = emailed_code(LEARNER["email"])

    def confirm(_):
        return post(APIClient(), VERIFY, {"email": LEARNER["email"], "code": code}).status_code

    outcomes = _stampede(range(4), confirm)
    assert outcomes[200] == 1, outcomes
    assert set(outcomes) <= {200, 400, 409}, outcomes


def test_a_forgotten_password_is_reset_with_an_emailed_code(learner, password, post):
    client = APIClient()
    old = post(client, TOKEN, {"email": learner.email, "password": password}).json()
    unknown = post(client, RESET, {"email": "nobody@example.com"})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "email"

    assert post(client, RESET, {"email": learner.email}).status_code == 202
    code = emailed_code(learner.email)
    assert "set a new password" in mail.outbox[-1].body
    weak = post(client, RESET_CONFIRM, {"email": learner.email, "code": code, "password": "asha"})
    assert weak.status_code == 400 and weak.json()["errors"][0]["field"] == "password"
    wrong = post(client, RESET_CONFIRM, {"email": learner.email, "code": "ZZZZ-ZZZZ", "password": NEW_PASSWORD})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "code"
    done = post(client, RESET_CONFIRM, {"email": learner.email, "code": code, "password": NEW_PASSWORD})
    assert done.status_code == 204
    # The old tokens stop working; the new password signs in, the old one does not
    assert bearer_of(old["access"]).get("/api/v1/me/").status_code == 401
    assert post(client, "/api/v1/auth/token/refresh/", {"refresh": old["refresh"]}).status_code == 401
    assert post(client, TOKEN, {"email": learner.email, "password": NEW_PASSWORD}).status_code == 200
    assert post(client, TOKEN, {"email": learner.email, "password": password}).status_code == 401
    used = post(client, RESET_CONFIRM, {"email": learner.email, "code": code, "password": "x" + NEW_PASSWORD})
    assert used.status_code == 400


def test_a_reset_code_lasts_three_minutes(learner, post):
    client = APIClient()
    post(client, RESET, {"email": learner.email})
    age(learner, EmailCode.Purpose.RESET_PASSWORD, 3 * 60 + 1)
    late = post(
        client, RESET_CONFIRM, {"email": learner.email, "code": emailed_code(learner.email), "password": NEW_PASSWORD}
    )
    assert late.status_code == 400 and late.json()["errors"][0]["code"] == "expired"


def bearer_of(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def test_changing_the_password_signs_out_elsewhere_and_hands_this_app_new_tokens(learner, password, post):
    here = post(APIClient(), TOKEN, {"email": learner.email, "password": password}).json()
    elsewhere = post(APIClient(), TOKEN, {"email": learner.email, "password": password}).json()
    client = bearer_of(here["access"])
    wrong = post(client, "/api/v1/me/password/", {"current_password": "nope", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "current_password"
    weak = post(client, "/api/v1/me/password/", {"current_password": password, "new_password": "123"})
    assert weak.status_code == 400 and weak.json()["errors"][0]["field"] == "new_password"
    changed = post(client, "/api/v1/me/password/", {"current_password": password, "new_password": NEW_PASSWORD})
    assert changed.status_code == 200
    assert bearer_of(elsewhere["access"]).get("/api/v1/me/").status_code == 401
    assert bearer_of(here["access"]).get("/api/v1/me/").status_code == 401
    assert bearer_of(changed.json()["access"]).get("/api/v1/me/").status_code == 200
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)


def current_code(device_id: int) -> str:
    device = TOTPDevice.objects.get(pk=device_id)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_two_factor_on_with_recovery_codes_then_sign_in_asks_for_a_code(learner, password, post):
    client = bearer(learner)
    assert client.get("/api/v1/me/two-factor/").json() == {
        "enabled": False,
        "setup_started": False,
        "recovery_codes_left": 0,
    }
    setup = post(client, "/api/v1/me/two-factor/setup/")
    assert setup.status_code == 201
    assert setup.json()["otpauth_uri"].startswith("otpauth://totp/PeerLearn:asha%40example.com?secret=")
    assert setup.json()["qr_code"].startswith("data:image/svg+xml;base64,")
    device = TOTPDevice.objects.get(user=learner, confirmed=False)
    assert client.get("/api/v1/me/two-factor/").json()["setup_started"]

    wrong = post(client, "/api/v1/me/two-factor/confirm/", {"code": "000000"})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "code"
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    on = post(client, "/api/v1/me/two-factor/confirm/", {"code": current_code(device.pk)})
    assert on.status_code == 200, on.json()
    recovery = on.json()["recovery_codes"]
    assert len(recovery) == 10 and len(set(recovery)) == 10
    assert client.get("/api/v1/me/two-factor/").json() == {
        "enabled": True,
        "setup_started": False,
        "recovery_codes_left": 10,
    }
    assert post(client, "/api/v1/me/two-factor/setup/").status_code == 409

    # Signing in now takes a second step; a recovery code works once
    first = post(APIClient(), TOKEN, {"email": learner.email, "password": password})
    assert first.status_code == 202
    second = post(APIClient(), SECOND, {"ticket": first.json()["ticket"], "code": recovery[0]})
    assert second.status_code == 200
    assert client.get("/api/v1/me/two-factor/").json()["recovery_codes_left"] == 9

    fresh = post(client, "/api/v1/me/two-factor/recovery-codes/", {"code": totp_code(learner)})
    assert fresh.status_code == 200 and set(fresh.json()["recovery_codes"]).isdisjoint(recovery)
    retry = post(APIClient(), TOKEN, {"email": learner.email, "password": password}).json()
    stale = post(APIClient(), SECOND, {"ticket": retry["ticket"], "code": recovery[1]})
    assert stale.status_code == 400

    off = post(client, "/api/v1/me/two-factor/disable/", {"code": totp_code(learner)})
    assert off.status_code == 204
    assert client.get("/api/v1/me/two-factor/").json()["enabled"] is False
    assert post(APIClient(), TOKEN, {"email": learner.email, "password": password}).status_code == 200
    assert post(client, "/api/v1/me/two-factor/disable/", {"code": "123456"}).status_code == 409


def test_a_set_up_can_be_dropped_and_staff_keep_two_factor(learner, staff, post):
    client = bearer(learner)
    post(client, "/api/v1/me/two-factor/setup/")
    assert client.delete("/api/v1/me/two-factor/setup/").status_code == 204
    assert not TOTPDevice.objects.filter(user=learner).exists()
    not_started = post(client, "/api/v1/me/two-factor/confirm/", {"code": "123456"})
    assert not_started.status_code == 409 and not_started.json()["code"] == "not_started"
    kept = post(bearer(staff), "/api/v1/me/two-factor/disable/", {"code": totp_code(staff)})
    assert kept.status_code == 409 and kept.json()["code"] == "staff_keep_two_factor"
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_old_codes_are_forgotten(learner, post):
    from core.api.codes import codes_purge

    post(APIClient(), RESET, {"email": learner.email})
    assert codes_purge() == 0
    age(learner, EmailCode.Purpose.RESET_PASSWORD, 25 * 3600)
    assert codes_purge() == 1 and not EmailCode.objects.exists()
