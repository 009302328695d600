"""Two-factor recovery codes: shown once at set-up, each good for one login, regenerated on demand."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.users import services
from core.users.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SECURITY = "/profile/security/"
CODE_PAGE = "/accounts/two-factor/"


def _token(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    totp.time = totp.time + offset * device.step
    return str(totp.token()).zfill(device.digits)


def _set_up(client, user) -> list[str]:
    """Turn two-factor on through the Security tab; the codes the page showed."""
    client.force_login(user)
    client.post(SECURITY, {"action": "totp-start"})
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SECURITY, {"action": "totp-confirm", "totp-token": _token(device)})
    assert response.status_code == 200
    return response.context["recovery_codes"]


def _log_in_with_password(client, user):
    client.logout()
    assert client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code == 302
    assert client.get(user.dashboard_url)["Location"].startswith(CODE_PAGE)


def test_set_up_shows_ten_codes_once(client, learner):
    codes = _set_up(client, learner)

    assert len(codes) == 10 == len(set(codes))
    assert all(len(code) == 9 and code[4] == "-" for code in codes)
    page = client.get(SECURITY).content.decode()
    assert not any(code in page for code in codes)  # not shown again
    assert "Make new recovery codes" in page


def test_a_recovery_code_stands_in_for_the_app_once(client, learner):
    codes = _set_up(client, learner)
    _log_in_with_password(client, learner)

    response = client.post(CODE_PAGE, {"totp-token": codes[3].upper().replace("-", " ")})

    assert response.status_code == 302 and response["Location"] == "/dashboard/learner/"
    assert client.get("/dashboard/learner/").status_code == 200
    assert StaticToken.objects.filter(device__user=learner).count() == 9

    _log_in_with_password(client, learner)
    again = client.post(CODE_PAGE, {"totp-token": codes[3]})
    assert again.status_code == 400
    assert services.RECOVERY_CODE_USED in again.content.decode()
    assert client.get("/dashboard/learner/").status_code == 302


def test_a_made_up_code_is_refused_plainly(client, learner):
    _set_up(client, learner)
    _log_in_with_password(client, learner)

    response = client.post(CODE_PAGE, {"totp-token": "abcd-efgh"})

    assert response.status_code == 400
    assert services.WRONG_RECOVERY_CODE in response.content.decode()
    assert PASSWORD not in response.content.decode()


def test_new_codes_replace_the_old_ones_and_need_a_current_code(client, learner):
    old = _set_up(client, learner)
    device = TOTPDevice.objects.get(user=learner, confirmed=True)

    refused = client.post(SECURITY, {"action": "recovery-regenerate", "recovery-token": _token(device, offset=100)})
    assert refused.status_code == 200 and refused.context["recovery_form"].errors["token"]
    assert refused.context["recovery_codes"] is None

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(SECURITY, {"action": "recovery-regenerate", "recovery-token": _token(device, offset=1)})
    new = response.context["recovery_codes"]
    assert len(new) == 10 and not set(new) & set(old)

    _log_in_with_password(client, learner)
    assert services.WRONG_RECOVERY_CODE in client.post(CODE_PAGE, {"totp-token": old[0]}).content.decode()
    StaticDevice.objects.filter(user=learner).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert client.post(CODE_PAGE, {"totp-token": new[0]}).status_code == 302


def test_turning_two_factor_off_removes_the_codes(client, learner):
    _set_up(client, learner)
    device = TOTPDevice.objects.get(user=learner, confirmed=True)

    services.totp_device_remove(user=learner, token=_token(device, offset=1))

    assert not StaticToken.objects.filter(device__user=learner).exists()


def test_codes_need_two_factor_on(learner):
    with pytest.raises(ValidationError):
        services.recovery_codes_generate(user=learner)
