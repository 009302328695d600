"""People who turned on two-factor type a code from their app after their password."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _log_in(client, user, password):
    return client.post("/accounts/login/", {"login": user.email, "password": password})


def test_a_password_alone_opens_only_the_code_page(client, learner, password):
    device = TOTPDevice.objects.create(user=learner, name="phone", confirmed=True)
    _log_in(client, learner, password)
    response = client.get("/dashboard/learner/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/?next=/dashboard/learner/")
    assert client.get("/profile/").status_code == 302

    page = client.get("/accounts/two-factor/?next=/dashboard/learner/")
    assert "Type the 6-digit code" in page.content.decode()
    wrong = client.post("/accounts/two-factor/", {"totp-token": "000000", "next": "/dashboard/learner/"})
    assert wrong.status_code == 400
    assert "That code is not right." in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # the wrong code made django-otp wait before the next try
    right = client.post("/accounts/two-factor/", {"totp-token": _code(device), "next": "/dashboard/learner/"})
    assert right.status_code == 302 and right["Location"] == "/dashboard/learner/"
    assert client.get("/dashboard/learner/").status_code == 200


def test_an_outside_next_is_ignored(client, learner, password):
    device = TOTPDevice.objects.create(user=learner, name="phone", confirmed=True)
    _log_in(client, learner, password)
    response = client.post("/accounts/two-factor/", {"totp-token": _code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/dashboard/learner/"


def test_without_an_app_the_password_is_enough(client, learner, password):
    _log_in(client, learner, password)
    assert client.get("/dashboard/learner/").status_code == 200
    assert client.get("/accounts/two-factor/")["Location"] == "/dashboard/learner/"


def test_an_unconfirmed_device_asks_nothing(client, mentor, password):
    TOTPDevice.objects.create(user=mentor, name="phone", confirmed=False)  # set-up not finished
    _log_in(client, mentor, password)
    assert client.get("/dashboard/mentor/").status_code == 200


def test_logging_out_still_works_while_the_code_is_pending(client, learner, password):
    TOTPDevice.objects.create(user=learner, name="phone", confirmed=True)
    _log_in(client, learner, password)
    client.post("/accounts/logout/")
    assert client.get("/dashboard/learner/")["Location"].startswith("/accounts/login/")
