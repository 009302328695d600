import pytest

from core.users.tests.factories import user_make
from plugins.recommendations.models import TopicPreference

pytestmark = pytest.mark.django_db


def test_a_learners_interests_become_topic_preferences(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        learner = user_make(email="l@example.com", role="learner", details={"interests": ["Python", "Data Science"]})
    topics = set(TopicPreference.objects.filter(user=learner).values_list("topic", flat=True))
    assert topics == {"python", "data science"}


def test_mentors_get_no_preferences(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_make(email="m@example.com", role="mentor")
    assert not TopicPreference.objects.exists()
