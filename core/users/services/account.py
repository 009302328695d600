"""Writes about people's accounts: registration with a role, approval of mentors, staff, passwords.

Views, forms, admin and commands call these; nothing else saves users."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import hooks
from core.users.models import LearnerProfile, MentorProfile, Role, User
from core.users.roles import staff_roles_sync


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


REVIEW_NOTE_MAX = 1000


@transaction.atomic
def mentor_review(*, mentor: User, approved: bool, note: str = "") -> MentorProfile:
    """Staff's decision in the approval queue: approve, or not (yet), with a message the mentor
    reads in the app and by email. Not approving needs the message (what should change); the
    mentor leaves the queue until they change their profile. Approving an approved mentor again
    changes nothing. Raises ValidationError."""
    note = (note or "").strip()
    if len(note) > REVIEW_NOTE_MAX:
        raise ValidationError({"note": f"Keep the message under {REVIEW_NOTE_MAX} characters."})
    if not approved and not note:
        raise ValidationError({"note": "Tell the mentor what to change: they read this message."})
    profile = MentorProfile.objects.select_for_update().get(user=mentor)
    if approved and profile.is_approved:
        return profile
    now = timezone.now()
    profile.is_approved = approved
    profile.approved_at = now if approved else None
    profile.reviewed_at = now
    profile.review_note = note
    profile.save(update_fields=["is_approved", "approved_at", "reviewed_at", "review_note"])
    transaction.on_commit(
        lambda: hooks.mentor_approval_changed.send_robust(sender=User, user=mentor, is_approved=approved)
    )
    return profile


@transaction.atomic
def user_block(*, user: User) -> bool:
    """Block a person: they cannot sign in, and every signed-in page and socket of theirs stops
    (Django refuses an inactive account's session). Compare-and-swap: True if this call blocked
    them. What follows (their sessions and bookings cancelled, sockets closed) is the caller's
    to do: ``core.console.services.person_block``."""
    if user.is_superuser:
        raise ValidationError("A superuser cannot be blocked here; take away their superuser status first.")
    changed = User.objects.filter(pk=user.pk, is_active=True).update(is_active=False)
    user.is_active = False
    return bool(changed)


@transaction.atomic
def user_unblock(*, user: User) -> bool:
    """Let a blocked person sign in again. True if this call unblocked them."""
    changed = User.objects.filter(pk=user.pk, is_active=False).update(is_active=True)
    user.is_active = True
    return bool(changed)


ERASED_NAME = "Erased person"


@transaction.atomic
def user_erase(*, user: User) -> dict[str, list[int]]:
    """Anonymise a person's account on their request (DPDP): name, email, picture, profile,
    payout destination, two-factor devices and email addresses go; the row stays (payments,
    bookings and the ledger point at it, and the law asks to keep money records), blocked, with
    an unusable password. Returns ``{model label: [ids]}`` of the rows about them, for the audit
    trail's redaction. Idempotent."""
    about: dict[str, list[int]] = {"users.user": [user.pk]}
    for field in ("avatar",):
        stored = getattr(user, field)
        if stored:
            stored.delete(save=False)
    user.name = ERASED_NAME
    user.email = f"erased-{user.pk}@erased.invalid"
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["name", "email", "is_active", "password", "avatar"])
    learner = LearnerProfile.objects.filter(user=user).first()
    if learner is not None:
        learner.interests, learner.career_goals = [], ""
        learner.save(update_fields=["interests", "career_goals"])
        about["users.learnerprofile"] = [learner.pk]
    mentor = MentorProfile.objects.filter(user=user).first()
    if mentor is not None:
        if mentor.intro_video:
            mentor.intro_video.delete(save=False)
        mentor.bio, mentor.domains, mentor.skills, mentor.review_note = "", [], [], ""
        mentor.payout_kind = mentor.payout_account_name = mentor.payout_ifsc = ""
        mentor.payout_account_number = mentor.payout_vpa = ""
        mentor.save()
        about["users.mentorprofile"] = [mentor.pk]
    for model in (EmailAddress, TOTPDevice, StaticDevice):
        rows = model.objects.filter(user=user)
        about[model._meta.label_lower] = list(rows.values_list("pk", flat=True))
        rows.delete()
    return about


@transaction.atomic
def staff_user_create(
    *, email: str, name: str, password: str, superuser: bool = True, roles: tuple[str, ...] = ()
) -> tuple[User, TOTPDevice]:
    """Create (or promote) a staff user and give them a fresh confirmed TOTP device. ``roles``
    are staff roles ("Support", "Finance", "Moderator": ``core/users/roles.py``) they join.

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
    if roles:
        user.groups.add(*staff_roles_sync_for(roles))
    _mark_email_verified(user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()  # recovery codes of an earlier set-up end too
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user, device


def staff_roles_sync_for(roles: tuple[str, ...]) -> list:
    """The groups of ``roles`` (made with their permissions if missing). ValueError for a role
    that does not exist."""
    groups = staff_roles_sync()
    unknown = [role for role in roles if role not in groups]
    if unknown:
        raise ValueError(f"No such staff role: {', '.join(unknown)} (there are {', '.join(groups)}).")
    return [groups[role] for role in roles]


def _mark_email_verified(user: User) -> None:
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


def user_password_change(*, user: User, password: str) -> User:
    """Give ``user`` a new password (already checked by the password validators).

    The view keeps the person signed in (``update_session_auth_hash``); other sessions end.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
