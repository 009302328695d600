from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from core.mentoring import live
from core.mentoring.models import MentoringSession
from core.mentoring.selectors import mentor_list_best, session_list_public_upcoming
from core.mentoring.services import session_cancel
from core.mentoring.tests.factories import approved_mentor, session_in_progress, session_make

pytestmark = pytest.mark.django_db


def test_only_public_live_or_upcoming_sessions_soonest_first(mentor):
    guru = approved_mentor()
    later = session_make(mentor=guru, title="Later", hours_from_now=48)
    sooner = session_make(mentor=guru, title="Sooner", hours_from_now=2)
    now_on = session_in_progress(mentor=guru)
    cancelled = session_make(mentor=guru, title="Cancelled", hours_from_now=5)
    session_cancel(session=cancelled, by=guru)
    ended = session_in_progress(mentor=guru, title="Ended")
    MentoringSession.objects.filter(pk=ended.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=2)
    )
    session_make(mentor=mentor, title="Unapproved mentor")  # `mentor` is not approved

    cards = session_list_public_upcoming()

    assert [card.title for card in cards] == [now_on.title, sooner.title, later.title]
    assert [card.is_live for card in cards] == [True, False, False]
    assert cards[1].price_display == "₹1,000"
    assert cards[1].learner_pays_display == "₹1,100"
    assert cards[1].mentor_name == "Guru Mentor"


def test_blocked_mentors_disappear():
    guru = approved_mentor()
    session_make(mentor=guru)
    guru.is_active = False
    guru.save()
    assert session_list_public_upcoming() == []
    assert mentor_list_best() == []


def test_mentors_without_a_record_rank_by_upcoming_sessions_then_soonest():
    busy = approved_mentor("busy@example.com", "Busy Mentor")
    quiet = approved_mentor("quiet@example.com", "Quiet Mentor")
    session_make(mentor=quiet, title="Quiet one", hours_from_now=1)
    session_make(mentor=busy, title="Busy one", hours_from_now=5)
    session_make(mentor=busy, title="Busy two", hours_from_now=9)

    cards = mentor_list_best()

    assert [(c.name, c.upcoming_count, c.next_session.title) for c in cards] == [
        ("Busy Mentor", 2, "Busy one"),
        ("Quiet Mentor", 1, "Quiet one"),
    ]
    assert cards[0].initials == "BM"
    assert cards[0].skills == ("Python",)


@pytest.mark.parametrize("rows", [1, 50])
def test_query_count_does_not_grow_with_rows(rows, django_assert_num_queries):
    mentors = [approved_mentor(f"m{index}@example.com", f"Mentor {index}") for index in range(min(rows, 10))]
    for index in range(rows):
        session_make(mentor=mentors[index % len(mentors)], title=f"S{index}", hours_from_now=1 + index * 2)
    with django_assert_num_queries(1):
        session_list_public_upcoming()
    with django_assert_num_queries(3):  # the sessions, the ratings, the sessions given
        mentor_list_best()


def test_live_sections_are_cached_and_invalidated_by_changes(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    guru = approved_mentor()
    cache.clear()
    with django_assert_num_queries(2):
        first = live.landing_sections_get()
    with django_assert_num_queries(0):
        assert live.landing_sections_get() == first
    with django_capture_on_commit_callbacks(execute=True):
        session_make(mentor=guru, title="Fresh")
    assert [card.title for card in live.landing_sections_get().sessions] == ["Fresh"]


def test_dashboards_list_ones_own_upcoming_sessions(mentor, learner):
    from core.bookings.selectors import session_list_upcoming_for_learner
    from core.bookings.services import booking_accept
    from core.bookings.tests.factories import book_and_pay
    from core.mentoring.selectors import session_list_upcoming_for_mentor

    draft = session_make(mentor=mentor, title="Not public yet")  # `mentor` is not approved
    assert [c.title for c in session_list_upcoming_for_mentor(mentor=mentor)] == [draft.title]
    guru = approved_mentor()
    session = session_make(mentor=guru, title="Booked one")
    assert session_list_upcoming_for_learner(learner=learner) == []
    booking_accept(booking=book_and_pay(session, learner), mentor=guru)
    assert [c.title for c in session_list_upcoming_for_learner(learner=learner)] == ["Booked one"]


def test_the_mentor_dashboard_shows_their_sessions_not_an_empty_state(client, mentor):
    session_make(mentor=mentor, title="My first session")
    client.force_login(mentor)
    content = client.get("/dashboard/mentor/").content.decode()
    assert "My first session" in content
    assert "No sessions yet" not in content
