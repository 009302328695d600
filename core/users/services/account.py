"""Writes about people's accounts: registration with a role, approval of mentors, staff, passwords.

Views, forms, admin and commands call these; nothing else saves users."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import hooks
from core.users.models import LearnerProfile, MentorProfile, Role, User


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


def user_password_change(*, user: User, password: str) -> User:
    """Give ``user`` a new password (already checked by the password validators).

    The view keeps the person signed in (``update_session_auth_hash``); other sessions end.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
