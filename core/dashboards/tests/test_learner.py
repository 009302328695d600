"""The learner's dashboard, section by section, through the real booking flow and the
test-mode gateway: home, browse, booked sessions (with the cancel policy), payments and
receipts, progress; and that nobody sees another learner's data."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import pluginmanager
from core.bookings.models import Booking, BookingStatus
from core.bookings.selectors import booking_get_next_for_learner
from core.bookings.services import (
    SLOT_TAKEN,
    BookingError,
    booking_accept,
    booking_cancel_by_learner,
    booking_checkout_start,
    booking_reject,
)
from core.bookings.tests.factories import book_and_pay
from core.dashboards.tests.factories import bookings_bulk
from core.hooks import Recommendation, hookimpl
from core.mentoring.models import MentoringSession, SessionStatus
from core.mentoring.services import session_create
from core.mentoring.tests.factories import approved_mentor, session_in_progress, session_make
from core.payments import ledger
from core.payments.models import AccountKind, JournalEntry, Payment, PaymentStatus
from core.plugin_api import sessions_bookable
from core.room.attendance import session_complete
from core.room.models import RoomPresence, TopicCheck
from core.room.presence import presence_join, presence_leave
from core.room.topics import topic_set
from core.testmode.models import TestRefund
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def guru():
    return approved_mentor()


@pytest.fixture
def as_learner(client, learner):
    client.force_login(learner)
    return client


def _confirmed(session, learner):
    booking = book_and_pay(session, learner)
    return booking_accept(booking=booking, mentor=session.mentor)


def _shift(session, *, starts_in: timedelta, minutes: int = 60) -> MentoringSession:
    """Move a booked session in time (services only create future sessions; the clock moves here)."""
    starts_at = timezone.now() + starts_in
    MentoringSession.objects.filter(pk=session.pk).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes)
    )
    session.refresh_from_db()
    return session


def _page(client, url) -> str:
    """The page's text, entities decoded ("can't", not "can&#x27;t")."""
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(response.content.decode())


# --- Home ---------------------------------------------------------------------------------


def test_home_greets_and_shows_the_next_session_with_a_countdown(as_learner, learner, guru):
    page = _page(as_learner, "/dashboard/learner/")
    assert "Hi Asha Learner! Learn something new!" in page
    assert "No session booked yet" in page
    session = session_make(mentor=guru, title="Calculus for JEE", topics=["Limits"], hours_from_now=30)
    _confirmed(session, learner)
    page = _page(as_learner, "/dashboard/learner/")
    assert 'data-testid="next-session"' in page and "Calculus for JEE" in page and "with Guru Mentor" in page
    assert f'data-countdown="{session.starts_at.astimezone(ZoneInfo("UTC")).isoformat()}' in page
    assert f'href="/session/{session.room_id}/" data-testid="join"' in page  # rendered, hidden until it opens
    assert "Opens 10 minutes before the start." in page
    assert 'data-nav-badge="upcoming">1' in page


def test_join_is_live_from_ten_minutes_before_the_start_until_the_end(as_learner, learner, guru):
    session = session_make(mentor=guru, hours_from_now=30)
    _confirmed(session, learner)
    start = session.starts_at
    next_at = lambda moment: booking_get_next_for_learner(learner=learner, now=moment)  # noqa: E731
    assert not next_at(start - timedelta(minutes=11)).is_joinable
    assert next_at(start - timedelta(minutes=10)).is_joinable
    assert next_at(session.ends_at - timedelta(seconds=1)).is_joinable
    assert next_at(session.ends_at) is None  # over: no next session
    _shift(session, starts_in=timedelta(minutes=5))
    page = _page(as_learner, "/dashboard/learner/")
    join = f'<a class="btn btn--primary btn--lg" href="/session/{session.room_id}/" data-testid="join"'
    assert join in page
    assert page.split(join)[1].split(">")[0].count("hidden") == 0
    assert "Opens 10 minutes before the start." not in page


def test_home_lists_requests_waiting_confirmed_and_slot_taken(as_learner, learner, other_learner, guru):
    waiting = session_make(mentor=guru, title="Waiting one", hours_from_now=30)
    book_and_pay(waiting, learner)
    confirmed = session_make(mentor=guru, title="Confirmed one", hours_from_now=50)
    _confirmed(confirmed, learner)
    contested = session_make(mentor=guru, title="Contested one", hours_from_now=70)
    mine = book_and_pay(contested, learner)
    _confirmed(contested, other_learner)  # the mentor accepted Bilal: Asha's request is released
    mine.refresh_from_db()
    assert (mine.status, mine.status_reason) == (BookingStatus.REJECTED, SLOT_TAKEN)
    page = _page(as_learner, "/dashboard/learner/")
    requests = page.split('data-testid="your-requests"')[1]
    assert "Waiting one" in requests and "Waiting for the mentor" in requests
    assert "Confirmed one" in requests and ">Confirmed</span>" in requests
    assert "Contested one" in requests and "Slot taken, try another" in requests
    assert "Find another" in requests


def test_no_recommendations_panel_without_a_recommender(as_learner, guru):
    session_make(mentor=guru, title="Open session")
    assert pluginmanager.pm.hook.recommended_sessions(user=None, limit=3) == []
    page = _page(as_learner, "/dashboard/learner/")
    assert 'data-testid="recommended"' not in page and "Recommended for you" not in page


@pytest.fixture
def recommender():
    class Recommender:
        @hookimpl
        def recommended_sessions(self, user, limit):
            return [Recommendation(session=card, reason="Because you asked") for card in sessions_bookable(limit=limit)]

    plugin = Recommender()
    pluginmanager.pm.register(plugin, name="test-recommender")
    yield plugin
    pluginmanager.pm.unregister(plugin)


def test_a_recommender_plugin_fills_the_panel(as_learner, guru, recommender):
    session = session_make(mentor=guru, title="Recommended session")
    page = _page(as_learner, "/dashboard/learner/")
    panel = page.split('data-testid="recommended"')[1]
    assert "Recommended for you" in panel and "Recommended session" in panel
    assert f'href="/sessions/{session.pk}/"' in panel
    assert "Because you asked" in panel


# The broken hook is logged, and the page still renders.
@pytest.mark.expect_error_log("core.pluginmanager")
def test_a_broken_recommender_leaves_the_panel_out(as_learner, guru, caplog):
    class Broken:
        @hookimpl
        def recommended_sessions(self, user, limit):
            raise RuntimeError("model not loaded")

    plugin = Broken()
    pluginmanager.pm.register(plugin, name="test-broken-recommender")
    try:
        page = _page(as_learner, "/dashboard/learner/")
    finally:
        pluginmanager.pm.unregister(plugin)
    assert "Recommended for you" not in page
    assert "test-broken-recommender failed in hook recommended_sessions" in caplog.text


# --- Browse -------------------------------------------------------------------------------


@pytest.fixture
def catalogue(guru, other_mentor):
    """Sessions on offer: three of Guru's, and one of a mentor nobody approved (never shown)."""
    return {
        "python": session_make(
            mentor=guru, title="Intro to Python", topics=["Python", "Loops"], price_paise=50_000, hours_from_now=30
        ),
        "django": session_make(
            mentor=guru, title="Django views", topics=["Django", "Web"], price_paise=150_000, hours_from_now=60
        ),
        "design": session_make(
            mentor=approved_mentor(email="dia@example.com", name="Dia Designer"),
            title="Figma for beginners",
            topics=["UI Design"],
            price_paise=80_000,
            hours_from_now=100,
        ),
        "hidden": session_make(mentor=other_mentor, title="Python secrets", topics=["Python"], hours_from_now=40),
    }


def _titles(response) -> list[str]:
    return [card.title for card in response.context["results"].page.object_list]


def test_browse_lists_public_sessions_soonest_first(as_learner, catalogue):
    response = as_learner.get("/dashboard/learner/browse/")
    assert _titles(response) == ["Intro to Python", "Django views", "Figma for beginners"]
    page = response.content.decode()
    assert "Python secrets" not in page  # the mentor is not approved
    assert f'href="/sessions/{catalogue["python"].pk}/"' in page
    assert "₹550 with fee" in page
    assert 'hx-trigger="input changed delay:300ms, submit"' in page and 'hx-push-url="true"' in page
    assert 'hx-select="#browse-results"' in page and 'id="browse-results"' in page
    assert "Mentor rating" in page and "No ratings yet" in page and "disabled" in page


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("pyhton", ["Intro to Python"]),  # a typo
        ("PYTH", ["Intro to Python"]),  # a prefix, any case
        ("djnago vews", ["Django views"]),  # two typos
        ("dia", ["Figma for beginners"]),  # the mentor's name
        ("loops", ["Intro to Python"]),  # a topic
        ("python cooking", []),  # every word has to match
    ],
)
def test_search_is_typo_tolerant(as_learner, catalogue, query, titles):
    assert _titles(as_learner.get("/dashboard/learner/browse/", {"q": query})) == titles


def test_no_match_says_so(as_learner, catalogue):
    page = _page(as_learner, "/dashboard/learner/browse/?q=quantum+chromodynamics")
    assert "No sessions match “quantum chromodynamics”" in page
    assert "Clear filters" in page


def test_filter_by_topic_or_domain_and_price(as_learner, catalogue):
    get = as_learner.get
    assert _titles(get("/dashboard/learner/browse/", {"topic": "django"})) == ["Django views"]
    # "Programming" is the mentors' domain (from their profile), not a session topic
    assert _titles(get("/dashboard/learner/browse/", {"topic": "Programming"})) == [
        "Intro to Python",
        "Django views",
        "Figma for beginners",
    ]
    assert _titles(get("/dashboard/learner/browse/", {"price_min": "600", "price_max": "1,500"})) == [
        "Django views",
        "Figma for beginners",
    ]
    page = get("/dashboard/learner/browse/").content.decode()
    assert '<option value="UI Design">UI Design</option>' in page


def test_bad_filters_are_explained_and_the_rest_still_apply(as_learner, catalogue):
    response = as_learner.get("/dashboard/learner/browse/", {"q": "python", "price_min": "lots"})
    assert "Type an amount in rupees, like 500." in response.content.decode()
    assert _titles(response) == ["Intro to Python"]
    response = as_learner.get("/dashboard/learner/browse/", {"price_min": "900", "price_max": "100"})
    assert "The max price is below the min price." in response.content.decode()


def test_dates_are_days_in_the_learners_timezone(client, guru):
    # 20:00 UTC is 01:30 the next day in India and 12:00 the same day in California.
    day = (timezone.now() + timedelta(days=5)).astimezone(ZoneInfo("UTC")).date()
    starts_at = datetime(day.year, day.month, day.day, 20, 0, tzinfo=ZoneInfo("UTC"))
    session_create(mentor=guru, title="Late in India", price_paise=100_000, starts_at=starts_at)
    next_day = (day + timedelta(days=1)).isoformat()
    india = user_make(email="ira@example.com", name="Ira")
    client.force_login(india)
    assert _titles(client.get("/dashboard/learner/browse/", {"date_from": next_day, "date_to": next_day})) == [
        "Late in India"
    ]
    assert _titles(client.get("/dashboard/learner/browse/", {"date_to": day.isoformat()})) == []
    california = user_make(email="cal@example.com", name="Cal")
    california.timezone = "America/Los_Angeles"
    california.save(update_fields=["timezone"])
    client.force_login(california)
    assert _titles(
        client.get("/dashboard/learner/browse/", {"date_from": day.isoformat(), "date_to": day.isoformat()})
    ) == ["Late in India"]
    assert "America/Los_Angeles" in client.get("/dashboard/learner/browse/").content.decode()


def test_results_are_paginated_and_the_address_keeps_the_filters(as_learner, guru):
    for index in range(14):
        session_make(mentor=guru, title=f"Python part {index + 1}", topics=["Python"], hours_from_now=30 + 2 * index)
    first = as_learner.get("/dashboard/learner/browse/", {"q": "python"})
    assert len(_titles(first)) == 12
    page = first.content.decode()
    assert "14 sessions" in page and "Page 1 of 2" in page
    assert 'href="?q=python&amp;page=2"' in page
    second = as_learner.get("/dashboard/learner/browse/", {"q": "python", "page": "2"})
    assert _titles(second) == ["Python part 13", "Python part 14"]
    assert _titles(as_learner.get("/dashboard/learner/browse/", {"q": "python", "page": "99"})) == [
        "Python part 13",
        "Python part 14",
    ]


def test_with_htmx_the_address_bar_gets_the_search_without_empty_fields(as_learner, catalogue):
    response = as_learner.get(
        "/dashboard/learner/browse/", {"q": "pyhton", "topic": "", "price_min": "", "page": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Push-Url"] == "/dashboard/learner/browse/?q=pyhton"
    response = as_learner.get("/dashboard/learner/browse/", {"q": ""}, HTTP_HX_REQUEST="true")
    assert response["HX-Push-Url"] == "/dashboard/learner/browse/"
    assert "HX-Push-Url" not in as_learner.get("/dashboard/learner/browse/", {"q": "pyhton"})


def test_browse_offers_only_sessions_still_open_for_booking(as_learner, other_learner, guru, catalogue):
    _confirmed(catalogue["django"], other_learner)  # one-to-one: taken
    session_in_progress(mentor=guru, title="Already started")
    assert _titles(as_learner.get("/dashboard/learner/browse/")) == ["Intro to Python", "Figma for beginners"]


# --- Booked sessions and the cancel policy -----------------------------------------------


def test_booked_sessions_upcoming_and_past(as_learner, learner, guru):
    upcoming = session_make(mentor=guru, title="Coming up", hours_from_now=48)
    _confirmed(upcoming, learner)
    done = session_make(mentor=guru, title="Already done", hours_from_now=72)
    _confirmed(done, learner)
    session_complete(session=_shift(done, starts_in=-timedelta(days=2)))
    declined = session_make(mentor=guru, title="Declined one", hours_from_now=96)
    booking_reject(booking=book_and_pay(declined, learner), mentor=guru, reason="Travelling that day.")
    page = _page(as_learner, "/dashboard/learner/bookings/")
    upcoming_part, past_part = page.split('id="past-heading"')
    assert "Coming up" in upcoming_part and "Already done" not in upcoming_part
    assert "Already done" in past_part and "Declined one" in past_part and "Travelling that day." in past_part
    assert "Cancel up to 24 hours before the start for a full refund; after that the booking can't be cancelled" in page
    assert 'aria-label="Cancel Coming up"' in upcoming_part
    assert "Cancel Already done" not in page and "Cancel Declined one" not in page


def _cancel(client, booking, **data):
    return client.post(f"/dashboard/learner/bookings/{booking.pk}/cancel/", data)


def test_withdrawing_a_waiting_request_releases_the_payment(as_learner, learner, guru,
                                                            django_capture_on_commit_callbacks):  # fmt: skip
    booking = book_and_pay(session_make(mentor=guru, title="Waiting one"), learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = _cancel(as_learner, booking)
    assert response.status_code == 302 and response["Location"] == "/dashboard/learner/bookings/"
    booking.refresh_from_db()
    assert (booking.status, booking.status_reason) == (BookingStatus.CANCELLED, "Cancelled by the learner.")
    assert Payment.objects.get(booking=booking).status == PaymentStatus.VOIDED
    assert "you were not charged" in _page(as_learner, "/dashboard/learner/bookings/")


def test_cancelling_a_confirmed_booking_early_refunds_in_full(client, as_learner, learner, guru,
                                                             django_capture_on_commit_callbacks):  # fmt: skip
    session = session_make(mentor=guru, title="Refund me", hours_from_now=48)
    booking = _confirmed(session, learner)
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 90_000
    with django_capture_on_commit_callbacks(execute=True):
        response = _cancel(as_learner, booking, next="/dashboard/learner/")
    assert response["Location"] == "/dashboard/learner/"
    booking.refresh_from_db()
    payment = Payment.objects.get(booking=booking)
    assert booking.status == BookingStatus.CANCELLED
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, 110_000)
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 0
    assert "Your full refund is on its way." in _page(as_learner, "/dashboard/learner/")
    # the mentor sees it cancelled, and the slot is open again
    client.force_login(guru)
    mentor_page = _page(client, "/dashboard/mentor/bookings/")
    assert "Cancelled by the learner." in mentor_page
    assert "Open for booking" in _page(client, "/dashboard/mentor/")


def test_a_confirmed_booking_cannot_be_cancelled_within_24_hours(as_learner, learner, guru):
    session = session_make(mentor=guru, title="Too late", hours_from_now=30)
    booking = _confirmed(session, learner)
    _shift(session, starts_in=timedelta(hours=23, minutes=59))
    page = _page(as_learner, "/dashboard/learner/bookings/")
    assert "Cancel Too late" not in page and "Less than 24 hours to go: it can't be cancelled" in page
    response = _cancel(as_learner, booking)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Payment.objects.get(booking=booking).status == PaymentStatus.CAPTURED
    assert "starts in less than 24 hours" in _page(as_learner, "/dashboard/learner/bookings/")


def test_a_double_submit_cancels_and_refunds_once(as_learner, learner, guru, django_capture_on_commit_callbacks):
    booking = _confirmed(session_make(mentor=guru, title="Twice", hours_from_now=48), learner)
    with django_capture_on_commit_callbacks(execute=True):
        first = _cancel(as_learner, booking)
        second = _cancel(as_learner, booking)
    assert first.status_code == second.status_code == 302
    assert "“Twice” was already cancelled." in _page(as_learner, "/dashboard/learner/bookings/")
    payment = Payment.objects.get(booking=booking)
    assert TestRefund.objects.filter(payment_id=payment.razorpay_payment_id).count() == 1
    assert JournalEntry.objects.filter(payment=payment, reference__startswith="refund").count() == 1
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 0


def test_nobody_cancels_someone_elses_booking(client, learner, other_learner, guru):
    booking = book_and_pay(session_make(mentor=guru), learner)
    client.force_login(other_learner)
    assert _cancel(client, booking).status_code == 404
    client.force_login(guru)
    assert _cancel(client, booking).status_code == 403  # the mentor rejects instead
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING
    client.force_login(learner)
    assert client.get(f"/dashboard/learner/bookings/{booking.pk}/cancel/").status_code == 405


# --- The cancel service: every branch ----------------------------------------------------


def test_the_service_refunds_a_confirmed_booking_once_however_often_it_is_called(learner, guru):
    booking = _confirmed(session_make(mentor=guru, hours_from_now=48), learner)
    assert booking_cancel_by_learner(booking=booking, learner=learner) is True
    assert booking_cancel_by_learner(booking=booking, learner=learner) is False
    payment = Payment.objects.get(booking=booking)
    assert (payment.status, payment.refunded_paise) == (PaymentStatus.REFUNDED, 110_000)
    assert TestRefund.objects.filter(payment_id=payment.razorpay_payment_id).count() == 1
    assert JournalEntry.objects.filter(payment=payment, reference__startswith="refund").count() == 1
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru) == 0
    booking.refresh_from_db()
    assert (booking.status, booking.status_reason) == (BookingStatus.CANCELLED, "Cancelled by the learner.")


def test_the_service_refuses_a_confirmed_booking_within_24_hours(learner, guru):
    session = session_make(mentor=guru, hours_from_now=30)
    booking = _confirmed(session, learner)
    _shift(session, starts_in=timedelta(hours=23, minutes=59))
    with pytest.raises(BookingError, match="can't be cancelled any more"):
        booking_cancel_by_learner(booking=booking, learner=learner)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Payment.objects.get(booking=booking).status == PaymentStatus.CAPTURED


def test_exactly_24_hours_before_is_still_allowed(learner, guru):
    session = session_make(mentor=guru, hours_from_now=30)
    booking = _confirmed(session, learner)
    _shift(session, starts_in=timedelta(hours=24, seconds=5))
    assert booking_cancel_by_learner(booking=booking, learner=learner) is True


def test_the_service_is_idempotent_and_refuses_what_the_policy_refuses(learner, other_learner, guru):
    pending = book_and_pay(session_make(mentor=guru, title="A"), learner)
    assert booking_cancel_by_learner(booking=pending, learner=learner) is True
    assert booking_cancel_by_learner(booking=pending, learner=learner) is False
    held, _payment, _order = booking_checkout_start(session=session_make(mentor=guru, title="B", hours_from_now=50),
                                                    learner=learner)  # fmt: skip
    assert booking_cancel_by_learner(booking=held, learner=learner) is True
    held.refresh_from_db()
    assert held.status == BookingStatus.CANCELLED
    rejected = book_and_pay(session_make(mentor=guru, title="C", hours_from_now=70), learner)
    booking_reject(booking=rejected, mentor=guru)
    with pytest.raises(BookingError, match="nothing to cancel"):
        booking_cancel_by_learner(booking=rejected, learner=learner)
    theirs = book_and_pay(session_make(mentor=guru, title="D", hours_from_now=90), other_learner)
    with pytest.raises(PermissionError):
        booking_cancel_by_learner(booking=theirs, learner=learner)
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.PENDING


def test_a_stale_booking_object_is_read_again_before_cancelling(learner, guru):
    """The learner's page said "waiting"; the mentor accepted meanwhile: cancel the confirmed booking."""
    booking = book_and_pay(session_make(mentor=guru, hours_from_now=48), learner)
    stale = Booking.objects.get(pk=booking.pk)
    booking_accept(booking=booking, mentor=guru)
    assert booking_cancel_by_learner(booking=stale, learner=learner) is True
    assert Payment.objects.get(booking=booking).status == PaymentStatus.REFUNDED


# --- Payments and receipts ----------------------------------------------------------------


def test_payments_itemise_price_and_fee_with_what_came_back(as_learner, learner, other_learner, guru):
    held = session_make(mentor=guru, title="Held one", hours_from_now=30)
    book_and_pay(held, learner)
    paid = session_make(mentor=guru, title="Paid one", hours_from_now=50)
    _confirmed(paid, learner)
    released = session_make(mentor=guru, title="Released one", hours_from_now=70)
    book_and_pay(released, learner)
    _confirmed(released, other_learner)  # slot taken: Asha's hold is released
    refunded = session_make(mentor=guru, title="Refunded one", hours_from_now=90)
    booking_cancel_by_learner(booking=_confirmed(refunded, learner), learner=learner)
    booking_checkout_start(session=session_make(mentor=guru, title="Never paid", hours_from_now=110), learner=learner)

    response = as_learner.get("/dashboard/learner/payments/")
    rows = {row.session_title: row for row in response.context["page"].object_list}
    assert set(rows) == {"Held one", "Paid one", "Released one", "Refunded one"}  # the unpaid checkout is no receipt
    assert {title: row.status for title, row in rows.items()} == {
        "Held one": "held",
        "Paid one": "paid",
        "Released one": "released",
        "Refunded one": "refunded",
    }
    assert (rows["Paid one"].price_paise, rows["Paid one"].fee_paise, rows["Paid one"].amount_paise) == (
        100_000,
        10_000,
        110_000,
    )
    assert rows["Released one"].released_paise == 110_000 and rows["Released one"].charged_paise == 0
    assert rows["Refunded one"].refunded_paise == 110_000 and rows["Refunded one"].charged_paise == 0
    totals = response.context["totals"]
    assert (totals.paid_paise, totals.held_paise, totals.refunded_paise) == (110_000, 110_000, 110_000)
    page = response.content.decode()
    assert "₹1,000" in page and "₹100" in page and "₹1,100" in page
    assert "₹1,100 refunded" in page and "₹1,100 released" in page
    assert "Guru Mentor" in page


def test_long_histories_come_a_page_at_a_time(as_learner, learner, guru):
    bookings_bulk(mentor=guru, count=30, learner=learner, days_from_now=-20, session_status=SessionStatus.COMPLETED)
    bookings_bulk(mentor=guru, count=12, learner=learner, days_from_now=2)  # upcoming: 10 a page, soonest first
    first = as_learner.get("/dashboard/learner/bookings/")
    assert (len(first.context["upcoming"].object_list), first.context["upcoming"].paginator.count) == (10, 12)
    assert 'rel="next" href="?upcoming=2"' in first.content.decode()
    later = as_learner.get("/dashboard/learner/bookings/?upcoming=2&page=2")
    assert len(later.context["upcoming"].object_list) == 2 and later.context["page"].number == 2
    assert {row.id for row in first.context["upcoming"]}.isdisjoint(row.id for row in later.context["upcoming"])
    assert (len(first.context["page"].object_list), first.context["page"].paginator.count) == (25, 30)
    assert 'rel="next" href="?page=2"' in first.content.decode()
    second = as_learner.get("/dashboard/learner/bookings/?page=2")
    titles = {row.session_title for row in first.context["page"].object_list} | {
        row.session_title for row in second.context["page"].object_list
    }
    assert len(second.context["page"].object_list) == 5 and len(titles) == 30  # no row twice, none lost
    receipts = as_learner.get("/dashboard/learner/payments/")
    assert (len(receipts.context["page"].object_list), receipts.context["page"].paginator.count) == (25, 42)
    last = as_learner.get("/dashboard/learner/payments/?page=99")  # past the end: the last page
    assert (last.context["page"].number, len(last.context["page"].object_list)) == (2, 17)
    assert receipts.context["totals"].paid_paise == 42 * 110_000  # totals cover every page


def test_a_receipt_is_a_printable_page_of_ones_own(client, as_learner, learner, other_learner, guru):
    booking = _confirmed(session_make(mentor=guru, title="Receipt me"), learner)
    payment = Payment.objects.get(booking=booking)
    url = f"/dashboard/learner/payments/{payment.pk}/receipt/"
    page = _page(as_learner, url)
    assert "Receipt" in page and booking.reference in page and payment.razorpay_payment_id in page
    assert "Session price" in page and "₹1,000" in page and "Platform fee" in page and "₹1,100" in page
    assert "Asha Learner" in page and "asha@example.com" in page and "with Guru Mentor" in page
    assert "Test mode — no real money was charged." in page
    assert "data-print" in page
    client.force_login(other_learner)
    assert client.get(url).status_code == 404
    client.force_login(guru)
    assert client.get(url).status_code == 403


# --- Progress -----------------------------------------------------------------------------


def test_progress_is_honest_when_empty(as_learner, learner, guru):
    _confirmed(session_make(mentor=guru, title="Not yet"), learner)  # booked, not taken place
    page = _page(as_learner, "/dashboard/learner/progress/")
    assert "No sessions attended yet" in page and 'data-testid="sessions-attended"' not in page


def _in_room(session, user, *, start_minute: int, end_minute: int):
    """``user`` had the room open from ``start_minute`` to ``end_minute`` after the start."""
    presence, _ = presence_join(session=session, user=user, now=session.starts_at + timedelta(minutes=start_minute))
    presence_leave(presence_id=presence.pk, now=session.starts_at + timedelta(minutes=end_minute))


def test_progress_counts_time_both_were_present_and_topics_ticked(as_learner, learner, other_learner, guru):
    sessions = {}
    for title, topics, minutes in (
        ("Python basics", ["Python", "Loops"], 60),
        ("Python again", ["python", "Functions", "Classes"], 90),
    ):
        session = session_make(mentor=guru, title=title, topics=topics, hours_from_now=30 + minutes,
                               duration_minutes=minutes)  # fmt: skip
        _confirmed(session, learner)
        sessions[title] = _shift(session, starts_in=-timedelta(days=1, minutes=minutes), minutes=minutes)
    basics, again = sessions["Python basics"], sessions["Python again"]
    # Basics: the mentor 0-50, the learner 5-20 and (after a reconnect, two tabs) 18-40 -> 35 min together.
    _in_room(basics, guru, start_minute=0, end_minute=50)
    _in_room(basics, learner, start_minute=5, end_minute=20)
    _in_room(basics, learner, start_minute=18, end_minute=40)
    topic_set(session=basics, index=0, is_done=True, by=guru)
    topic_set(session=basics, index=1, is_done=True, by=learner)
    topic_set(session=basics, index=1, is_done=False, by=learner)  # unticked again: not covered
    # Again: the learner 0-90, the mentor 30-55 -> 25 min together; Python and Classes ticked.
    _in_room(again, learner, start_minute=0, end_minute=90)
    _in_room(again, guru, start_minute=30, end_minute=55)
    topic_set(session=again, index=0, is_done=True, by=guru)
    topic_set(session=again, index=2, is_done=True, by=guru)
    for session in sessions.values():
        session_complete(session=session)
    # Completed without the learner (the mentor came, the learner never did): not attended.
    absent = session_make(mentor=guru, title="Missed one", topics=["Go"], hours_from_now=200)
    _confirmed(absent, learner)
    _in_room(_shift(absent, starts_in=-timedelta(days=2)), guru, start_minute=0, end_minute=15)
    session_complete(session=absent)
    theirs = session_make(mentor=guru, title="Bilal's session", topics=["Rust"], hours_from_now=300)
    _confirmed(theirs, other_learner)
    _in_room(_shift(theirs, starts_in=-timedelta(days=3)), other_learner, start_minute=0, end_minute=60)
    session_complete(session=theirs)
    cancelled = session_make(mentor=guru, title="Cancelled one", topics=["Go"], hours_from_now=400)
    booking_cancel_by_learner(booking=_confirmed(cancelled, learner), learner=learner)
    session_complete(session=_shift(cancelled, starts_in=-timedelta(days=4)))

    response = as_learner.get("/dashboard/learner/progress/")
    progress = response.context["progress"]
    assert (progress.sessions_attended, progress.minutes_learned, progress.hours_display) == (2, 60, "1 h")
    assert progress.topics == (("Python", 2), ("Classes", 1))
    assert [(row.title, row.duration_minutes, row.topics) for row in progress.recent] == [
        ("Python basics", 35, ("Python",)),
        ("Python again", 25, ("python", "Classes")),
    ]
    page = response.content.decode()
    assert "Python basics" in page and "35 min together" in page
    assert "Missed one" not in page and "Bilal's session" not in page and "Cancelled one" not in page


def test_progress_queries_stay_flat_with_presences_and_ticks(client, learner, guru, django_assert_max_num_queries):
    client.force_login(learner)

    def attend(count):
        bookings = bookings_bulk(
            mentor=guru, count=count, learner=learner, days_from_now=-60 - count, session_status=SessionStatus.COMPLETED
        )
        for booking in bookings:
            session = booking.session
            for person in (guru, learner):
                RoomPresence.objects.create(session=session, user=person, joined_at=session.starts_at,
                                            seen_at=session.ends_at, left_at=session.ends_at)  # fmt: skip
            TopicCheck.objects.create(
                session=session, index=0, is_done=True, checked_by=guru, updated_at=session.ends_at
            )

    attend(1)
    with CaptureQueriesContext(connection) as one:
        response = client.get("/dashboard/learner/progress/")
    assert response.context["progress"].sessions_attended == 1
    attend(50)
    # At most as many: a plugin's section may serve the second visit from its cache.
    with django_assert_max_num_queries(len(one)):
        response = client.get("/dashboard/learner/progress/")
    progress = response.context["progress"]
    assert (progress.sessions_attended, progress.minutes_learned, progress.topics) == (51, 51 * 60, (("Python", 51),))


# --- Navigation -------------------------------------------------------------------------


def test_the_sections_in_the_sidebar_and_one_list_of_bookings(as_learner, learner, guru):
    page = _page(as_learner, "/dashboard/learner/progress/")
    sidebar = page.split('class="side-nav"')[1].split("</ul>")[0]
    labels = ["Home", "Browse", "Booked sessions", "Payments", "Progress", "Profile"]
    positions = [sidebar.index(f"<span>{label}</span>") for label in labels]
    assert positions == sorted(positions)
    assert 'aria-current="page" data-section="progress"' in sidebar
    # Profile leaves the dashboard: an ordinary link (an htmx swap of #dash-main would blank the page).
    assert '<a href="/profile/"  data-section="profile">' in sidebar
    assert 'hx-get="/dashboard/learner/payments/"' in sidebar
    booking = book_and_pay(session_make(mentor=guru), learner)
    for url in ("/dashboard/learner/", "/dashboard/learner/bookings/", f"/bookings/{booking.pk}/"):
        page = _page(as_learner, url)
        assert 'href="/bookings/"' not in page, url  # every link goes to the one list
    assert 'href="/dashboard/learner/bookings/"' in _page(as_learner, f"/bookings/{booking.pk}/")


# --- Nobody sees another learner's data -----------------------------------------------------


def test_another_learners_sections_show_none_of_this(client, learner, other_learner, guru):
    session = session_make(mentor=guru, title="Asha's private session", hours_from_now=48)
    booking = _confirmed(session, learner)
    done = session_make(mentor=guru, title="Asha's finished session", hours_from_now=72)
    _confirmed(done, learner)
    session_complete(session=_shift(done, starts_in=-timedelta(days=1)))
    client.force_login(other_learner)
    for url in SECTIONS:
        page = _page(client, url)
        assert "Asha's private session" not in page and "Asha's finished session" not in page, url
        assert booking.reference not in page and session.room_id not in page, url


# --- Query counts ---------------------------------------------------------------------------

SECTIONS = [
    "/dashboard/learner/",
    "/dashboard/learner/browse/",
    "/dashboard/learner/browse/?q=bulk+sesion&price_max=2000",
    "/dashboard/learner/bookings/",
    "/dashboard/learner/payments/",
    "/dashboard/learner/progress/",
]


def test_no_sections_query_count_grows_from_10_to_1000_bookings(client, learner, guru):
    client.force_login(learner)

    def add(count):
        bookings_bulk(mentor=guru, count=count, learner=learner, days_from_now=10)  # confirmed, upcoming
        bookings_bulk(mentor=guru, count=count, learner=learner, status=BookingStatus.PENDING, days_from_now=400)
        bookings_bulk(
            mentor=guru, count=count, learner=learner, days_from_now=-300, session_status=SessionStatus.COMPLETED
        )
        bookings_bulk(mentor=guru, count=count, days_from_now=200)  # other learners' bookings

    add(10)
    receipt = Payment.objects.filter(learner=learner).first()
    urls = [*SECTIONS, f"/dashboard/learner/payments/{receipt.pk}/receipt/"]
    few = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        few[url] = [query["sql"] for query in queries.captured_queries]
    add(1000)
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        many = [query["sql"] for query in queries.captured_queries]
        extra = "\n".join(sql for sql in many if sql not in few[url])
        assert len(many) <= len(few[url]), f"{url}: {len(few[url])} queries, then {len(many)}; new:\n{extra}"
