"""Writes about people. Views, forms, admin and commands call these; nothing else saves users."""

from __future__ import annotations

import re
import time

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import hooks
from core.users import two_factor
from core.users.models import LearnerProfile, MentorProfile, PayoutKind, RecoveryCodeUse, Role, User
from core.users.validators import validate_account_number, validate_ifsc, validate_vpa


@transaction.atomic
def user_create_with_role(*, user: User, name: str, role: str, details: dict) -> User:
    """Save a newly signed-up ``user`` (not yet saved) with their role and role profile."""
    if role not in (Role.LEARNER, Role.MENTOR):
        raise ValueError(f"People register as learners or mentors, not {role!r}.")
    user.name = name.strip()
    user.role = role
    user.save()
    if role == Role.LEARNER:
        LearnerProfile.objects.create(
            user=user,
            interests=list(details.get("interests", [])),
            career_goals=details.get("career_goals", ""),
        )
    else:
        MentorProfile.objects.create(
            user=user,
            domains=list(details.get("domains", [])),
            skills=list(details.get("skills", [])),
            bio=details.get("bio", ""),
        )
    return user


def user_complete_registration(*, user: User) -> bool:
    """Mark registration complete once the address is confirmed; announce it exactly once.

    A compare-and-swap update, so confirming twice (or two racing requests) sends
    ``user_registered`` only once. Returns whether this call completed it.
    """
    now = timezone.now()
    with transaction.atomic():
        updated = User.objects.filter(pk=user.pk, registered_at__isnull=True).update(registered_at=now)
        if updated:
            # Receivers (plugins) get the person as stored, not a copy missing registered_at.
            user.registered_at = now
            transaction.on_commit(lambda: hooks.user_registered.send_robust(sender=User, user=user))
    return bool(updated)


@transaction.atomic
def mentor_approve(*, mentor: User, approved: bool = True) -> MentorProfile:
    """Approve (or withdraw approval of) a mentor; approved mentors' sessions are public."""
    # Compare and swap: of two staff approving at once, one changes it and one signal is sent.
    changed = MentorProfile.objects.filter(user=mentor, is_approved=not approved).update(
        is_approved=approved, approved_at=timezone.now() if approved else None
    )
    if changed:
        # Their sessions become public (or hidden): the landing changes, and the mentor is told.
        transaction.on_commit(
            lambda: hooks.mentor_approval_changed.send_robust(sender=User, user=mentor, is_approved=approved)
        )
    return MentorProfile.objects.get(user=mentor)


@transaction.atomic
def staff_user_create(*, email: str, name: str, password: str, superuser: bool = True) -> tuple[User, TOTPDevice]:
    """Create (or promote) a staff user and give them a fresh confirmed TOTP device.

    Any earlier TOTP devices and recovery codes of that user are removed, so the printed QR
    code is the only valid one.
    """
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email)
    user.name = name or user.name or email.split("@")[0]
    user.role = Role.ADMIN
    user.is_staff = True
    user.is_superuser = superuser
    user.is_active = True
    user.registered_at = user.registered_at or timezone.now()
    user.set_password(password)
    user.save()
    _mark_email_verified(user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()  # recovery codes of an earlier set-up end too
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user, device


def _mark_email_verified(user: User) -> None:
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


# --- Profile and settings ---------------------------------------------------------------------

WRONG_TOTP_CODE = "That code is not right. Check the time on your phone and try again."
TOTP_THROTTLED = "Too many wrong codes in a row. Wait a minute, then try the newest code."


def _full_clean(instance: models.Model, fields: list[str]) -> None:
    """Run the model's own validators (sizes, file types, timezones) on ``fields`` only."""
    exclude = [field.name for field in instance._meta.concrete_fields if field.name not in fields]
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _replace_file(instance: models.Model, name: str, new: File | None, remove: bool) -> bool:
    """Put ``new`` in file field ``name`` (or empty it when ``remove``); the old file is deleted
    from storage once the transaction commits. Returns whether the field changed."""
    field_file = getattr(instance, name)
    old_name = field_file.name
    if new is None and not (remove and old_name):
        return False
    setattr(instance, name, new if new is not None else "")
    if old_name:
        storage = field_file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return True


@transaction.atomic
def profile_update(
    *,
    user: User,
    name: str,
    avatar: File | None = None,
    remove_avatar: bool = False,
    details: dict | None = None,
) -> User:
    """Save what the Profile tab edits: everyone's name and picture, and the role's own details.

    ``details`` for a learner: ``interests`` (list), ``career_goals``; for a mentor: ``bio``,
    ``domains``, ``skills`` (lists), ``intro_video`` (a new upload or None) and
    ``remove_intro_video``. Files are checked by the models' validators (type and size) and
    an old file is deleted once the new one is saved. Raises ValidationError.
    """
    details = details or {}
    user.name = name.strip()
    fields = ["name"]
    if _replace_file(user, "avatar", avatar, remove_avatar):
        fields.append("avatar")
    _full_clean(user, fields)
    user.save(update_fields=fields)

    if user.role == Role.LEARNER:
        profile, _ = LearnerProfile.objects.get_or_create(user=user)
        profile.interests = list(details.get("interests", profile.interests))
        profile.career_goals = details.get("career_goals", profile.career_goals).strip()
        profile_fields = ["interests", "career_goals"]
    elif user.role == Role.MENTOR:
        profile, _ = MentorProfile.objects.get_or_create(user=user)
        profile.bio = details.get("bio", profile.bio).strip()
        profile.domains = list(details.get("domains", profile.domains))
        profile.skills = list(details.get("skills", profile.skills))
        profile_fields = ["bio", "domains", "skills"]
        if _replace_file(profile, "intro_video", details.get("intro_video"), details.get("remove_intro_video", False)):
            profile_fields.append("intro_video")
    else:
        return user
    _full_clean(profile, profile_fields)
    profile.save(update_fields=profile_fields)
    return user


def user_timezone_update(*, user: User, timezone_name: str) -> User:
    """Show ``user`` every time in ``timezone_name`` (an IANA name, e.g. Asia/Kolkata)."""
    user.timezone = timezone_name
    _full_clean(user, ["timezone"])
    user.save(update_fields=["timezone"])
    return user


@transaction.atomic
def payout_destination_update(
    *,
    mentor: User,
    kind: str,
    account_name: str,
    ifsc: str = "",
    account_number: str = "",
    vpa: str = "",
) -> MentorProfile:
    """Save where ``mentor``'s withdrawals go: a bank account (IFSC and number) or a UPI address.

    Checked with ``core.users.validators`` (the withdrawal checks them again); the fields of
    the other kind are emptied. Raises ValidationError keyed by the ``payout_*`` field names.
    """
    if mentor.role != Role.MENTOR:
        raise ValidationError("Only mentors have a payout destination.")
    account_name = " ".join(account_name.split())
    ifsc = ifsc.strip().upper()
    account_number = "".join(account_number.split()).replace("-", "")
    vpa = vpa.strip()
    errors: dict[str, list[str]] = {}
    if not account_name:
        errors["payout_account_name"] = ["Give the account holder's name."]
    checks = {
        PayoutKind.BANK_ACCOUNT: [
            ("payout_ifsc", ifsc, validate_ifsc),
            ("payout_account_number", account_number, validate_account_number),
        ],
        PayoutKind.VPA: [("payout_vpa", vpa, validate_vpa)],
    }
    if kind not in checks:
        errors["payout_kind"] = ["Choose a bank account or UPI."]
    for field, value, check in checks.get(kind, []):
        try:
            check(value)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    bank = kind == PayoutKind.BANK_ACCOUNT
    profile = MentorProfile.objects.select_for_update().get(user=mentor)
    profile.payout_kind = kind
    profile.payout_account_name = account_name
    profile.payout_ifsc = ifsc if bank else ""
    profile.payout_account_number = account_number if bank else ""
    profile.payout_vpa = "" if bank else vpa
    fields = ["payout_kind", "payout_account_name", "payout_ifsc", "payout_account_number", "payout_vpa"]
    _full_clean(profile, fields)
    profile.save(update_fields=fields)
    return profile


@transaction.atomic
def settings_update(
    *,
    user: User,
    timezone_name: str,
    payout: dict | None = None,
) -> User:
    """Save the timezone and, for a mentor, the payout destination (``payout``: the keyword
    arguments of ``payout_destination_update`` without ``mentor``) at once, or neither.
    ``core.realtime.services.notification_settings_update`` saves the notification choices with them."""
    errors: dict[str, list[str]] = {}
    try:
        user_timezone_update(user=user, timezone_name=timezone_name)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if payout is not None:
        try:
            payout_destination_update(mentor=user, **payout)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return user


def user_password_change(*, user: User, password: str) -> User:
    """Give ``user`` a new password (already checked by the password validators).

    The view keeps the person signed in (``update_session_auth_hash``); other sessions end.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


# --- Two-factor (TOTP) ------------------------------------------------------------------------


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
