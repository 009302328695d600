"""People: one user model (email is the login) and a profile per role."""

from __future__ import annotations

import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone as django_timezone

from core.users.validators import validate_avatar, validate_intro_video
from core.users.vocabulary import DOMAINS


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a timezone we know, for example Asia/Kolkata.")


class Role(models.TextChoices):
    LEARNER = "learner", "Learner"
    MENTOR = "mentor", "Mentor"
    ADMIN = "admin", "Admin"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create_user(email, password, **extra)


def avatar_path(instance: User, filename: str) -> str:
    return f"avatars/{instance.pk or 'new'}/{filename}"


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.LEARNER)
    timezone = models.CharField(max_length=64, default="Asia/Kolkata", validators=[validate_timezone])
    avatar = models.ImageField(
        upload_to=avatar_path,
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"]), validate_avatar],
    )
    is_staff = models.BooleanField(default=False, help_text="Can log into Django admin (with a TOTP second factor).")
    is_active = models.BooleanField(default=True, help_text="Unticking blocks the person from logging in.")
    date_joined = models.DateTimeField(default=django_timezone.now)
    registered_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person confirmed their email and finished registering."
    )
    welcome_tour_done_at = models.DateTimeField(
        null=True, blank=True, help_text="When they finished or closed the welcome tour (it is shown until then)."
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["-date_joined"]
        permissions = [
            ("block_user", "Can block and unblock people"),
            ("approve_mentor", "Can approve and reject mentors"),
            ("erase_user", "Can erase a person's personal data on request"),
        ]
        indexes = [models.Index(fields=["role"])]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    @property
    def is_mentor(self) -> bool:
        return self.role == Role.MENTOR

    @property
    def is_learner(self) -> bool:
        return self.role == Role.LEARNER

    @property
    def dashboard_url(self) -> str:
        """Where this person lands after login: their own role's dashboard."""
        if self.role == Role.MENTOR:
            return reverse("core:dashboard-mentor")
        if self.role == Role.LEARNER:
            return reverse("core:dashboard-learner")
        # Admin-role people: staff manage people and money; the others edit pages.
        return reverse("admin:index") if self.is_staff else reverse("wagtailadmin_home")


class LearnerProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile")
    interests = models.JSONField(default=list, blank=True, help_text="Topics the learner wants to learn.")
    career_goals = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"Learner profile of {self.user}"


class PayoutKind(models.TextChoices):
    """Where a mentor's withdrawals go; the same values as ``core.payments.models.DestinationKind``."""

    BANK_ACCOUNT = "bank_account", "Bank account"
    VPA = "vpa", "UPI"


def intro_video_path(instance: MentorProfile, filename: str) -> str:
    return f"intro-videos/{instance.user_id}/{filename}"


class MentorProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile")
    domains = models.JSONField(default=list, blank=True, help_text="Broad areas, e.g. Programming, Design.")
    skills = models.JSONField(default=list, blank=True, help_text="Specific skills, e.g. Python, Django.")
    bio = models.TextField(blank=True)
    intro_video = models.FileField(
        upload_to=intro_video_path,
        blank=True,
        validators=[FileExtensionValidator(["mp4", "webm", "mov"]), validate_intro_video],
        help_text="MP4, WebM or MOV, at most 50 MB.",
    )
    is_approved = models.BooleanField(
        default=False, help_text="Approved mentors' sessions are public. Set by an admin."
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Staff's last decision in the approval queue, and the message that reached the mentor. A
    # mentor who was not approved leaves the queue until they change their profile.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField("message to the mentor", blank=True)
    # The saved payout destination, which the withdrawal form offers (checked by core/users/validators.py).
    payout_kind = models.CharField(max_length=12, choices=PayoutKind.choices, blank=True)
    payout_account_name = models.CharField("account holder's name", max_length=100, blank=True)
    payout_ifsc = models.CharField("IFSC", max_length=11, blank=True)
    payout_account_number = models.CharField("account number", max_length=18, blank=True)
    payout_vpa = models.CharField("UPI address", max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["is_approved"])]
        constraints = [
            # A destination is whole: a bank account has its IFSC and number, a UPI address is given.
            models.CheckConstraint(
                name="mentorprofile_payout_destination_whole",
                condition=models.Q(payout_kind="")
                | models.Q(payout_kind="bank_account", payout_vpa="")
                & ~models.Q(payout_ifsc="")
                & ~models.Q(payout_account_number="")
                & ~models.Q(payout_account_name="")
                | models.Q(payout_kind="vpa", payout_ifsc="", payout_account_number="")
                & ~models.Q(payout_vpa="")
                & ~models.Q(payout_account_name=""),
            )
        ]

    def __str__(self) -> str:
        return f"Mentor profile of {self.user}"

    @property
    def payout_account_number_masked(self) -> str:
        """``••••1234``: the saved account number as pages show it."""
        number = self.payout_account_number
        return f"••••{number[-4:]}" if number else ""


class RecoveryCodeUse(models.Model):
    """A two-factor recovery code that has been used, kept so that typing it again is answered
    "already used" rather than "wrong". Only a digest is kept; django-otp deletes the code itself
    (``StaticToken``) as it accepts it, and regenerating the codes keeps these rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_code_uses")
    code_digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(default=django_timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code_digest"], name="recoverycodeuse_once_per_user")]

    def __str__(self) -> str:
        return f"Recovery code used by {self.user} at {self.used_at:%Y-%m-%d %H:%M}"


class Topic(models.Model):
    """A word of the skills-and-interests vocabulary behind "Did you mean …?" (sessions' topics,
    mentors' skills, learners' interests). Free text is always allowed; staff keep this list in
    the admin (import and export too). Seeded from ``core.users.vocabulary.TOPICS``."""

    name = models.CharField(max_length=60, unique=True)
    domain = models.CharField(
        max_length=30, blank=True, help_text="One of the broad domains (Programming, Design…), or empty."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="users_topic_name_ci")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = " ".join((self.name or "").split())
        if not self.name:
            raise ValidationError({"name": "A topic needs a name."})
        if self.domain and self.domain not in DOMAINS:
            raise ValidationError({"domain": f"Choose one of {', '.join(DOMAINS)}, or leave it empty."})


class Follow(models.Model):
    """A learner follows a mentor: they hear when the mentor publishes a session, and the mentor
    sees how many follow them. Unfollowing ends the row instead of deleting it, so the mentor's
    analytics can count followers at any past date; following again starts a new row."""

    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(default=django_timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When they unfollowed; empty while following.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "mentor"], condition=Q(ended_at=None), name="users_follow_once_while_following"
            ),
            models.CheckConstraint(condition=~Q(follower=F("mentor")), name="users_follow_not_oneself"),
        ]
        indexes = [models.Index(fields=["mentor", "created_at"], name="users_follow_mentor_created")]

    def __str__(self) -> str:
        return f"{self.follower} follows {self.mentor}"


def _calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's private calendar feed: its address holds ``token``, a secret a calendar app
    keeps (it cannot log in). Resetting gives a new token; the old address stops working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_calendar_token)
    created_at = models.DateTimeField(default=django_timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
