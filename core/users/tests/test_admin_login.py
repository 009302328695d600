"""``/admin/login/``: email, password and code in one submit, and the password never comes back.

The browser sends only what the page has: ``username``, ``password``, ``otp_token`` (no device
choice, which django-otp's own form wanted and showed only after a first failed submit).
"""

from __future__ import annotations

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.users import services
from core.users.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/?next=/admin/"
WRONG_PASSWORD = "Not-the-Password-7391"


def _token(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    totp.time = totp.time + offset * device.step
    return str(totp.token()).zfill(device.digits)


def _submit(client, email, password, token, ip="127.0.0.1"):
    return client.post(ADMIN_LOGIN, {"username": email, "password": password, "otp_token": token}, REMOTE_ADDR=ip)


@pytest.fixture
def device(staff) -> TOTPDevice:
    return TOTPDevice.objects.get(user=staff)


def test_the_page_asks_for_email_password_and_code_at_once(client):
    html = client.get(ADMIN_LOGIN).content.decode()
    assert 'name="username"' in html and 'name="password"' in html and 'name="otp_token"' in html
    assert 'name="otp_device"' not in html


def test_the_first_submit_with_the_right_code_logs_in(client, staff, device):
    response = _submit(client, staff.email, PASSWORD, _token(device))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/cms/").status_code == 200  # the same session passed the code for the CMS too


@pytest.mark.parametrize(
    ("case", "password", "token"),
    [
        ("wrong code", PASSWORD, "wrong"),
        ("no code", PASSWORD, ""),
        ("wrong password", WRONG_PASSWORD, "right"),
    ],
)
def test_no_re_render_puts_the_password_back(client, staff, device, case, password, token):
    token = _token(device) if token == "right" else ("" if token == "" else _token(device, offset=100))

    response = _submit(client, staff.email, password, token)

    html = response.content.decode()
    assert response.status_code == 200, case
    assert 'class="errornote' in html
    assert password not in html
    assert "Please select a device" not in html
    assert client.get("/admin/").status_code == 302


def test_the_lockout_page_does_not_echo_the_password_either(client, staff, device):
    for _ in range(4):
        _submit(client, staff.email, WRONG_PASSWORD, _token(device), ip="10.9.9.9")
    response = _submit(client, staff.email, WRONG_PASSWORD, _token(device), ip="10.9.9.9")

    assert response.status_code == 429
    assert WRONG_PASSWORD not in response.content.decode()


def test_a_recovery_code_works_once_at_the_admin_login(client, staff, device):
    codes = services.recovery_codes_generate(user=staff)

    assert _submit(client, staff.email, PASSWORD, codes[0].upper()).status_code == 302
    client.logout()
    again = _submit(client, staff.email, PASSWORD, codes[0])
    assert again.status_code == 200
    assert services.RECOVERY_CODE_USED in again.content.decode()


def test_someone_elses_code_does_not_open_the_admin(client, staff, device, password):
    _other, other_device = services.staff_user_create(email="omar@example.com", name="Omar", password=password)
    response = _submit(client, staff.email, PASSWORD, _token(other_device))
    if _token(other_device) != _token(device):  # 1 in a million they coincide
        assert response.status_code == 200
        assert client.get("/admin/").status_code == 302


def test_the_site_login_and_the_code_page_do_not_echo_the_password_either(client, learner, password):
    TOTPDevice.objects.create(user=learner, name="phone", confirmed=True)
    login = "/accounts/login/"
    wrong = client.post(login, {"login": learner.email, "password": WRONG_PASSWORD}, REMOTE_ADDR="10.8.8.8")
    assert wrong.status_code == 200 and WRONG_PASSWORD not in wrong.content.decode()
    for _ in range(4):
        locked = client.post(login, {"login": learner.email, "password": WRONG_PASSWORD}, REMOTE_ADDR="10.8.8.8")
    assert locked.status_code == 429 and WRONG_PASSWORD not in locked.content.decode()

    assert client.post(login, {"login": learner.email, "password": password}).status_code == 302
    code_page = client.post("/accounts/two-factor/", {"totp-token": "000000"})
    assert code_page.status_code == 400 and password not in code_page.content.decode()


def test_no_other_form_with_a_password_echoes_it(client, learner, password):
    """The siblings: sign-up with an error elsewhere, and the Security tab's password change."""
    typed = "Unusual-Passphrase-5521"
    signup = client.post(
        "/accounts/signup/",
        {"role": "learner", "email": "new@example.com", "password1": typed, "name": "", "interests": "Python"},
    )
    assert signup.status_code == 200 and typed not in signup.content.decode()

    client.force_login(learner)
    change = client.post(
        "/profile/security/",
        {"action": "password", "oldpassword": typed, "password1": password + "x1", "password2": password + "x1"},
    )
    html = change.content.decode()
    assert change.status_code == 200 and typed not in html and password + "x1" not in html
