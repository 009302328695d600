"""The plugin's hooks as core calls them: badges for many people in one query, its kind of
notification, and nothing invented for someone who has done nothing yet."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import pluginmanager
from core.realtime import kinds
from core.users.tests.factories import user_make
from plugins.gamification.models import BadgeAward, BadgeRule, PointAward

pytestmark = pytest.mark.django_db


def test_signing_up_earns_nothing_and_the_panel_says_so_truthfully(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        learner = user_make(email="l@example.com", role="learner")
    assert not PointAward.objects.exists() and not BadgeAward.objects.exists()
    client.force_login(learner)
    home = client.get("/dashboard/learner/").content.decode()
    panel = home.split('data-testid="gamification-panel"')[1].split("</section>")[0]
    assert "<strong>0</strong> points" in panel and "<strong>0</strong> badges" in panel
    assert "0 of 1 session" in panel  # the closest next badge: the first session


def test_badges_for_many_people_in_one_query():
    rule = BadgeRule.objects.get(key="first-session")
    people = [user_make(email=f"p{n}@example.com", role="learner") for n in range(5)]
    for person in people[:4]:
        BadgeAward.objects.create(user=person, rule=rule, name="First session", awarded_at=person.date_joined)
    BadgeAward.objects.filter(user=people[3]).update(revoked_at=people[3].date_joined, revoked_reason="Refunded")
    with CaptureQueriesContext(connection) as captured:
        badges = pluginmanager.badges_for(people)
    assert len(captured) == 1
    assert {user_id: [badge.label for badge in found] for user_id, found in badges.items()} == {
        person.pk: ["First session"] for person in people[:3]
    }
    assert badges[people[0].pk][0].icon == "check-circle"
    assert "Your first session that counted" in badges[people[0].pk][0].title


def test_the_badge_kind_celebrates_and_offers_email_off_by_default():
    info = kinds.kind_get("gamification.badge_earned")
    assert info is not None and info.celebrate and info.email_template is not None
    assert (info.in_app_default, info.email_default) == (True, False)
    assert set(info.roles) == {"learner", "mentor"}
