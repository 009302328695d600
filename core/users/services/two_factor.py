"""Writes about the second factor: the authenticator app (TOTP), the code at login and before a
withdrawal, and the one-time recovery codes (docs/decisions/0011-two-factor-and-logins.md)."""

from __future__ import annotations

import re
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.users import two_factor
from core.users.models import RecoveryCodeUse, User

# --- Two-factor (TOTP) ------------------------------------------------------------------------

WRONG_TOTP_CODE = "That code is not right. Check the time on your phone and try again."
TOTP_THROTTLED = "Too many wrong codes in a row. Wait a minute, then try the newest code."


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """Begin setting up two-factor: a new, unconfirmed TOTP device (earlier unfinished ones go).

    It counts for nothing until ``totp_device_confirm`` checks a code from the person's app.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError("Two-factor is already on.", code="already_on")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def _verify(device: TOTPDevice, token: str) -> None:
    """Check ``token`` on ``device``. A wrong code is counted (django-otp then throttles) even
    though this raises, so call it outside any transaction that the error would roll back."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(TOTP_THROTTLED, code="throttled")
    if not device.verify_token("".join(str(token).split())):
        raise ValidationError(WRONG_TOTP_CODE, code="wrong_code")


TWO_FACTOR_OFF = "Turn on two-factor authentication before your first withdrawal."


def totp_code_use(*, user: User, token: str) -> TOTPDevice:
    """Use up a current code of ``user``'s authenticator app (each code works once), for an act
    that asks for one (a withdrawal). Raises ValidationError: ``two_factor_off`` when they have no
    confirmed app, ``throttled`` or ``wrong_code``.

    Call it inside the transaction of the act, after the act's own checks: the devices are
    locked, so two acts at once cannot both use one code, and the code stays usable when the act
    is refused after all. A wrong code is still counted (django-otp then throttles) as long as
    the caller lets that transaction commit.
    """
    devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("-id"))
    if not devices:
        raise ValidationError(TWO_FACTOR_OFF, code="two_factor_off")
    allowed = [device for device in devices if device.verify_is_allowed()[0]]
    if not allowed:
        raise ValidationError(TOTP_THROTTLED, code="throttled")
    token = "".join(str(token).split())
    # The app that made the code takes it (and a wrong code counts against the newest app only).
    device = next((device for device in allowed if _totp_is_current(device, token)), allowed[0])
    if not device.verify_token(token):
        raise ValidationError(WRONG_TOTP_CODE, code="wrong_code")
    return device


def fresh_code_use(user: User, token: str) -> None:
    """Use up a fresh code of ``user``'s app for one staff decision that moves money (a refund, a
    settlement: docs/decisions/0022), in a transaction of its own. Raises ValidationError on
    ``otp_token``, the form field that asks for it."""
    try:
        with transaction.atomic():
            totp_code_use(user=user, token=token or "")
    except ValidationError as exc:
        raise ValidationError({"otp_token": exc.messages}) from exc


def _totp_is_current(device: TOTPDevice, token: str) -> bool:
    """Whether ``token`` is a code ``device`` would take now, without taking it (a read)."""
    if not token.isdigit():
        return False
    check = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    check.time = time.time()
    return check.verify(int(token), device.tolerance, device.last_t + 1)


def totp_device_confirm(*, user: User, token: str) -> TOTPDevice:
    """Turn two-factor on: ``token`` must be the current code of the device being set up."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        raise ValidationError("Start the set-up again: there is no code to check yet.", code="not_started")
    _verify(device, token)
    with transaction.atomic():
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device.confirmed = True
    return device


def totp_device_cancel(*, user: User) -> int:
    """Drop an unfinished set-up. Returns how many unconfirmed devices were removed."""
    deleted, _ = TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return deleted


def totp_device_remove(*, user: User, token: str) -> None:
    """Turn two-factor off; ``token`` must be a current code. Staff keep theirs (the admin needs it)."""
    if user.is_staff:
        raise ValidationError(
            "Staff accounts keep two-factor on: the admin asks for the code.", code="staff_keep_two_factor"
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
    if device is None:
        raise ValidationError("Two-factor is already off.", code="already_off")
    _verify(device, token)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()  # the recovery codes go with the app


# --- The second factor at login ------------------------------------------------------------

SECOND_FACTOR_PENDING = two_factor.SECOND_FACTOR_PENDING


def login_second_factor_require(*, session, user: User) -> bool:
    """Mark a fresh login as waiting for a TOTP code when the person has a confirmed device.

    Not when the login itself checked a code (the admin's form sets ``user.otp_device``). Staff
    and editors are asked too: ``two_factor.second_factor_gate`` lets none of them in without one.
    """
    pending = getattr(user, "otp_device", None) is None and user_has_device(user, confirmed=True)
    if pending:
        session[SECOND_FACTOR_PENDING] = True
    else:
        session.pop(SECOND_FACTOR_PENDING, None)
    return pending


def login_second_factor_verify(*, request, token: str) -> None:
    """Check a code for the signed-in person (``second_factor_check``); the right one completes
    the login (django-otp's session marker) and lifts the wait. Raises ValidationError."""
    device = second_factor_check(user=request.user, token=token)
    otp_login(request, device)
    request.session.pop(SECOND_FACTOR_PENDING, None)


def second_factor_check(*, user: User, token: str) -> Device:
    """The device that accepts ``token`` at a login: six digits are checked against the
    authenticator app, anything else as a recovery code, which then stops working (and says so if
    typed again). Only that one device is tried, so a code never counts against the other one's
    back-off. Used by the two-factor page and the admin's login form. Raises ValidationError."""
    token = "".join(str(token).split())
    if re.fullmatch(r"\d{6}", token):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
        if device is None:
            raise ValidationError(WRONG_TOTP_CODE, code="wrong_code")
        _verify(device, token)
        return device
    code = two_factor.recovery_code_normalize(token)
    device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
    if device is None or not code:
        raise ValidationError(WRONG_RECOVERY_CODE, code="wrong_code")
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(TOTP_THROTTLED, code="throttled")
    digest = two_factor.recovery_code_digest(code)
    if device.verify_token(code):
        RecoveryCodeUse.objects.get_or_create(user=user, code_digest=digest)
        return device
    if RecoveryCodeUse.objects.filter(user=user, code_digest=digest).exists():
        raise ValidationError(RECOVERY_CODE_USED, code="used")
    raise ValidationError(WRONG_RECOVERY_CODE, code="wrong_code")


# --- Recovery codes ---------------------------------------------------------------------------

RECOVERY_CODE_COUNT = 10
WRONG_RECOVERY_CODE = "That is not one of your codes. Type the 6 digits your app shows, or a recovery code."
RECOVERY_CODE_USED = "That recovery code was already used: each code works once. Use another one, or your app."


@transaction.atomic
def recovery_codes_generate(*, user: User) -> list[str]:
    """Give ``user`` a fresh set of one-time recovery codes, for when the phone is gone, and
    return them as people read them ("abcd-efgh"). Earlier codes stop working. Two-factor must be
    on. The codes are shown once; only django-otp's ``StaticToken`` rows keep them."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError("Turn two-factor on first: recovery codes stand in for its app.", code="off")
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in sorted(codes)])
    return [two_factor.recovery_code_format(code) for code in sorted(codes)]


def recovery_codes_regenerate(*, user: User, token: str) -> list[str]:
    """New recovery codes in place of the old ones; ``token`` must be a current code from the app."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
    if device is None:
        raise ValidationError("Turn two-factor on first: recovery codes stand in for its app.", code="off")
    _verify(device, token)
    return recovery_codes_generate(user=user)
