"""``create_staff_user``: a staff user with a confirmed TOTP device, for /admin/."""

from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.users.models import Role, User

pytestmark = pytest.mark.django_db

STRONG = "tea-kettle-monsoon-42"


def _run(*args: str) -> str:
    stdout = io.StringIO()
    call_command("create_staff_user", *args, stdout=stdout)
    return stdout.getvalue()


def test_creates_staff_with_confirmed_device_and_prints_the_uri():
    out = _run("--email", "Root@Example.com", "--name", "Root Admin", "--password", STRONG)

    user = User.objects.get(email="root@example.com")
    assert user.is_staff
    assert user.is_superuser
    assert user.role == Role.ADMIN
    assert user.name == "Root Admin"
    assert user.check_password(STRONG)
    assert user.registered_at is not None
    assert EmailAddress.objects.get(user=user).verified
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert "Staff user root@example.com is ready." in out
    assert device.config_url in out
    assert device.config_url.startswith("otpauth://totp/")
    assert "Then log in at /admin/" in out


def test_no_qr_prints_only_the_uri():
    out = _run("--email", "root@example.com", "--password", STRONG, "--no-qr")

    assert "otpauth://totp/" in out
    assert "█" not in out and "▀" not in out


def test_qr_code_is_printed_by_default():
    out = _run("--email", "root@example.com", "--password", STRONG)

    assert len(out.splitlines()) > 10


def test_no_superuser():
    _run("--email", "ops@example.com", "--password", STRONG, "--no-superuser", "--no-qr")

    user = User.objects.get(email="ops@example.com")
    assert user.is_staff
    assert not user.is_superuser


def test_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", STRONG)

    _run("--email", "root@example.com", "--no-qr")

    assert User.objects.get(email="root@example.com").check_password(STRONG)


def test_no_password_and_no_terminal_is_an_error(monkeypatch):
    monkeypatch.delenv("STAFF_PASSWORD", raising=False)
    monkeypatch.setattr("os.isatty", lambda fd: False)

    with pytest.raises(CommandError, match="Give --password or STAFF_PASSWORD"):
        _run("--email", "root@example.com")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "This password is too short"),
        ("1234567890123", "This password is entirely numeric"),
        ("password1234", "This password is too common"),
        # Like the account's own address: only caught when the validators see the user.
        ("root.admin@example.com", "too similar"),
    ],
)
def test_weak_password_is_refused(password, message):
    with pytest.raises(CommandError, match=message):
        _run("--email", "root.admin@example.com", "--name", "Root Admin", "--password", password)

    assert not User.objects.exists()
    assert not TOTPDevice.objects.exists()


def test_running_again_resets_password_and_device():
    _run("--email", "root@example.com", "--password", STRONG, "--no-qr")
    first = TOTPDevice.objects.get()

    out = _run("--email", "root@example.com", "--password", "another-strong-one-77", "--no-qr")

    user = User.objects.get()
    device = TOTPDevice.objects.get()
    assert device.pk != first.pk
    assert device.config_url in out
    assert user.check_password("another-strong-one-77")
    assert user.name == "root"


def test_prints_recovery_codes_that_replace_earlier_ones():
    from django_otp.plugins.otp_static.models import StaticToken

    from core.users.two_factor import recovery_code_normalize

    first = _run("--email", "root@example.com", "--password", STRONG, "--no-qr")
    second = _run("--email", "root@example.com", "--password", STRONG, "--no-qr")

    def codes(out: str) -> set[str]:
        return {line.strip() for line in out.split("Recovery codes", 1)[1].splitlines()[1:] if line.strip()}

    assert len(codes(first)) == len(codes(second)) == 10
    stored = set(StaticToken.objects.filter(device__user__email="root@example.com").values_list("token", flat=True))
    assert stored == {recovery_code_normalize(code) for code in codes(second)}
    assert not stored & {recovery_code_normalize(code) for code in codes(first)}
