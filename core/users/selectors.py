"""Reads about people."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.users.models import Follow, LearnerProfile, MentorProfile, PayoutKind, Role, Topic, User


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


# --- Following ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowState:
    """What a Follow button shows: the mentor, how many follow them, whether the viewer does and
    whether the viewer may (a learner; anyone else sees the count only)."""

    mentor_id: int
    mentor_name: str
    followers: int
    following: bool
    can_follow: bool


def follower_counts(*, mentor_ids) -> dict[int, int]:
    """``{mentor id: how many follow them now}``, blocked and erased accounts not counted (one
    query; mentors nobody follows are absent)."""
    rows = (
        Follow.objects.filter(mentor_id__in=list(mentor_ids), ended_at=None, follower__is_active=True)
        .values("mentor_id")
        .annotate(count=Count("id"))
    )
    return {row["mentor_id"]: row["count"] for row in rows}


def follow_state_get(*, viewer, mentor: User) -> FollowState:
    """The Follow button's state for ``viewer`` (anyone, signed in or not) on ``mentor`` (two queries)."""
    is_learner = bool(getattr(viewer, "is_authenticated", False)) and viewer.role == Role.LEARNER
    following = is_learner and Follow.objects.filter(follower=viewer, mentor=mentor, ended_at=None).exists()
    return FollowState(
        mentor_id=mentor.pk,
        mentor_name=mentor.name,
        followers=follower_counts(mentor_ids=[mentor.pk]).get(mentor.pk, 0),
        following=following,
        can_follow=is_learner or not getattr(viewer, "is_authenticated", False),
    )


def followers_of(*, mentor: User):
    """The active people following ``mentor`` now, oldest follow first (a queryset of users)."""
    return User.objects.filter(follows__mentor=mentor, follows__ended_at=None, is_active=True).order_by(
        "follows__created_at", "pk"
    )


def follower_counts_by_day(*, mentor: User, days) -> list[int]:
    """How many followed ``mentor`` at the end of each of ``days`` (aware datetimes, the end of
    each period, ascending): unfollows end a row, they do not delete it; blocked and erased
    accounts are left out, as in ``follower_counts`` (one query)."""
    days = list(days)
    if not days:
        return []
    follows = Follow.objects.filter(mentor=mentor, created_at__lt=days[-1], follower__is_active=True)
    rows = list(follows.values_list("created_at", "ended_at"))
    return [
        sum(1 for created, ended in rows if created < moment and (ended is None or ended >= moment)) for moment in days
    ]
