"""``core/users/services``: the writes about people."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import hooks
from core.users import services
from core.users.models import LearnerProfile, MentorProfile, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered_signals():
    received = []

    def receiver(sender, user, **kwargs):
        received.append((user.pk, user.registered_at))

    hooks.user_registered.connect(receiver, dispatch_uid="test-services-registered")
    yield received
    hooks.user_registered.disconnect(dispatch_uid="test-services-registered")


# --- user_create_with_role -----------------------------------------------------------------


def test_user_create_with_role_learner():
    user = services.user_create_with_role(
        user=User(email="neha@example.com"),
        name="  Neha K ",
        role=Role.LEARNER,
        details={"interests": ("Python", "SQL"), "career_goals": "Analyst"},
    )

    user.refresh_from_db()
    assert user.name == "Neha K"
    assert user.role == Role.LEARNER
    assert user.registered_at is None
    assert user.learner_profile.interests == ["Python", "SQL"]
    assert user.learner_profile.career_goals == "Analyst"
    assert not MentorProfile.objects.filter(user=user).exists()


def test_user_create_with_role_mentor():
    user = services.user_create_with_role(
        user=User(email="ravi@example.com"),
        name="Ravi",
        role=Role.MENTOR,
        details={"domains": ["Programming"], "skills": ["Django"], "bio": "Hi"},
    )

    profile = MentorProfile.objects.get(user=user)
    assert (profile.domains, profile.skills, profile.bio) == (["Programming"], ["Django"], "Hi")
    assert profile.is_approved is False
    assert profile.approved_at is None
    assert not LearnerProfile.objects.filter(user=user).exists()


def test_user_create_with_role_defaults_missing_details():
    user = services.user_create_with_role(user=User(email="m@example.com"), name="M", role=Role.MENTOR, details={})

    assert (user.mentor_profile.domains, user.mentor_profile.skills, user.mentor_profile.bio) == ([], [], "")


@pytest.mark.parametrize("role", [Role.ADMIN, "teacher", ""])
def test_user_create_with_role_refuses_other_roles(role):
    with pytest.raises(ValueError, match="People register as learners or mentors"):
        services.user_create_with_role(user=User(email="x@example.com"), name="X", role=role, details={})

    assert not User.objects.exists()


# --- user_complete_registration --------------------------------------------------------------


def test_user_complete_registration_sets_registered_at_and_signals_once(
    django_capture_on_commit_callbacks, registered_signals
):
    user = services.user_create_with_role(
        user=User(email="neha@example.com"), name="Neha", role=Role.LEARNER, details={"interests": ["Python"]}
    )
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.user_complete_registration(user=user) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert services.user_complete_registration(user=user) is False

    assert user.registered_at >= before
    assert registered_signals == [(user.pk, user.registered_at)]
    user.refresh_from_db()
    assert registered_signals == [(user.pk, user.registered_at)]


def test_user_complete_registration_signals_only_after_commit(django_capture_on_commit_callbacks, registered_signals):
    user = services.user_create_with_role(
        user=User(email="neha@example.com"), name="Neha", role=Role.LEARNER, details={"interests": ["Python"]}
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.user_complete_registration(user=user)

    assert registered_signals == []
    assert len(callbacks) == 1


def test_user_complete_registration_keeps_the_first_time(learner):
    first = learner.registered_at

    assert services.user_complete_registration(user=learner) is False

    learner.refresh_from_db()
    assert learner.registered_at == first


def test_a_failing_plugin_receiver_does_not_break_registration(django_capture_on_commit_callbacks):
    def broken(sender, user, **kwargs):
        raise RuntimeError("a plugin is broken")

    hooks.user_registered.connect(broken, dispatch_uid="test-services-broken")
    try:
        user = services.user_create_with_role(
            user=User(email="neha@example.com"), name="Neha", role=Role.LEARNER, details={"interests": ["Python"]}
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert services.user_complete_registration(user=user) is True
    finally:
        hooks.user_registered.disconnect(dispatch_uid="test-services-broken")

    assert User.objects.get(pk=user.pk).registered_at is not None


# --- mentor_approve ----------------------------------------------------------------------------


def test_mentor_approve_and_withdraw(mentor):
    profile = services.mentor_approve(mentor=mentor)

    assert profile.is_approved
    assert profile.approved_at is not None
    assert MentorProfile.objects.get(user=mentor).is_approved

    profile = services.mentor_approve(mentor=mentor, approved=False)

    assert not profile.is_approved
    assert profile.approved_at is None
    assert not MentorProfile.objects.get(user=mentor).is_approved


def test_mentor_approve_needs_a_mentor_profile(learner):
    with pytest.raises(MentorProfile.DoesNotExist):
        services.mentor_approve(mentor=learner)


# --- staff_user_create -------------------------------------------------------------------------


def test_staff_user_create_new(password):
    user, device = services.staff_user_create(email=" Sam@Example.com ", name="", password=password)

    user.refresh_from_db()
    assert user.email == "sam@example.com"
    assert user.name == "sam"
    assert (user.role, user.is_staff, user.is_superuser, user.is_active) == (Role.ADMIN, True, True, True)
    assert user.registered_at is not None
    assert user.check_password(password)
    assert device.user == user
    assert device.confirmed
    assert EmailAddress.objects.get(user=user).verified
    assert EmailAddress.objects.get(user=user).primary


def test_staff_user_create_not_superuser(password):
    user, _ = services.staff_user_create(email="ops@example.com", name="Ops", password=password, superuser=False)

    assert user.is_staff
    assert not user.is_superuser


def test_staff_user_create_again_replaces_the_device_and_keeps_the_name(staff):
    first = TOTPDevice.objects.get(user=staff)
    first_registered = staff.registered_at

    user, device = services.staff_user_create(email=staff.email, name="", password="another-strong-one-77")

    assert user.pk == staff.pk
    assert user.name == "Sara Staff"
    assert user.registered_at == first_registered
    assert list(TOTPDevice.objects.filter(user=user)) == [device]
    assert device.pk != first.pk
    assert user.check_password("another-strong-one-77")
    assert EmailAddress.objects.filter(user=user).count() == 1


def test_staff_user_create_promotes_and_unblocks_an_existing_person(learner, password):
    learner.is_active = False
    learner.save(update_fields=["is_active"])

    user, _ = services.staff_user_create(email=learner.email, name="", password=password)

    assert user.pk == learner.pk
    assert (user.role, user.is_staff, user.is_active) == (Role.ADMIN, True, True)
