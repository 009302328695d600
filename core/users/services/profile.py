"""Writes about a person's profile: name, picture and role details; timezone; a mentor's payout
destination."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone

from core import hooks
from core.users.models import LearnerProfile, MentorProfile, PayoutKind, Role, Topic, User
from core.users.selectors import TOPICS_CACHE_KEY
from core.users.validators import validate_account_number, validate_ifsc, validate_vpa
from core.users.vocabulary import TOPICS

# --- Profile and settings ---------------------------------------------------------------------


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
        if not profile.is_approved and profile.reviewed_at is not None:
            profile.reviewed_at = None  # changed after staff asked for changes: back in the approval queue
            profile_fields.append("reviewed_at")
    else:
        return user
    _full_clean(profile, profile_fields)
    profile.save(update_fields=profile_fields)
    transaction.on_commit(lambda: hooks.profile_updated.send_robust(sender=User, user=user))
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


def topics_seed() -> int:
    """The starter vocabulary (``core.users.vocabulary.TOPICS``) when staff keep none yet: after
    a migrate, and after a test empties the tables. Returns how many topics were made."""
    if Topic.objects.exists():
        return 0
    made = Topic.objects.bulk_create([Topic(name=name) for name in dict.fromkeys(TOPICS)], ignore_conflicts=True)
    cache.delete(TOPICS_CACHE_KEY)
    return len(made)


def welcome_tour_finish(*, user: User) -> bool:
    """``user`` finished or closed the welcome tour: it is not shown again. False if it was done."""
    return bool(User.objects.filter(pk=user.pk, welcome_tour_done_at=None).update(welcome_tour_done_at=timezone.now()))
