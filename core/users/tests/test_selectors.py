"""``core/users/selectors.py``: the reads about people."""

from __future__ import annotations

import pytest

from core.users.models import LearnerProfile, MentorProfile
from core.users.selectors import dashboard_profile_get

pytestmark = pytest.mark.django_db


def test_dashboard_profile_of_a_learner(learner, django_assert_num_queries):
    with django_assert_num_queries(1):
        profile = dashboard_profile_get(user=learner)

    assert isinstance(profile, LearnerProfile)
    assert profile.user_id == learner.pk


def test_dashboard_profile_of_a_mentor(mentor, django_assert_num_queries):
    with django_assert_num_queries(1):
        profile = dashboard_profile_get(user=mentor)

    assert isinstance(profile, MentorProfile)
    assert profile.user_id == mentor.pk


def test_dashboard_profile_of_staff_is_none(staff, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert dashboard_profile_get(user=staff) is None
