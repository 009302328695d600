"""``core/users/models.py``: the user model and its manager."""

from __future__ import annotations

import pytest

from core.users.models import Role, User

pytestmark = pytest.mark.django_db


def test_create_user_lowercases_the_email():
    user = User.objects.create_user("Neha@Example.COM", "a-Long-enough-passphrase", name="Neha")

    assert user.email == "neha@example.com"
    assert user.check_password("a-Long-enough-passphrase")
    assert not user.is_staff
    assert user.role == Role.LEARNER


def test_create_user_needs_an_email():
    with pytest.raises(ValueError, match=r"^An email address is required\.$"):
        User.objects.create_user("", "x")


def test_create_superuser_is_an_admin():
    user = User.objects.create_superuser("root@example.com", "a-Long-enough-passphrase", name="Root")

    assert (user.is_staff, user.is_superuser, user.role) == (True, True, Role.ADMIN)


def test_names_and_roles(learner, mentor, staff):
    assert str(learner) == "Asha Learner <asha@example.com>"
    assert learner.get_full_name() == "Asha Learner"
    assert learner.get_short_name() == "Asha"
    assert (learner.is_learner, learner.is_mentor) == (True, False)
    assert (mentor.is_learner, mentor.is_mentor) == (False, True)
    assert (staff.is_learner, staff.is_mentor) == (False, False)


def test_nameless_user_falls_back_to_the_email():
    user = User(email="x@example.com")

    assert str(user) == "x@example.com"
    assert user.get_short_name() == "x@example.com"


def test_dashboard_urls(learner, mentor, staff):
    assert learner.dashboard_url == "/dashboard/learner/"
    assert mentor.dashboard_url == "/dashboard/mentor/"
    assert staff.dashboard_url == "/admin/"
