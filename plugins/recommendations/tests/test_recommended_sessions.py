"""The recommender in the product: what it suggests, why, from where, and what it never suggests."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core.cache import cache

from core import pluginmanager
from core.bookings.tests.factories import book_and_pay
from core.mentoring.services import session_update
from core.mentoring.tests.factories import approved_mentor, session_booked, session_make
from core.realtime.kinds import refreshes_of
from core.realtime.models import Notification
from core.users.services import profile_update
from core.users.tests.factories import user_make
from plugins.recommendations import services, tasks
from plugins.recommendations.models import Dismissal, Ranked, StoredSuggestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def pythonista(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return user_make(email="py@example.com", name="Pia", role="learner", details={"interests": ["Python", "SQL"]})


def _suggested(user, limit: int = 6) -> list[tuple[int, str]]:
    """Rank again now, as the background task would after the data below changed (in a test the
    on-commit hooks that trigger it do not run unless captured), and read what the panel gets."""
    cache.clear()
    services.catalogue_forget()
    services.recompute(user=user)
    found = pluginmanager.call_first("recommended_sessions", user=user, limit=limit)
    return [(item.session.id, item.reason) for item in found]


def test_bookable_sessions_on_the_learners_interests_each_with_its_reason(pythonista, other_learner, mentor):
    guru = approved_mentor()
    python = session_make(mentor=guru, title="Python basics", topics=["python", "Loops"])
    sql = session_make(mentor=guru, title="Joins", topics=["SQL"], hours_from_now=48)
    session_make(mentor=guru, title="Go basics", topics=["Go"], hours_from_now=72)  # nothing to go on: not suggested
    already = session_make(mentor=guru, title="Python, booked", topics=["Python"], hours_from_now=30)
    book_and_pay(already, pythonista)  # their own request: not suggested again
    taken, _ = session_booked(mentor=mentor, learner=other_learner, starts_in=timedelta(hours=3), topics=["Python"])

    found = _suggested(pythonista)
    assert sorted(found) == sorted(
        [(python.pk, "Because you're interested in Python"), (sql.pk, "Because you're interested in SQL")]
    )
    assert taken.pk not in {session_id for session_id, _ in found}  # confirmed for someone else: not bookable
    assert len(pluginmanager.call_first("recommended_sessions", user=pythonista, limit=1)) == 1


def test_the_dashboard_shows_them_with_the_reason_and_not_interested_hides_one_for_good(
    client, pythonista, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # publishing ranks again for learners of SQL
        session = session_make(mentor=approved_mentor(), title="SQL joins", topics=["SQL"])
    client.force_login(pythonista)
    panel = client.get("/dashboard/learner/").content.decode().split('data-testid="recommended"')[1]
    assert f'href="/sessions/{session.pk}/"' in panel and "Because you&#x27;re interested in SQL" in panel
    assert f'action="/p/recommendations/dismiss/{session.pk}/"' in panel

    response = client.post(f"/p/recommendations/dismiss/{session.pk}/", follow=True)
    assert "we won't suggest “SQL joins” again" in html.unescape(response.content.decode())
    assert 'data-testid="recommended"' not in response.content.decode()
    assert Dismissal.objects.filter(user=pythonista).count() == 1
    later = session_make(mentor=session.mentor, title="SQL joins", topics=["SQL"], hours_from_now=80)  # same class
    assert later.pk not in {session_id for session_id, _ in _suggested(pythonista)}


def test_not_interested_is_for_learners_and_posts_only(client, pythonista, mentor):
    session = session_make(mentor=approved_mentor(), title="SQL joins", topics=["SQL"])
    client.force_login(mentor)
    assert client.post(f"/p/recommendations/dismiss/{session.pk}/").status_code == 403
    client.force_login(pythonista)
    assert client.get(f"/p/recommendations/dismiss/{session.pk}/").status_code == 405
    response = client.post("/p/recommendations/dismiss/999999/", follow=True)
    assert "no longer open" in response.content.decode() and not Dismissal.objects.exists()


def test_nothing_for_a_learner_without_matching_sessions_nor_for_a_mentor(pythonista, mentor):
    session_make(mentor=approved_mentor(), title="Go basics", topics=["Go"])
    assert _suggested(pythonista) == []
    assert pluginmanager.call_first("recommended_sessions", user=mentor, limit=6) == []  # core's default


def test_a_learner_with_nothing_to_go_on_gets_what_is_popular_this_week(django_capture_on_commit_callbacks):
    guru = approved_mentor()
    popular = session_make(mentor=guru, title="Resume review", topics=["Careers"])
    quiet = session_make(mentor=guru, title="Tabla", topics=["Music"], hours_from_now=30)
    for index in range(3):  # three paid requests for the same class, on other sessions of it
        other = session_make(mentor=guru, title="Resume review", topics=["Careers"], hours_from_now=40 + index)
        book_and_pay(other, user_make(email=f"b{index}@example.com", role="learner"))
    newcomer = user_make(email="new@example.com", role="learner")
    found = _suggested(newcomer)
    assert found == [(popular.pk, "Popular this week: 3 bookings")]  # the soonest session of the class
    assert quiet.pk not in {session_id for session_id, _ in found}


def test_learners_who_booked_one_class_are_shown_what_others_booked_with_it_and_nobody_is_named():
    guru, other_guru = approved_mentor(), approved_mentor(email="other@example.com", name="Other Guru")
    django = session_make(mentor=guru, title="Intro to Django", topics=["Web"])
    rest = session_make(mentor=other_guru, title="REST APIs", topics=["APIs"], hours_from_now=30)
    for index in range(3):
        learner = user_make(email=f"c{index}@example.com", name=f"Learner {index}", role="learner")
        book_and_pay(session_make(mentor=guru, title="Intro to Django", hours_from_now=50 + index), learner)
        book_and_pay(session_make(mentor=other_guru, title="REST APIs", hours_from_now=60 + index), learner)
    me = user_make(email="me@example.com", role="learner")
    book_and_pay(session_make(mentor=guru, title="Intro to Django", hours_from_now=70), me)
    found = dict(_suggested(me))
    assert found[rest.pk] == "Learners who booked Intro to Django also booked this"
    assert django.pk not in found  # a class they booked already
    assert not any("Learner" in reason.replace("Learners who", "") for reason in found.values())


def test_suggestions_come_from_the_cache_then_the_stored_rows_and_are_checked_to_be_still_open(
    pythonista, other_learner, django_assert_num_queries
):
    guru = approved_mentor()
    python = session_make(mentor=guru, title="Python basics", topics=["Python"])
    sql = session_make(mentor=guru, title="Joins", topics=["SQL"], hours_from_now=48)
    services.catalogue_forget()
    services.recompute(user=pythonista)
    with django_assert_num_queries(1):  # the cache, then the one check that the sessions are still open
        assert len(services.recommendations_for(user=pythonista, limit=6)) == 2
    cache.clear()
    with django_assert_num_queries(3):  # ranked?, the stored rows, the check
        assert len(services.recommendations_for(user=pythonista, limit=6)) == 2
    book_and_pay(python, other_learner)
    from core.bookings.models import Booking
    from core.bookings.services import booking_accept

    booking_accept(booking=Booking.objects.get(session=python), mentor=guru)  # now confirmed: not bookable
    assert [item.session.id for item in services.recommendations_for(user=pythonista, limit=6)] == [sql.pk]


def test_ranking_again_changes_nothing_when_nothing_changed(pythonista):
    guru = approved_mentor()
    session_make(mentor=guru, title="Python basics", topics=["Python"])
    session_make(mentor=guru, title="Joins", topics=["SQL"], hours_from_now=48)
    fields = ("position", "session_id", "offering", "score", "signal", "reason")
    services.catalogue_forget()
    services.recompute(user=pythonista)
    first = list(StoredSuggestion.objects.filter(user=pythonista).values_list(*fields))
    services.catalogue_forget()
    services.recompute(user=pythonista)
    assert list(StoredSuggestion.objects.filter(user=pythonista).values_list(*fields)) == first
    assert len(first) == 2 and Ranked.objects.filter(user=pythonista).count() == 1


def test_a_new_session_on_a_learners_interest_reaches_their_panel_by_itself(
    pythonista, django_capture_on_commit_callbacks
):
    guru = approved_mentor()
    assert _suggested(pythonista) == []
    with django_capture_on_commit_callbacks(execute=True):
        session = session_make(mentor=guru, title="Window functions", topics=["SQL"])
    cache.clear()  # as 60 seconds later
    found = pluginmanager.call_first("recommended_sessions", user=pythonista, limit=6)
    assert [(item.session.id, item.reason) for item in found] == [(session.pk, "Because you're interested in SQL")]


def test_a_new_session_that_suits_a_learner_is_announced_once_and_refreshes_their_open_panel(
    client, pythonista, django_capture_on_commit_callbacks, mailoutbox
):
    guitarist = user_make(email="g@example.com", role="learner", details={"interests": ["Guitar"]})
    guru = approved_mentor()
    with django_capture_on_commit_callbacks(execute=True):
        session = session_make(mentor=guru, title="Window functions", topics=["SQL"])
    told = Notification.objects.get(user=pythonista)
    assert (told.kind, told.title, told.body, told.url) == (
        "recommendations.new_match",
        "New session for you: Window functions",
        "Because you're interested in SQL",
        f"/sessions/{session.pk}/",
    )
    assert refreshes_of(told.kind) == ("recommended_sessions",)  # the open dashboard's panel comes in live
    assert not Notification.objects.filter(user=guitarist).exists()  # nothing there for them
    assert mailoutbox == []  # in the app only, unless the learner asks for email too

    with django_capture_on_commit_callbacks(execute=True):  # ranked again (an edit, another session)
        tasks.recompute_interested(["SQL"], session.pk)
        session_update(session=session, by=guru, title="Window functions in SQL")
        session_make(mentor=guru, title="SQL joins", topics=["SQL"], hours_from_now=50)
    assert list(Notification.objects.filter(user=pythonista).values_list("title", flat=True).order_by("pk")) == [
        "New session for you: Window functions",
        "New session for you: SQL joins",
    ]  # once per session; an edit announces nothing

    client.force_login(pythonista)  # what the live refresh fetches: the panel, with the new session
    panel = client.get("/dashboard/learner/").content.decode().split('id="recommended-panel"')[1]
    assert 'data-live-refresh="recommended_sessions"' in panel.split(">")[0]
    assert "Window functions in SQL" in panel and "SQL joins" in panel


def test_changing_ones_interests_changes_the_suggestions(pythonista, django_capture_on_commit_callbacks):
    guru = approved_mentor()
    session_make(mentor=guru, title="Python basics", topics=["Python"])
    figma = session_make(mentor=guru, title="Figma for beginners", topics=["Figma"], hours_from_now=30)
    assert figma.pk not in {session_id for session_id, _ in _suggested(pythonista)}
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=pythonista, name="Pia", details={"interests": ["Figma"], "career_goals": ""})
    cache.clear()
    found = pluginmanager.call_first("recommended_sessions", user=pythonista, limit=6)
    assert (found[0].session.id, found[0].reason) == (figma.pk, "Because you're interested in Figma")


def test_nothing_unbookable_is_ever_suggested(pythonista, other_learner, mentor):
    from core.mentoring.services import session_cancel

    guru, second, third = (approved_mentor(email=f"g{index}@example.com") for index in range(3))
    open_one = session_make(mentor=guru, title="Python open", topics=["Python"])
    confirmed, _ = session_booked(mentor=second, learner=other_learner, starts_in=timedelta(hours=5), topics=["Python"])
    started, _ = session_booked(mentor=third, learner=other_learner, starts_in=-timedelta(minutes=5), topics=["Python"])
    hidden = session_make(mentor=mentor, title="Python hidden", topics=["Python"])  # mentor not approved
    cancelled = session_make(mentor=guru, title="Python cancelled", topics=["Python"], hours_from_now=40)
    session_cancel(session=cancelled, by=guru)
    found = {session_id for session_id, _ in _suggested(pythonista, limit=20)}
    assert open_one.pk in found
    assert not found & {confirmed.pk, started.pk, hidden.pk, cancelled.pk}
