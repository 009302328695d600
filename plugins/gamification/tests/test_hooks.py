import pytest

from core import pluginmanager
from core.users.services import user_complete_registration
from core.users.tests.factories import user_make
from plugins.gamification.models import PointAward

pytestmark = pytest.mark.django_db


def test_joining_earns_points_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        learner = user_make(email="l@example.com", role="learner")
    with django_capture_on_commit_callbacks(execute=True):
        user_complete_registration(user=learner)  # a second confirmation announces nothing
    assert list(PointAward.objects.filter(user=learner).values_list("reason", "points")) == [("joined", 10)]


def test_points_panel_and_badges_show_the_real_total(django_capture_on_commit_callbacks, rf):
    with django_capture_on_commit_callbacks(execute=True):
        learner = user_make(email="l@example.com", role="learner")
    other = user_make(email="o@example.com", role="learner", registered=False)
    request = rf.get("/")
    request.user = learner
    panels = pluginmanager.collect("dashboard_panels", request=request)
    assert [p.context for p in panels if p.template == "gamification/points_panel.html"] == [{"points": 10}]
    badges = {}
    for result in pluginmanager.call_each("profile_badges", users=[learner, other]):
        badges.update(result)
    assert [b.label for b in badges[learner.pk]] == ["10 pts"]
    assert other.pk not in badges
