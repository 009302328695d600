"""The Security tab (``/profile/security/``): password change and TOTP two-factor for anyone.

Codes are computed from the device's own secret, as the person's authenticator app would.
"""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.users import services
from core.users.services import WRONG_TOTP_CODE
from core.users.tests.factories import PASSWORD
from core.users.tests.helpers import force_login_verified
from core.users.two_factor import provisioning_uri, secret_base32
from core.users.views import STILL_SIGNED_IN, TWO_FACTOR_ON

pytestmark = pytest.mark.django_db

SECURITY = "/profile/security/"
NEW_PASSWORD = "a-new-longer-passphrase-42"


def _code(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code the app shows now (``offset`` steps later)."""
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    totp.time = totp.time + offset * device.step
    return str(totp.token()).zfill(device.digits)


def _wrong(device: TOTPDevice) -> str:
    return str((int(_code(device)) + 500_000) % 1_000_000).zfill(device.digits)


def _unthrottle(device: TOTPDevice) -> None:
    """As if a minute had passed since the last wrong code (django-otp waits before the next try)."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(minutes=1))


def _start(client) -> TOTPDevice:
    response = client.post(SECURITY, {"action": "totp-start"})
    assert response.status_code == 302
    assert response["Location"] == f"{SECURITY}#two-factor"
    return TOTPDevice.objects.filter(confirmed=False).latest("id")


# --- Two-factor ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["learner", "mentor"])
def test_two_factor_is_off_until_set_up(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    page = client.get(SECURITY).content.decode()

    assert 'data-testid="two-factor-status">Off<' in page
    assert 'name="action" value="totp-start"' in page
    assert ("Mentors need two-factor before their first withdrawal." in page) is (persona == "mentor")
    assert not user_has_device(user, confirmed=None)


def test_set_up_shows_a_qr_code_and_the_key_then_a_right_code_turns_it_on(client, mentor):
    client.force_login(mentor)

    device = _start(client)
    page = client.get(SECURITY).content.decode()

    assert not device.confirmed and not user_has_device(mentor, confirmed=True)
    qr = page.split('class="two-factor__qr" src="', 1)[1].split('"', 1)[0]
    assert qr.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(qr.removeprefix("data:image/svg+xml;base64,")).decode()
    assert svg.startswith("<svg") and "<path" in svg
    secret = secret_base32(device)
    assert f'<code data-testid="totp-secret">{secret}</code>' in page
    assert base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8)) == device.bin_key
    uri = provisioning_uri(device, account=mentor.email)
    assert uri.startswith("otpauth://totp/PeerLearn:meera%40example.com?secret=")
    assert "issuer=PeerLearn" in uri

    response = client.post(SECURITY, {"action": "totp-confirm", "totp-token": _code(device)})

    assert response.status_code == 200  # rendered, with the recovery codes to save
    device.refresh_from_db()
    assert device.confirmed
    assert user_has_device(mentor, confirmed=True)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id  # this session is verified
    assert [str(m) for m in response.context["messages"]] == [TWO_FACTOR_ON]
    assert 'data-testid="two-factor-status">On<' in response.content.decode()
    assert len(response.context["recovery_codes"]) == services.RECOVERY_CODE_COUNT


def test_the_pages_with_the_secret_are_never_cached(client, learner):
    client.force_login(learner)
    _start(client)

    response = client.get(SECURITY)

    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_code_typed_with_a_space_is_fine(client, learner):
    client.force_login(learner)
    device = _start(client)
    code = _code(device)

    response = client.post(SECURITY, {"action": "totp-confirm", "totp-token": f"{code[:3]} {code[3:]}"})

    assert response.context["recovery_codes"]
    assert user_has_device(learner, confirmed=True)


def test_a_wrong_code_is_refused_and_set_up_goes_on(client, learner):
    client.force_login(learner)
    device = _start(client)

    response = client.post(SECURITY, {"action": "totp-confirm", "totp-token": _wrong(device)})

    assert response.status_code == 200
    assert response.context["totp_form"].errors["token"] == [WRONG_TOTP_CODE]
    assert WRONG_TOTP_CODE in response.content.decode()
    assert "two-factor__qr" in response.content.decode()  # the QR code is still there to scan
    device.refresh_from_db()
    assert not device.confirmed and device.throttling_failure_count == 1  # counted, so guessing slows down
    assert not user_has_device(learner, confirmed=True)

    _unthrottle(device)
    assert client.post(SECURITY, {"action": "totp-confirm", "totp-token": _code(device)}).context["recovery_codes"]
    assert user_has_device(learner, confirmed=True)


def test_guessing_fast_is_throttled(client, learner):
    client.force_login(learner)
    device = _start(client)
    client.post(SECURITY, {"action": "totp-confirm", "totp-token": _wrong(device)})

    response = client.post(SECURITY, {"action": "totp-confirm", "totp-token": _code(device)})

    assert response.status_code == 200
    assert response.context["totp_form"].errors["token"] == [services.TOTP_THROTTLED]
    assert not user_has_device(learner, confirmed=True)


@pytest.mark.parametrize("token", ["", "12345", "abcdef", "1234567"])
def test_a_code_must_be_six_digits(client, learner, token):
    client.force_login(learner)
    device = _start(client)

    response = client.post(SECURITY, {"action": "totp-confirm", "totp-token": token})

    assert response.context["totp_form"].errors["token"] == ["Type the 6 digits your app shows."]
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_an_old_code_is_not_accepted(client, learner):
    client.force_login(learner)
    device = _start(client)

    response = client.post(SECURITY, {"action": "totp-confirm", "totp-token": _code(device, offset=-10)})

    assert response.context["totp_form"].errors["token"] == [WRONG_TOTP_CODE]


def test_starting_again_replaces_the_unfinished_device_and_cancel_drops_it(client, learner):
    client.force_login(learner)
    first = _start(client)
    second = _start(client)

    assert list(TOTPDevice.objects.filter(user=learner)) == [second]
    assert first.pk != second.pk
    response = client.post(SECURITY, {"action": "totp-cancel"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=learner).exists()


def test_turning_it_off_needs_a_current_code(client, learner):
    client.force_login(learner)
    device = _start(client)
    client.post(SECURITY, {"action": "totp-confirm", "totp-token": _code(device)})
    device.refresh_from_db()

    refused = client.post(SECURITY, {"action": "totp-remove", "totp-token": _wrong(device)})

    assert refused.status_code == 200
    assert refused.context["totp_form"].errors["token"] == [WRONG_TOTP_CODE]
    assert user_has_device(learner, confirmed=True)

    _unthrottle(device)
    device.refresh_from_db()
    # The code just used to turn it on cannot be used again: wait for the next one.
    response = client.post(SECURITY, {"action": "totp-remove", "totp-token": _code(device, offset=1)})

    assert response.status_code == 302
    assert not user_has_device(learner, confirmed=None)
    assert 'data-testid="two-factor-status">Off<' in client.get(SECURITY).content.decode()


def test_set_up_is_refused_while_two_factor_is_on(client, staff):
    force_login_verified(client, staff)
    device = TOTPDevice.objects.get(user=staff)

    client.post(SECURITY, {"action": "totp-start"})

    assert list(TOTPDevice.objects.filter(user=staff)) == [device]


def test_staff_keep_their_admin_device(client, staff):
    force_login_verified(client, staff)
    device = TOTPDevice.objects.get(user=staff)

    page = client.get(SECURITY).content.decode()
    response = client.post(SECURITY, {"action": "totp-remove", "totp-token": _code(device)})

    assert 'data-testid="two-factor-status">On<' in page
    assert 'value="totp-remove"' not in page
    assert response.status_code == 200
    assert response.context["totp_form"].errors["token"][0].startswith("Staff accounts keep two-factor on")
    assert list(TOTPDevice.objects.filter(user=staff, confirmed=True)) == [device]


def test_one_persons_code_does_nothing_for_another(client, learner, other_learner):
    client.force_login(learner)
    mine = _start(client)
    client.force_login(other_learner)
    theirs = _start(client)

    response = client.post(SECURITY, {"action": "totp-confirm", "totp-token": _code(mine)})

    if _code(mine) != _code(theirs):  # 1 in a million they coincide
        assert response.status_code == 200
    mine.refresh_from_db()
    assert not mine.confirmed
    assert not TOTPDevice.objects.filter(user=learner, confirmed=True).exists()


def test_an_unknown_action_is_a_bad_request(client, learner):
    client.force_login(learner)

    assert client.post(SECURITY, {"action": "delete-everything"}).status_code == 400


# --- Password -----------------------------------------------------------------------------


def test_changing_the_password_keeps_this_session_signed_in(client, learner):
    client.force_login(learner)

    response = client.post(
        SECURITY,
        {"action": "password", "oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{SECURITY}#password"
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD) and not learner.check_password(PASSWORD)
    page = client.get(SECURITY)
    assert page.status_code == 200  # still signed in
    assert int(client.session[SESSION_KEY]) == learner.pk
    assert [str(m) for m in page.context["messages"]] == [STILL_SIGNED_IN]


def test_other_sessions_end_when_the_password_changes(client, client_factory, learner):
    elsewhere = client_factory()
    elsewhere.force_login(learner)
    assert elsewhere.get(SECURITY).status_code == 200
    client.force_login(learner)

    client.post(
        SECURITY,
        {"action": "password", "oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert elsewhere.get(SECURITY).status_code == 302


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, "oldpassword"),
        ({"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}, "password2"),
        ({"oldpassword": PASSWORD, "password1": "12345678901", "password2": "12345678901"}, "password1"),
        ({"oldpassword": PASSWORD, "password1": "short", "password2": "short"}, "password1"),
    ],
)
def test_a_bad_password_change_is_refused_and_nothing_changes(client, learner, data, field):
    client.force_login(learner)

    response = client.post(SECURITY, {"action": "password", **data})

    assert response.status_code == 200
    assert field in response.context["password_form"].errors
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)
    assert "For your safety, type the passwords again." in response.content.decode()


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client
