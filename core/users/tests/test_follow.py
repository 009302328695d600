"""Following a mentor: one click from their page and their sessions; followers hear when the
mentor publishes a session (in the app, and by email under their settings); the mentor sees the
count over time in analytics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.mentoring.services import session_create
from core.mentoring.tests.factories import approved_mentor, session_make
from core.realtime.models import Notification, NotificationKind, NotificationPreference
from core.users.models import Follow, Role
from core.users.selectors import follow_state_get, follower_counts, follower_counts_by_day, followers_of
from core.users.services import NOT_A_LEARNER, NOT_FOLLOWABLE, follow_start, follow_stop
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def guru():
    return approved_mentor("guru@example.com", "Guru Mentor")


def test_a_learner_follows_once_and_unfollows(learner, guru):
    assert follow_start(follower=learner, mentor=guru) is True
    assert follow_start(follower=learner, mentor=guru) is False  # a double click makes one row
    assert follower_counts(mentor_ids=[guru.pk]) == {guru.pk: 1}
    assert list(followers_of(mentor=guru)) == [learner]
    assert follow_stop(follower=learner, mentor=guru) is True
    assert follow_stop(follower=learner, mentor=guru) is False
    assert follower_counts(mentor_ids=[guru.pk]) == {}
    assert follow_start(follower=learner, mentor=guru) is True  # again: a new row, the old one kept
    assert Follow.objects.filter(follower=learner, mentor=guru).count() == 2
    learner.is_active = False  # blocked (or erased): no longer counted
    learner.save(update_fields=["is_active"])
    assert follower_counts(mentor_ids=[guru.pk]) == {}
    assert list(followers_of(mentor=guru)) == []


def test_only_learners_follow_and_only_public_mentors_are_followed(learner, mentor, guru):
    with pytest.raises(ValidationError, match=NOT_A_LEARNER):
        follow_start(follower=mentor, mentor=guru)
    with pytest.raises(ValidationError, match=NOT_FOLLOWABLE):
        follow_start(follower=learner, mentor=mentor)  # not approved: no public page
    with pytest.raises(ValidationError, match=NOT_FOLLOWABLE):
        follow_start(follower=learner, mentor=user_make(email="other@example.com", role=Role.LEARNER))
    assert not Follow.objects.exists()


def test_counts_over_time_keep_those_who_left_until_they_left(learner, guru):
    other = user_make(email="other@example.com", role=Role.LEARNER)
    now = timezone.now()
    Follow.objects.create(follower=learner, mentor=guru, created_at=now - timedelta(days=20))
    Follow.objects.create(
        follower=other, mentor=guru, created_at=now - timedelta(days=15), ended_at=now - timedelta(days=5)
    )
    days = [now - timedelta(days=25), now - timedelta(days=18), now - timedelta(days=10), now]
    assert follower_counts_by_day(mentor=guru, days=days) == [0, 1, 2, 1]
    other.is_active = False
    other.save(update_fields=["is_active"])
    assert follower_counts_by_day(mentor=guru, days=days) == [0, 1, 1, 1]  # as the mentor's page counts


def test_the_follow_button_follows_in_place_and_without_script(client, learner, guru):
    client.force_login(learner)
    url = reverse("mentoring:mentor-follow", args=[guru.pk])
    answer = client.post(url, {"follow": "1"}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    assert answer.json() == {
        "following": True,
        "followers": 1,
        "message": "You follow Guru Mentor: you will hear when they publish a session.",
    }
    page = client.get(reverse("mentoring:mentor-page-short", args=[guru.pk]), follow=True).content.decode()
    assert "1 follower<" in page and ">Following</span>" in page
    # Without script: the form posts, then back to where it came from (only a path on this site).
    back = client.post(url, {"follow": "0", "next": f"/sessions/{session_make(mentor=guru).pk}/"})
    assert back.status_code == 302 and back.url.startswith("/sessions/")
    assert not follow_state_get(viewer=learner, mentor=guru).following
    elsewhere = client.post(url, {"follow": "1", "next": "https://evil.example/"})
    assert elsewhere.url == f"/mentors/{guru.pk}-guru-mentor/"


def test_visitors_are_asked_to_log_in_and_others_see_the_count_only(client, mentor, guru):
    page = client.get(f"/mentors/{guru.pk}-guru-mentor/").content.decode()
    assert f'href="/accounts/login/?next=/mentors/{guru.pk}-guru-mentor/"' in page
    client.force_login(mentor)
    page = client.get(f"/mentors/{guru.pk}-guru-mentor/").content.decode()
    assert "0 followers" in page and "data-follow-form" not in page
    refused = client.post(reverse("mentoring:mentor-follow", args=[guru.pk]), {"follow": "1"})
    assert refused.status_code == 403
    assert not Follow.objects.exists()


def test_following_an_unknown_or_hidden_mentor_is_404(client, learner, mentor):
    client.force_login(learner)
    assert client.post(reverse("mentoring:mentor-follow", args=[mentor.pk]), {"follow": "1"}).status_code == 404
    assert client.post(reverse("mentoring:mentor-follow", args=[999999]), {"follow": "1"}).status_code == 404


def test_followers_hear_of_a_new_session_once_in_the_app_and_by_email(
    learner, guru, django_capture_on_commit_callbacks
):
    quiet = user_make(email="quiet@example.com", role=Role.LEARNER)
    gone = user_make(email="gone@example.com", role=Role.LEARNER)
    stranger = user_make(email="stranger@example.com", role=Role.LEARNER)
    for person in (learner, quiet, gone):
        follow_start(follower=person, mentor=guru)
    follow_stop(follower=gone, mentor=guru)
    NotificationPreference.objects.create(user=quiet, kind=NotificationKind.MENTOR_PUBLISHED, email=False)
    starts = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        session = session_create(
            mentor=guru,
            title="System design interviews",
            description="Practise one design end to end.",
            starts_at=starts,
            duration_minutes=60,
            price_paise=150000,
            topics=["System design"],
        )

    told = Notification.objects.filter(kind=NotificationKind.MENTOR_PUBLISHED)
    assert sorted(told.values_list("user__email", flat=True)) == sorted([learner.email, "quiet@example.com"])
    note = told.get(user=learner)
    assert note.title == "New session from Guru Mentor: System design interviews"
    assert note.url == f"/sessions/{session.pk}/"
    assert "60 minutes" in note.body and "₹1,650" in note.body  # what the learner pays, the fee on top
    assert [message.to for message in mail.outbox] == [[learner.email]]
    assert "System design interviews" in mail.outbox[0].subject
    assert f"/sessions/{session.pk}/" in mail.outbox[0].body
    assert not Notification.objects.filter(user=stranger).exists()

    from core.realtime.services.reminder import followers_session_notify

    assert followers_session_notify(session=session) == 0  # a retried task tells nobody twice
    assert told.count() == 2 and len(mail.outbox) == 1


def test_the_mentors_analytics_show_followers(client, learner, guru):
    follow_start(follower=learner, mentor=guru)
    client.force_login(guru)
    page = client.get(reverse("core:mentor-analytics")).content.decode()
    assert 'data-chart="followers"' in page
    assert '<p class="stat-card__value">1</p><p class="stat-card__hint muted small">+1 in 12 weeks' in page


def test_the_rooms_end_screen_offers_the_learner_to_follow_the_mentor(client, learner, guru):
    from core.mentoring.tests.factories import session_booked
    from core.room.attendance import session_complete
    from core.room.presence import presence_join

    session, _booking = session_booked(mentor=guru, learner=learner, starts_in=timedelta(minutes=-5))
    presence_join(session=session, user=guru)
    presence_join(session=session, user=learner)
    room = reverse("mentoring:room", args=[session.room_id])
    client.force_login(learner)
    live = client.get(room).content.decode()  # the live room: the end screen is part of the page
    assert 'data-screen-part="end"' in live
    assert 'data-testid="end-follow"' in live and "Follow Guru Mentor to hear" in live
    session_complete(session=session)
    after = client.get(room).content.decode()  # after the session: the page of what it left behind
    assert 'data-testid="after-session"' in after and 'data-testid="end-follow"' in after
    client.force_login(guru)
    assert 'data-testid="end-follow"' not in client.get(room).content.decode()  # nobody follows themselves
