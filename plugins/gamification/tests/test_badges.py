"""Badges and points from core's real records and signals: awarded once, shown where people
look, rebuilt and revoked (with a reason in the admin log) by the recompute."""

from __future__ import annotations

import html
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import pluginmanager
from core.bookings.disputes import dispute_open, dispute_settle
from core.bookings.models import DisputeSource, DisputeStatus
from core.realtime.models import Notification
from core.room.feedback import feedback_submit
from core.users.tests.factories import user_make
from plugins.gamification import rules, services
from plugins.gamification.models import BadgeAward, BadgeRule, PointAward
from plugins.gamification.tests.factories import attended

pytestmark = pytest.mark.django_db


def _badges(user) -> set[str]:
    return set(BadgeAward.objects.filter(user=user, revoked_at__isnull=True).values_list("name", flat=True))


def test_the_starter_rules_are_there():
    assert set(BadgeRule.objects.values_list("key", flat=True)) == {
        "first-session",
        "five-sessions",
        "twenty-five-sessions",
        "topic-pro",
        "streak-4",
        "streak-12",
        "top-rated",
    }
    top = BadgeRule.objects.get(key="top-rated")
    assert (top.threshold, float(top.min_average), top.audience) == (20, 4.5, "mentor")


def test_a_completed_session_both_attended_awards_both_once_and_tells_them_live(
    mentor, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session, _booking = attended(mentor, learner, days_ago=1)
    assert _badges(learner) == {"First session"} and _badges(mentor) == {"First session"}
    told = Notification.objects.filter(user=learner, kind="gamification.badge_earned")
    assert [(n.title, n.url) for n in told] == [("You earned First session", "/dashboard/learner/progress/#badges")]
    assert Notification.objects.get(user=mentor, kind="gamification.badge_earned").url == "/profile/#badges"
    assert PointAward.objects.filter(user=learner).values_list("reason", "points").get() == ("session", 10)

    # The same signal again, and a sync out of turn: nothing new, nobody told twice.
    with django_capture_on_commit_callbacks(execute=True):
        pluginmanager.pm.hook.on_session_completed(session=session)
    services.standing_sync(user=learner)
    assert BadgeAward.objects.filter(user=learner).count() == 1
    assert Notification.objects.filter(kind="gamification.badge_earned").count() == 2
    assert PointAward.objects.filter(user=learner).count() == 1


def test_less_than_half_the_session_together_earns_nothing(mentor, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attended(mentor, learner, days_ago=1, learner_minutes=29)
    assert _badges(learner) == set() and _badges(mentor) == set()
    assert not PointAward.objects.exists()
    assert not Notification.objects.filter(kind="gamification.badge_earned").exists()


def test_python_pro_after_ten_python_sessions_with_progress_on_the_way(
    mentor, learner, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for day in range(7):
            attended(mentor, learner, days_ago=70 - 7 * day, topics=("python", "Django"))
    client.force_login(learner)
    page = html.unescape(client.get("/dashboard/learner/progress/").content.decode())
    assert "7 of 10 Python sessions" in page and "7 of 10 Django sessions" in page
    assert "Python Pro" not in _badges(learner)
    with django_capture_on_commit_callbacks(execute=True):
        for day in range(3):
            attended(mentor, learner, days_ago=3 - day, topics=("Python",))
    assert {"Python Pro", "First session", "5 sessions"} <= _badges(learner)
    assert "Python Pro" in _badges(mentor)  # as learner or as mentor
    assert "Django Pro" not in _badges(learner)
    section = client.get("/dashboard/learner/progress/").content.decode().split('data-testid="gamification"')[1]
    assert "Python Pro" in section and "10 sessions on Python that counted" in html.unescape(section)


def test_top_rated_comes_with_the_twentieth_verified_review_at_the_average(mentor, django_capture_on_commit_callbacks):
    BadgeRule.objects.filter(key="top-rated").update(threshold=3)
    learners = [user_make(email=f"l{n}@example.com", role="learner") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        bookings = [attended(mentor, person, days_ago=1 + n)[1] for n, person in enumerate(learners)]
        feedback_submit(booking=bookings[0], learner=learners[0], rating=5)
        feedback_submit(booking=bookings[1], learner=learners[1], rating=4)
    assert "Top rated" not in _badges(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        feedback_submit(booking=bookings[2], learner=learners[2], rating=5)  # 3 reviews, 4.67
    assert "Top rated" in _badges(mentor)
    assert PointAward.objects.filter(user=learners[0], reason="feedback").count() == 1


def test_a_refunded_session_is_revoked_with_its_reason_in_the_admin_log(
    mentor, learner, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _session, booking = attended(mentor, learner, days_ago=0)
    assert _badges(learner) == {"First session"}
    dispute, _ = dispute_open(booking=booking, learner=learner, reason="No show", source=DisputeSource.BOOKING_PAGE)
    with django_capture_on_commit_callbacks(execute=True):
        dispute_settle(dispute=dispute, by=staff, decision=DisputeStatus.REFUNDED, note="Mentor left early.")
    award = BadgeAward.objects.get(user=learner)
    assert award.revoked_at is not None and "0 of 1 session now count" in award.revoked_reason
    entry = LogEntry.objects.get(object_id=str(award.pk))
    assert entry.user == staff and "Revoked “First session”" in entry.change_message
    assert _badges(mentor) == set() and not PointAward.objects.filter(user=learner).exists()
    # Shown nowhere any more.
    assert learner.pk not in services.badges_by_user(user_ids=[learner.pk])


def test_recompute_rebuilds_from_the_records_and_reports_the_differences(
    mentor, learner, staff, django_capture_on_commit_callbacks
):
    attended(mentor, learner, days_ago=2)  # no signal delivered: as if the plugin was off then
    attended(mentor, learner, days_ago=1, learner_minutes=10)  # does not count
    stale = BadgeAward.objects.create(
        user=learner,
        rule=BadgeRule.objects.get(key="five-sessions"),
        name="5 sessions",
        awarded_at=mentor.date_joined,
    )
    PointAward.objects.create(user=learner, reason="session", reference="session:999999", points=10)
    out = io.StringIO()
    call_command("gamification_recompute", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue() and _badges(learner) == {"5 sessions"}

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("gamification_recompute", "--by", staff.email, stdout=out)
    report = out.getvalue()
    assert f"{learner.email}: awarded First session; revoked 5 sessions; points +10 -10" in report
    assert "badges awarded" in report
    assert _badges(learner) == {"First session"} and _badges(mentor) == {"First session"}
    stale.refresh_from_db()
    assert stale.revoked_at is not None and "1 of 5 sessions now count" in stale.revoked_reason
    assert LogEntry.objects.filter(user=staff, object_id=str(stale.pk)).exists()

    again = io.StringIO()
    call_command("gamification_recompute", stdout=again)
    assert "0 badges awarded, 0 restored, 0 revoked; 0 points added, 0 removed" in again.getvalue()


def test_the_profile_shows_badges_streaks_and_the_points_rules_that_apply(
    mentor, learner, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for week in range(2):
            attended(mentor, learner, days_ago=7 * (1 - week) + 1)
        bookings = list(learner.bookings.all())
        feedback_submit(booking=bookings[0], learner=learner, rating=5)
    client.force_login(learner)
    page = html.unescape(client.get("/profile/").content.decode())
    section = page.split('data-testid="gamification"')[1]
    points = 2 * rules.POINTS_SESSION + rules.POINTS_FEEDBACK + rules.POINTS_STREAK_WEEK
    assert f'data-testid="points">{points}<' in section
    assert 'data-testid="best-streak">2 weeks<' in section
    for _reason, value, text in rules.POINT_RULES:
        assert f"{value} points</strong> {text}" in section
    badges = page.split('data-testid="plugin-badges"')[1].split("</ul>")[0]
    assert "First session" in badges
    home = client.get("/dashboard/learner/").content.decode()
    assert 'data-testid="gamification-panel"' in home and f"<strong>{points}</strong> points" in home


def test_badges_show_on_the_session_page_and_the_landing_cards_in_constant_queries(
    mentor, client, django_capture_on_commit_callbacks
):
    from core.mentoring.tests.factories import session_make
    from core.users.services import mentor_approve

    mentor_approve(mentor=mentor)
    upcoming = session_make(mentor=mentor, title="Python next week", hours_from_now=24 * 7)

    def queries(url: str) -> int:
        client.get(url)  # warm caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = (queries(f"/sessions/{upcoming.pk}/"), queries("/"))
    learners = [user_make(email=f"q{n}@example.com", role="learner") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for n, person in enumerate(learners):
            attended(mentor, person, days_ago=30 - 7 * n, topics=("Python", "SQL", "Go"))
    BadgeRule.objects.filter(key="topic-pro").update(threshold=1)
    services.standing_sync(user=mentor)
    assert len(_badges(mentor)) >= 4
    from django.core.cache import cache

    cache.clear()
    assert (queries(f"/sessions/{upcoming.pk}/"), queries("/")) == before
    page = client.get(f"/sessions/{upcoming.pk}/").content.decode()
    assert "Python Pro" in page.split('data-testid="mentor-about"')[1]
    landing = client.get("/").content.decode()
    card = landing.split(f'id="mentor-{mentor.pk}"')[1].split("</article>")[0]
    assert "SQL Pro" in card and "First session" in card


def test_staff_edit_rules_in_the_admin_with_clear_errors(client, staff):
    from core.users.tests.helpers import force_login_verified

    force_login_verified(client, staff)
    rule = BadgeRule.objects.get(key="topic-pro")
    url = f"/admin/gamification/badgerule/{rule.pk}/change/"
    form = {
        "key": rule.key,
        "name": "{topic} Expert",
        "description": rule.description,
        "icon": rule.icon,
        "order": rule.order,
        "is_active": "on",
        "kind": rule.kind,
        "audience": rule.audience,
        "threshold": "12",
        "min_average": "",
    }
    assert client.post(url, form).status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.threshold) == ("{topic} Expert", 12)

    response = client.post(url, form | {"name": "Expert", "threshold": "0"})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert 'put "{topic}" in the name' in page and "greater than or equal to 1" in page
    top = BadgeRule.objects.get(key="top-rated")
    response = client.post(
        f"/admin/gamification/badgerule/{top.pk}/change/",
        form | {"key": top.key, "name": "Top rated", "kind": "top_rated", "audience": "both", "min_average": "6"},
    )
    page = html.unescape(response.content.decode())
    assert "Only mentors receive reviews" in page and "less than or equal to 5" in page
    assert client.get("/admin/gamification/badgeaward/").status_code == 200
    assert client.get("/admin/gamification/badgeaward/add/").status_code == 403


def test_the_profile_costs_the_same_queries_however_many_badges(mentor, client, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    client.force_login(mentor)

    def profile_queries() -> int:
        cache.clear()
        client.get("/profile/")  # fills the plugin's cache, as any earlier visit does
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/profile/").status_code == 200
        return len(captured)

    before = profile_queries()
    BadgeRule.objects.filter(key="topic-pro").update(threshold=1)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            attended(
                mentor, user_make(email=f"x{n}@example.com", role="learner"), days_ago=9 - n, topics=("Go", "Rust")
            )
    assert _badges(mentor) == {"First session", "Go Pro", "Rust Pro"}
    assert profile_queries() == before
