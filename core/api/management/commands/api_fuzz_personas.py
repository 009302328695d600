"""Create (or reset) the people the API fuzzer signs in as: a learner and an approved mentor with
known passwords, the mentor with public sessions to book. For a test deployment only
(``tests/api_fuzz/run.sh`` runs it against the database of the server it fuzzes)."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from axes.utils import reset as axes_reset
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.mentoring.models import MentoringSession
from core.mentoring.services import session_create
from core.users import services
from core.users.models import Role, User

LEARNER = "fuzz-learner@example.com"
MENTOR = "fuzz-mentor@example.com"


def _person(*, email: str, name: str, role: str, password: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email)
        user.set_password(password)
        details = {"interests": ["Python"]} if role == Role.LEARNER else {"domains": ["Testing"], "skills": ["Python"]}
        user = services.user_create_with_role(user=user, name=name, role=role, details=details)
    elif user.role != role:
        raise CommandError(f"{email} exists and is a {user.role}, not a {role}.")
    else:
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    services.user_complete_registration(user=user)
    return user


class Command(BaseCommand):
    help = (
        f"Create or reset the API fuzzer's personas: {LEARNER} and {MENTOR} (approved, with public sessions "
        "starting in 3 days and later), and forget every failed sign-in. Never on a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="The password both personas sign in with.")
        parser.add_argument("--sessions", type=int, default=20, help="Public sessions the mentor has (at least).")

    @transaction.atomic
    def handle(self, *args, password, sessions, **options):
        learner = _person(email=LEARNER, name="Fuzz Learner", role=Role.LEARNER, password=password)
        mentor = _person(email=MENTOR, name="Fuzz Mentor", role=Role.MENTOR, password=password)
        services.mentor_approve(mentor=mentor)
        now = timezone.now()
        upcoming = MentoringSession.objects.filter(mentor=mentor, starts_at__gt=now).count()
        latest = MentoringSession.objects.filter(mentor=mentor).order_by("-starts_at").first()
        first = max(now + timedelta(days=3), latest.ends_at + timedelta(hours=1) if latest else now)
        for index in range(max(sessions - upcoming, 0)):
            session_create(
                mentor=mentor,
                title=f"Fuzzing session {index + 1}",
                description="A session the API fuzzer may book.",
                topics=["Python", "Testing"],
                price_paise=50_000,
                starts_at=first + timedelta(hours=2 * index),
                duration_minutes=60,
            )
        # The fuzzer's wrong passwords lock its address out for 15 minutes (django-axes): forget them,
        # so that a second run can sign in.
        axes_reset()
        self.stdout.write(f"learner {learner.email} (id {learner.pk}), mentor {mentor.email} (id {mentor.pk})")
