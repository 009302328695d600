"""Reads about people."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.users.models import LearnerProfile, MentorProfile, PayoutKind, Role, Topic, User


def dashboard_profile_get(*, user: User) -> LearnerProfile | MentorProfile | None:
    """The role profile shown on a dashboard (one query), or None for staff."""
    if user.role == Role.LEARNER:
        return LearnerProfile.objects.filter(user=user).first()
    if user.role == Role.MENTOR:
        return MentorProfile.objects.filter(user=user).first()
    return None


def role_profile_get(*, user: User) -> LearnerProfile | MentorProfile | None:
    """The profile of ``user``'s role for the profile pages (one query), or None for admins."""
    return dashboard_profile_get(user=user)


def payout_destination_get(*, user: User) -> dict | None:
    """The mentor's saved payout destination, as ``core.payments.services.withdrawal_request`` takes it.

    ``{"destination_kind", "account_name", "ifsc", "account_number", "vpa"}`` (the fields of the
    other kind are empty strings), or None when ``user`` is not a mentor or has saved none. One query.
    """
    if user.role != Role.MENTOR:
        return None
    profile = (
        MentorProfile.objects.filter(user=user)
        .exclude(payout_kind="")
        .values("payout_kind", "payout_account_name", "payout_ifsc", "payout_account_number", "payout_vpa")
        .first()
    )
    if profile is None:
        return None
    bank = profile["payout_kind"] == PayoutKind.BANK_ACCOUNT
    return {
        "destination_kind": profile["payout_kind"],
        "account_name": profile["payout_account_name"],
        "ifsc": profile["payout_ifsc"] if bank else "",
        "account_number": profile["payout_account_number"] if bank else "",
        "vpa": "" if bank else profile["payout_vpa"],
    }


@dataclass(frozen=True)
class TwoFactorStatus:
    """What the Security tab shows: the confirmed TOTP device (two-factor on) and one being set up."""

    device: TOTPDevice | None
    pending: TOTPDevice | None

    @property
    def is_on(self) -> bool:
        return self.device is not None


def two_factor_status_get(*, user: User) -> TwoFactorStatus:
    """``user``'s TOTP devices in one query: the newest confirmed one and the newest unconfirmed one."""
    devices = list(TOTPDevice.objects.filter(user=user).order_by("-id"))
    return TwoFactorStatus(
        device=next((device for device in devices if device.confirmed), None),
        pending=next((device for device in devices if not device.confirmed), None),
    )


TOPICS_CACHE_KEY = "users:topics:v1"


def topics_vocabulary() -> tuple[str, ...]:
    """The topic words staff keep (``Topic``), cached until one changes (one query, then none)."""
    words = cache.get(TOPICS_CACHE_KEY)
    if words is None:
        words = tuple(Topic.objects.order_by("name").values_list("name", flat=True))
        cache.set(TOPICS_CACHE_KEY, words, None)
    return words
