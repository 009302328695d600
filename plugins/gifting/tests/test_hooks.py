import pytest

from core.users.tests.factories import user_make
from plugins.gifting.models import GiftJar

pytestmark = pytest.mark.django_db


def test_a_new_mentor_gets_a_gift_jar(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mentor = user_make(email="m@example.com", role="mentor")
    jar = GiftJar.objects.get(mentor=mentor)
    assert jar.accepts_gifts is True


def test_a_new_learner_gets_none(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_make(email="l@example.com", role="learner")
    assert not GiftJar.objects.exists()
